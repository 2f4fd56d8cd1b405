/**
 * Weight-space interpolation between a whole-network package and the same network fine-tuned on
 * +N signed fields of each held-out style (WiSE-FT, Wortsman et al., CVPR 2022): the weights
 * (1 − α)·package + α·fine-tuned, α = 0 … 1, read at the package's thresholds and at prevalence
 * thresholds on the N signed fields. The fine-tuning is `ana bench shift --network-finetune all`'s
 * (--seed: the early-stopping fifth and the training's randomness; --lr: default the package's;
 * --method: default the package's recorded one, `mean-logit` trains on whole fields);
 * one reading costs the same at every α (`ana finetune --blend α`); --alphas picks the α (only 0:
 * no fine-tuning).
 * --seed 1,2 fine-tunes once per seed and reads each and their uniform weight mean (a "model soup",
 * Wortsman et al., ICML 2022), the α then blending the package with the mean.
 * With one seed and several α, the "auto" rows are, per style, the α whose blend has the best mAP on
 * the early-stopping fifth (or its first 34 fields), outright or only past a margin over the
 * default α (`ana finetune --blend auto`'s choice); their 4th figure is that α.
 * --views 1,4,8 also reads every patch in 4 or 8 orientations (flips, quarter turns) and averages
 * its logits before pooling (test-time augmentation: reading costs that many times as much).
 *   ANA_CACHE_DIR=… bash tools/run npx tsx test/bench/weight-interpolation-bench.ts MODEL_DIR WORK OUT [--seed 1[,2…]] [--signed 300] [--lr X] [--method plain|mean-logit] [--alphas 0,0.5,1] [--views 1,4] [--styles S,…]
 * WORK is `ana bench shift --work`'s folder (1024×768, seed 1, 400 fields a style); OUT gets wise.json.
 */
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadModelPackage } from '../../electron/core/models/model-package';
import { bagCount, subsetBags, type BagDataset } from '../../electron/core/training/dataset';
import { hashSplit } from '../../electron/core/training/heads/train-model';
import { evaluate } from '../../electron/core/training/metrics/metrics';
import { prevalenceThresholds } from '../../electron/core/training/metrics/thresholds';
import { loadNetworkPackage } from '../../electron/core/training/network/network-package';
import { blendParams } from '../../electron/core/training/network/network';
import { orient } from '../../electron/core/training/network/augment';
import { logit } from '../../electron/core/inference/aggregate';
import { sigmoid } from '../../electron/core/training/logistic';
import { NetworkStepper } from '../../electron/core/training/network/network-stepper';
import { bestBlend, BLEND_CHOICE_MARGIN, HALFWAY_BLEND } from '../../electron/core/training/finetune/blend';
import { scoreDataset, trainNetwork } from '../../electron/core/training/network/network-trainer';
import { poolBags } from '../../electron/core/training/trainer';
import { benchTrainingOptions } from '../../electron/cli/bench/shift-network';
import { DEFAULT_HELD_OUT_STYLES } from '../../electron/cli/bench/shift-bench';
import { heldOutFields, range } from './held-out-fields';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { seed: { type: 'string', default: '1' }, signed: { type: 'string', default: '300' }, lr: { type: 'string' }, method: { type: 'string' }, alphas: { type: 'string', default: '0,0.25,0.5,0.75,1' }, views: { type: 'string', default: '1' }, styles: { type: 'string' } } });
const [modelDir, work, out] = positionals;
if (!modelDir || !work || !out) throw new Error('usage: weight-interpolation-bench.ts MODEL_DIR WORK OUT [--seed S[,S…]] [--signed N] [--lr X] [--alphas A,…] [--views V,…] [--styles S,…]');
const seeds = values.seed.split(',').map(Number);
const n = Number(values.signed);
const lr = values.lr === undefined ? {} : { lr: Number(values.lr) };
if (values.method !== undefined && !['spl', 'plain', 'mean-logit'].includes(values.method)) throw new Error('--method: spl, plain or mean-logit');
const method = values.method === undefined ? {} : { method: values.method as 'spl' | 'plain' | 'mean-logit' };
/** --styles A,B: a subset of the held-out styles, so that the styles can run as separate processes (each style's figures do not depend on the others). */
const styles = values.styles ? values.styles.split(',') : [...DEFAULT_HELD_OUT_STYLES];
const unknown = styles.filter((s) => !(DEFAULT_HELD_OUT_STYLES as readonly string[]).includes(s));
if (unknown.length) throw new Error(`--styles: not a held-out style: ${unknown.join(', ')}`);
/** Early-stopping cases `ana finetune` holds out of 300 signed: 15 % of the 225 not kept for validation. */
const PRODUCT_STOP_CASES = 34;
const alphas = values.alphas.split(',').map(Number);
const viewCounts = values.views.split(',').map(Number);
/** The dihedral orientations as (flip x, quarter turns); the first 4 are a group (identity, flip x, half turn, flip y). */
const ORIENTATIONS: readonly [boolean, number][] = [[false, 0], [true, 0], [false, 2], [true, 2], [false, 1], [true, 1], [false, 3], [true, 3]];
if (viewCounts.some((v) => ![1, 2, 4, 8].includes(v))) throw new Error('--views: each of 1, 2, 4, 8');
const maxViews = Math.max(...viewCounts);
const model = await loadModelPackage(modelDir);
const base = await loadNetworkPackage(model.dir);
const labels = model.manifest.labels.map((l) => l.key);
const K = labels.length;
const pkg = labels.map((k) => model.manifest.thresholds[k] ?? 0.5);
const results: Record<string, Record<string, number[]>> = {};
for (const style of styles) {
  const { signed: fields, test } = await heldOutFields(model, work, style, n);
  // One fine-tuning per seed; with several, their uniform mean (the k-th enters the running mean with weight 1/k).
  const runs: { name: string; params: typeof base.params; stop: number[] }[] = [];
  if (alphas.some((a) => a !== 0)) {
    for (const seed of seeds) {
      const { train, heldOut } = hashSplit(range(0, n), (i) => basename(fields.bagIds[i]!), 0.2, seed);
      const s = await NetworkStepper.open(base.net, base.params, { firstTrainableLayer: 0, warn: () => {} });
      const trained = await trainNetwork(s, subsetBags(fields, train), subsetBags(fields, heldOut), { ...benchTrainingOptions(model.manifest, { mode: 'all' }, seed), ...lr, ...method }, {});
      console.log(`${style} seed ${seed}: ${trained.epochs.length} epochs, best ${trained.bestEpoch}, ${(trained.epochs.reduce((t, e) => t + e.elapsedMs, 0) / 1000).toFixed(0)} s`);
      runs.push({ name: `seed ${seed} `, stop: heldOut, params: trained.params });
      await s.close();
    }
  }
  const soup = runs.reduce((mean, r, k) => blendParams(base.net, mean, r.params, 1 / (k + 1)), base.params);
  // One fine-tuning: its early-stopping fifth also ranks the α, as `ana finetune --blend auto` does.
  const candidates = runs.length > 1 ? [...runs, { name: '', params: soup, stop: [] }] : [{ name: '', params: soup, stop: runs[0]?.stop ?? [] }];
  // Patch logits of each orientation, summed over the first v orientations for each v asked.
  const side = base.net.spec.inputShape[1];
  const viewLogits = async (st: NetworkStepper, bags: BagDataset) => {
    const sums = new Map<number, Float64Array>();
    let sum: Float64Array | null = null;
    for (let v = 0; v < maxViews; v++) {
      const [flipX, turns] = ORIENTATIONS[v]!;
      const p = (await scoreDataset(st, v === 0 ? bags : oriented(bags, side, flipX, turns))).patch;
      sum ??= new Float64Array(p.length);
      for (let i = 0; i < p.length; i++) sum[i]! += logit(p[i]!);
      if (viewCounts.includes(v + 1)) sums.set(v + 1, Float64Array.from(sum, (x) => sigmoid(x / (v + 1))));
    }
    return sums;
  };
  for (const { name, params: tuned, stop } of candidates) for (const a of alphas) {
    if (name && a === 0) continue;
    const params = blendParams(base.net, base.params, tuned, a);
    const st = await NetworkStepper.open(base.net, params, { firstTrainableLayer: 0, warn: () => {} });
    const tViews = await viewLogits(st, test);
    const sViews = await viewLogits(st, fields);
    await st.close();
    for (const v of viewCounts) {
      const tScores = poolBags(tViews.get(v)!, test, model.manifest.aggregation);
      const sScores = poolBags(sViews.get(v)!, fields, model.manifest.aggregation);
      const prev = prevalenceThresholds(fields.bagLabels, sScores, n, K, pkg);
      const ev = (th: number[]) => evaluate({ truth: test.bagLabels, scores: tScores, imageCount: bagCount(test), labelCount: K }, labels, th);
      const r1 = ev(pkg), r2 = ev(prev);
      const key = `${name}alpha ${a}${v > 1 ? ` views ${v}` : ''}`;
      const stopMap = (rows: number[]) => (rows.length ? evaluate({ truth: pick(fields.bagLabels, rows, K), scores: pick(sScores, rows, K), imageCount: rows.length, labelCount: K }, labels).map : NaN);
      (results[key] ??= {})[style] = [r1.f1_macro, r2.f1_macro, r1.map, stopMap(stop), stopMap(stop.slice(0, PRODUCT_STOP_CASES))];
      console.log(style, key, 'pkg F1', r1.f1_macro.toFixed(3), 'prev F1', r2.f1_macro.toFixed(3), 'mAP', r1.map.toFixed(3), 'early-stop mAP', stopMap(stop).toFixed(3));
    }
  }
}

// 'auto': per style, the α whose blend ranks the early-stopping fifth best (views 1, single fine-tuning);
// '34': ranked on its first 34 fields only, as many as `ana finetune` holds out of 300 signed cases;
// 'margin': the default α unless another beats its early-stopping mAP by more than BLEND_CHOICE_MARGIN.
if (seeds.length === 1 && alphas.length > 1) {
  for (const [row, column, margin] of [['auto', 3, 0], [`auto ${PRODUCT_STOP_CASES}`, 4, 0], ['auto margin', 3, BLEND_CHOICE_MARGIN], [`auto margin ${PRODUCT_STOP_CASES}`, 4, BLEND_CHOICE_MARGIN]] as const) {
    results[row] = Object.fromEntries(styles.map((style) => {
      const chosen = bestBlend(alphas.map((a) => ({ blend: a, map: results[`alpha ${a}`]![style]![column]! })), HALFWAY_BLEND, margin);
      console.log(style, row, 'chooses alpha', chosen);
      return [style, [...results[`alpha ${chosen}`]![style]!.slice(0, 3), chosen]];
    }));
  }
}

await mkdir(out, { recursive: true });
await writeFile(join(out, 'wise.json'), JSON.stringify({ options: { seeds, signed: n, ...lr, ...method, alphas, views: viewCounts }, results }, null, 1));
for (const [a, by] of Object.entries(results)) {
  const v = Object.values(by);
  const m = (j: number) => (v.reduce((s, x) => s + x[j]!, 0) / v.length).toFixed(3);
  console.log(a, 'mean pkg F1', m(0), 'prev F1', m(1), 'mAP', m(2));
}

/** Rows `rows` of a row-major [n × K] matrix. */
function pick(m: ArrayLike<number>, rows: readonly number[], K: number): Float64Array {
  const o = new Float64Array(rows.length * K);
  rows.forEach((r, i) => { for (let k = 0; k < K; k++) o[i * K + k] = m[r * K + k]!; });
  return o;
}

/** A copy of `d` with every patch flipped and turned (single-channel square patches of `side` px). */
function oriented(d: BagDataset, side: number, flipX: boolean, turns: number): BagDataset {
  const inputs = Float32Array.from(d.inputs);
  const scratch = new Float32Array(side * side);
  for (let o = 0; o < inputs.length; o += d.inputLength) {
    for (let c = 0; c < d.inputLength; c += side * side) orient(inputs.subarray(o + c, o + c + side * side), scratch, side, side, flipX, false, turns);
  }
  return { ...d, inputs };
}
