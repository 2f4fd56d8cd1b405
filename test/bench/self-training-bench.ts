/**
 * Self-training on the lab's unlabelled fields (pseudo-labelling, Lee 2013; "noisy student", Xie et
 * al., CVPR 2020): every field a lab reads and does not sign still carries the active version's
 * suggestions. Here a whole-network package fine-tunes on +N signed fields of each held-out style
 * together with U unlabelled fields of the same style labelled with the package's own calls (its
 * pooling, its thresholds: what a reading suggests), early-stopped on a fifth of the signed fields
 * only, then blended with the package as `ana finetune` does (--blend, default 0.5) and read at the
 * package's thresholds and at prevalence thresholds on the N signed fields. --unlabelled 0 is
 * `ana finetune`'s default recipe, measured in the same run.
 *   bash tools/run npx tsx test/bench/self-training-bench.ts MODEL_DIR WORK UNLABELLED OUT [--unlabelled 0,300] [--signed 300] [--seed 1] [--blend 0.5]
 * WORK is `ana bench shift --work`'s folder (1024×768, seed 1, 400 fields a style); UNLABELLED holds
 * one dataset per held-out style, STYLE-u300/labels.csv: other specimens of the style, their labels
 * only used to report how often the pseudo-labels are right, e.g.
 *   npm run ana -- synth --out UNLABELLED/routine-20x-colour-jpeg-u300 --count 300 --seed 3777 --size 1024x768 --style routine-20x-colour-jpeg --splits unlabelled=1 --accession-prefix U
 * (seeds 3777, 4777, 2777 for routine, mercury, research: 777 + 1000 × (the style's index + 1)).
 * OUT gets self-training.json.
 */
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { mkdir, writeFile } from 'node:fs/promises';
import { patchOptionsOf } from '../../electron/core/models/manifest';
import { loadModelPackage } from '../../electron/core/models/model-package';
import { readDatasetCsv } from '../../electron/core/synth/dataset-csv';
import { bagCount, concatBags, subsetBags } from '../../electron/core/training/dataset';
import { hashSplit } from '../../electron/core/training/heads/train-model';
import { evaluate } from '../../electron/core/training/metrics/metrics';
import { prevalenceThresholds } from '../../electron/core/training/metrics/thresholds';
import { loadNetworkPackage } from '../../electron/core/training/network/network-package';
import { blendParams } from '../../electron/core/training/network/network';
import { NetworkStepper } from '../../electron/core/training/network/network-stepper';
import { scoreDataset, trainNetwork } from '../../electron/core/training/network/network-trainer';
import { pixelBags } from '../../electron/core/training/network/patch-dataset';
import { benchTrainingOptions } from '../../electron/cli/bench/shift-network';
import { DEFAULT_HELD_OUT_STYLES } from '../../electron/cli/bench/shift-bench';
import { heldOutFields, range } from './held-out-fields';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { seed: { type: 'string', default: '1' }, signed: { type: 'string', default: '300' }, unlabelled: { type: 'string', default: '0,300' }, blend: { type: 'string', default: '0.5' } } });
const [modelDir, work, unlabelledDir, out] = positionals;
if (!modelDir || !work || !unlabelledDir || !out) throw new Error('usage: self-training-bench.ts MODEL_DIR WORK UNLABELLED OUT [--unlabelled U,…] [--signed N] [--seed S] [--blend B]');
const seed = Number(values.seed);
const n = Number(values.signed);
const blend = Number(values.blend);
const unlabelledCounts = values.unlabelled.split(',').map(Number);
const maxUnlabelled = Math.max(...unlabelledCounts);
const model = await loadModelPackage(modelDir);
const base = await loadNetworkPackage(model.dir);
const labels = model.manifest.labels.map((l) => l.key);
const K = labels.length;
const pkg = labels.map((k) => model.manifest.thresholds[k] ?? 0.5);
const pooling = model.manifest.aggregation;
const results: Record<string, Record<string, Record<string, number | null>>> = {};
for (const style of DEFAULT_HELD_OUT_STYLES) {
  const { signed, test } = await heldOutFields(model, work, style, n);
  const unlabelledRows = maxUnlabelled > 0 ? (await readDatasetCsv(join(unlabelledDir, `${style}-u300`, 'labels.csv'))).slice(0, maxUnlabelled) : [];
  const pool = await pixelBags(unlabelledRows.map((r) => ({ absolutePath: r.absolutePath, labels: [], id: r.path })), patchOptionsOf(model.manifest), { labels });
  // The pseudo-labels: the package's calls, as a reading suggests them.
  let pseudoAgreement: number | null = null;
  if (maxUnlabelled > 0) {
    const teacher = await NetworkStepper.open(base.net, base.params, { firstTrainableLayer: 0, warn: () => {} });
    const poolScores = (await scoreDataset(teacher, pool, 256, pooling)).image;
    await teacher.close();
    for (let i = 0; i < poolScores.length; i++) pool.bagLabels[i] = poolScores[i]! >= pkg[i % K]! ? 1 : 0;
    pseudoAgreement = unlabelledRows.reduce((a, r, b) => a + labels.filter((k, j) => r.labels.includes(k) === (pool.bagLabels[b * K + j] === 1)).length, 0) / (bagCount(pool) * K);
    console.log(style, `pseudo-labels agree with the generator's truth on ${(100 * pseudoAgreement).toFixed(1)} % of field × pattern calls`);
  }
  const { train, heldOut } = hashSplit(range(0, n), (i) => basename(signed.bagIds[i]!), 0.2, seed);
  for (const u of unlabelledCounts) {
    const fit = u > 0 ? concatBags(subsetBags(signed, train), subsetBags(pool, range(0, u))) : subsetBags(signed, train);
    const t0 = performance.now();
    const s = await NetworkStepper.open(base.net, base.params, { firstTrainableLayer: 0, warn: () => {} });
    const run = await trainNetwork(s, fit, subsetBags(signed, heldOut), benchTrainingOptions(model.manifest, { mode: 'all' }, seed), {});
    await s.close();
    const trainSeconds = (performance.now() - t0) / 1000;
    const st = await NetworkStepper.open(base.net, blendParams(base.net, base.params, run.params, blend), { firstTrainableLayer: 0, warn: () => {} });
    const tScores = (await scoreDataset(st, test, 256, pooling)).image;
    const sScores = (await scoreDataset(st, signed, 256, pooling)).image;
    await st.close();
    const ev = (th: number[]) => evaluate({ truth: test.bagLabels, scores: tScores, imageCount: bagCount(test), labelCount: K }, labels, th);
    const r1 = ev(pkg);
    const r2 = ev(prevalenceThresholds(signed.bagLabels, sScores, n, K, pkg));
    (results[`unlabelled ${u}`] ??= {})[style] = { pkgF1: r1.f1_macro, prevalenceF1: r2.f1_macro, map: r1.map, epochs: run.epochs.length, bestEpoch: run.bestEpoch, trainSeconds, pseudoAgreement };
    console.log(style, `+${n} signed, ${u} unlabelled:`, 'pkg F1', r1.f1_macro.toFixed(3), 'prev F1', r2.f1_macro.toFixed(3), 'mAP', r1.map.toFixed(3), `${run.epochs.length} epochs (best ${run.bestEpoch}), ${trainSeconds.toFixed(0)} s`);
  }
}

await mkdir(out, { recursive: true });
await writeFile(join(out, 'self-training.json'), JSON.stringify({ options: { seed, signed: n, unlabelled: unlabelledCounts, blend }, results }, null, 1));
for (const [key, by] of Object.entries(results)) {
  const v = Object.values(by);
  const m = (f: string) => (v.reduce((s, x) => s + (x[f] ?? 0), 0) / v.length).toFixed(3);
  console.log(key, 'held-out mean: pkg F1', m('pkgF1'), 'prev F1', m('prevalenceF1'), 'mAP', m('map'));
}
