/**
 * Weight-space interpolation between a whole-network package and the same network fine-tuned on
 * +N signed fields of each held-out style (WiSE-FT, Wortsman et al., CVPR 2022): the weights
 * (1 − α)·package + α·fine-tuned, α = 0 … 1, read at the package's thresholds and at prevalence
 * thresholds on the N signed fields. The fine-tuning is `ana bench shift --network-finetune all`'s
 * (--seed: the early-stopping fifth and the training's randomness; --lr: default the package's);
 * one reading costs the same at every α (`ana finetune --blend α`).
 *   ANA_CACHE_DIR=… bash tools/run npx tsx test/bench/weight-interpolation-bench.ts MODEL_DIR WORK OUT [--seed 1] [--signed 300] [--lr X]
 * WORK is `ana bench shift --work`'s folder (1024×768, seed 1, 400 fields a style); OUT gets wise.json.
 */
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { mkdir, writeFile } from 'node:fs/promises';
import { patchOptionsOf } from '../../electron/core/models/manifest';
import { loadModelPackage } from '../../electron/core/models/model-package';
import { readDatasetCsv } from '../../electron/core/synth/dataset-csv';
import { bagCount, subsetBags, type BagDataset } from '../../electron/core/training/dataset';
import { hashSplit } from '../../electron/core/training/heads/train-model';
import { evaluate } from '../../electron/core/training/metrics/metrics';
import { prevalenceThresholds } from '../../electron/core/training/metrics/thresholds';
import { loadNetworkPackage } from '../../electron/core/training/network/network-package';
import { blendParams } from '../../electron/core/training/network/network';
import { NetworkStepper } from '../../electron/core/training/network/network-stepper';
import { scoreDataset, trainNetwork } from '../../electron/core/training/network/network-trainer';
import { pixelBags } from '../../electron/core/training/network/patch-dataset';
import { poolBags } from '../../electron/core/training/trainer';
import { benchTrainingOptions } from '../../electron/cli/bench/shift-network';
import { DEFAULT_HELD_OUT_STYLES } from '../../electron/cli/bench/shift-bench';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { seed: { type: 'string', default: '1' }, signed: { type: 'string', default: '300' }, lr: { type: 'string' } } });
const [modelDir, work, out] = positionals;
if (!modelDir || !work || !out) throw new Error('usage: weight-interpolation-bench.ts MODEL_DIR WORK OUT [--seed S] [--signed N] [--lr X]');
const seed = Number(values.seed);
const n = Number(values.signed);
const lr = values.lr === undefined ? {} : { lr: Number(values.lr) };
const styles = [...DEFAULT_HELD_OUT_STYLES];
const alphas = [0, 0.25, 0.5, 0.75, 1];
const model = await loadModelPackage(modelDir);
const base = await loadNetworkPackage(model.dir);
const labels = model.manifest.labels.map((l) => l.key);
const K = labels.length;
const pkg = labels.map((k) => model.manifest.thresholds[k] ?? 0.5);
const results: Record<string, Record<string, number[]>> = {};
for (const style of styles) {
  const rows = await readDatasetCsv(join(work, `${style}-s1-1024x768-n400-p300`, 'labels.csv'));
  const all = [...rows.filter((r) => r.split === 'signed').slice(0, n), ...rows.filter((r) => r.split === 'test')].map((r) => ({ absolutePath: r.absolutePath, labels: r.labels, id: r.path }));
  const data = await pixelBags(all, patchOptionsOf(model.manifest), { labels });
  const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
  const fields = subsetBags(data, range(0, n));
  const test = subsetBags(data, range(n, bagCount(data)));
  const { train, heldOut } = hashSplit(range(0, n), (i) => basename(fields.bagIds[i]!), 0.2, seed);
  const s = await NetworkStepper.open(base.net, base.params, { firstTrainableLayer: 0, warn: () => {} });
  const result = await trainNetwork(s, subsetBags(fields, train), subsetBags(fields, heldOut), { ...benchTrainingOptions(model.manifest, { mode: 'all' }, seed), ...lr }, {});
  await s.close();
  const pooled = async (st: NetworkStepper, bags: BagDataset) => poolBags((await scoreDataset(st, bags)).patch, bags, model.manifest.aggregation);
  for (const a of alphas) {
    const params = blendParams(base.net, base.params, result.params, a);
    const st = await NetworkStepper.open(base.net, params, { firstTrainableLayer: 0, warn: () => {} });
    const tScores = await pooled(st, test);
    const sScores = await pooled(st, fields);
    await st.close();
    const prev = prevalenceThresholds(fields.bagLabels, sScores, n, K, pkg);
    const ev = (th: number[]) => evaluate({ truth: test.bagLabels, scores: tScores, imageCount: bagCount(test), labelCount: K }, labels, th);
    const r1 = ev(pkg), r2 = ev(prev);
    (results[`alpha ${a}`] ??= {})[style] = [r1.f1_macro, r2.f1_macro, r1.map];
    console.log(style, 'alpha', a, 'pkg F1', r1.f1_macro.toFixed(3), 'prev F1', r2.f1_macro.toFixed(3), 'mAP', r1.map.toFixed(3));
  }
}
await mkdir(out, { recursive: true });
await writeFile(join(out, 'wise.json'), JSON.stringify({ options: { seed, signed: n, ...lr }, results }, null, 1));
for (const [a, by] of Object.entries(results)) {
  const v = Object.values(by);
  const m = (j: number) => (v.reduce((s, x) => s + x[j]!, 0) / v.length).toFixed(3);
  console.log(a, 'mean pkg F1', m(0), 'prev F1', m(1), 'mAP', m(2));
}
