/**
 * Recipe that asks whether another image-level pooling of the same patch logits would read better
 * than the package's own: each pooling's thresholds are tuned on validation fields (the grid of
 * training), then each evaluation set is scored with them. The patch logits are the package head on
 * its embeddings, so `mean-logit` reproduces `ana eval` for a mean-logit package (a check). Prints
 * macro-F1 / mAP per set, how many of a set's negative fields no label calls at those thresholds
 * (a candidate's rule asks that negatives stay negative), and the validation AP per label:
 *
 *   npx tsx native-models/recipes/compare-pooling.ts --model native-models/ana-default \
 *     --val V1/labels.csv,V2/labels.csv [--evaluate name=DIR/labels.csv[:split],...] [--pools mean-logit,max]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../../electron/core/inference/engine';
import { loadModelPackage, readHead } from '../../electron/core/models/model-package';
import type { BagDataset } from '../../electron/core/training/dataset';
import { headScorer } from '../../electron/core/training/heads/train-model';
import { evaluate, negativesReadNegative, type MultiLabelData } from '../../electron/core/training/metrics/metrics';
import { tuneThresholds } from '../../electron/core/training/metrics/thresholds';
import { embeddedSet, joined, namedSets } from './scored-sets';

/** Pools one label's patch logits of a field into the field's logit. */
type Pool = (logits: readonly number[]) => number;

const mean: Pool = (z) => z.reduce((a, b) => a + b, 0) / z.length;
/** Mean of the top share of patches (at least one). */
const topMean = (share: number): Pool => (z) => mean([...z].sort((a, b) => b - a).slice(0, Math.max(1, Math.ceil(share * z.length))));
/** Log-mean-exp with sharpness r: mean-logit as r → 0, max as r → ∞. */
const logMeanExp = (r: number): Pool => (z) => {
  const top = Math.max(...z);
  return top + Math.log(mean(z.map((v) => Math.exp(r * (v - top))))) / r;
};
const POOLS: Record<string, Pool> = {
  'mean-logit': mean,
  'lse0.5': logMeanExp(0.5),
  lse1: logMeanExp(1),
  lse2: logMeanExp(2),
  lse4: logMeanExp(4),
  top50: topMean(0.5),
  top25: topMean(0.25),
  max: (z) => Math.max(...z),
};

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'native-models/ana-default' },
    val: { type: 'string' },
    evaluate: { type: 'string' },
    pools: { type: 'string', default: Object.keys(POOLS).join(',') },
  },
});
if (!values.val) throw new Error('usage: --model DIR --val A.csv[,B.csv] [--evaluate name=C.csv[:split],...] [--pools mean-logit,max,...]');
const pools = values.pools.split(',').map((name) => {
  const pool = POOLS[name];
  if (!pool) throw new Error(`--pools: unknown pooling "${name}" (known: ${Object.keys(POOLS).join(', ')})`);
  return [name, pool] as const;
});

const model = await loadModelPackage(resolve(values.model));
const labels = model.manifest.labels.map((l) => l.key);
const K = labels.length;
const engine = await createEngine(model, { providers: ['cpu'], warn: () => {} });
const { weights, bias } = await readHead(model);
const head = headScorer(weights.data, bias.data, weights.dims[1]!, K);

/** Image-level probabilities under one pooling (a field without patches scores 0.5). */
function pooled(d: BagDataset, logits: Float64Array, pool: Pool): MultiLabelData {
  const imageCount = d.bagOffsets.length - 1;
  const scores = new Float32Array(imageCount * K);
  for (let b = 0; b < imageCount; b++) {
    const [from, to] = [d.bagOffsets[b]!, d.bagOffsets[b + 1]!];
    for (let k = 0; k < K; k++) {
      const z: number[] = [];
      for (let n = from; n < to; n++) z.push(logits[n * K + k]!);
      scores[b * K + k] = 1 / (1 + Math.exp(-(z.length ? pool(z) : 0)));
    }
  }
  return { truth: d.bagLabels, scores, imageCount, labelCount: K };
}

const load = async (spec: string) => {
  const data = await embeddedSet(model, engine, spec);
  return { data, logits: head.forward(data.inputs, data.bagOffsets[data.bagOffsets.length - 1]!) };
};
const val = await Promise.all(values.val.split(',').map(load));
const sets = await Promise.all(namedSets(values.evaluate).map(async ([name, spec]) => [name, await load(spec)] as const));
await engine.close();

console.log(`${model.manifest.id} ${model.manifest.version}: ${val.reduce((n, v) => n + v.data.bagOffsets.length - 1, 0)} validation fields; cells macro-F1 / mAP`);
const apRows: string[] = [];
for (const [name, pool] of pools) {
  const v = joined(val.map((s) => pooled(s.data, s.logits, pool)));
  const thresholds = tuneThresholds(v.truth, v.scores, v.imageCount, K);
  const onVal = evaluate(v, labels, thresholds);
  const cell = (setName: string, scored: MultiLabelData, r = evaluate(scored, labels, thresholds)) => {
    const { negatives, readNegative } = negativesReadNegative(scored, thresholds);
    return `${setName} ${r.f1_macro.toFixed(3)} / ${r.map.toFixed(3)}${negatives ? ` (negatives ${readNegative}/${negatives})` : ''}`;
  };
  const cells = [cell('val', v, onVal), ...sets.map(([setName, s]) => cell(setName, pooled(s.data, s.logits, pool)))];
  console.log(`${name.padEnd(11)} ${cells.join(' | ')}`);
  apRows.push(`${name.padEnd(11)} ${labels.map((l) => (onVal.per_class[l]!.ap ?? 0).toFixed(3)).join(' ')}`);
}
console.log(`validation AP per label: ${labels.join(' ')}`);
for (const row of apRows) console.log(row);
