/**
 * Which thresholds a fine-tuned whole network should read with, on the domain-shift benchmark's
 * held-out styles. Per style: the package's network fine-tuned on the first N signed fields as
 * `ana bench shift --network-finetune all` does it (a seeded fifth for the early stop), then every
 * threshold rule applied to the same test scores, beside the package without fine-tuning. The
 * ORACLE rows choose the thresholds on the test fields themselves: the ceiling of any rule.
 * Scores are written to OUT/<style>.json and reused by a second run (only the rules are recomputed).
 *   ANA_CACHE_DIR=… bash tools/run npx tsx test/bench/network-thresholds-bench.ts MODEL_DIR WORK OUT [N=300]
 * WORK is `ana bench shift --work`'s folder (the styles' fields at 1024×768, seed 1, 400 fields a style).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { benchTrainingOptions } from '../../electron/cli/bench/shift-network';
import { DEFAULT_HELD_OUT_STYLES } from '../../electron/cli/bench/shift-bench';
import { patchOptionsOf } from '../../electron/core/models/manifest';
import { loadModelPackage } from '../../electron/core/models/model-package';
import { readDatasetCsv } from '../../electron/core/synth/dataset-csv';
import { bagCount, subsetBags, type BagDataset } from '../../electron/core/training/dataset';
import { hashSplit } from '../../electron/core/training/heads/train-model';
import { evaluate } from '../../electron/core/training/metrics/metrics';
import { prevalenceThresholds, tuneThresholds } from '../../electron/core/training/metrics/thresholds';
import { loadNetworkPackage } from '../../electron/core/training/network/network-package';
import { NetworkStepper } from '../../electron/core/training/network/network-stepper';
import { scoreDataset, trainNetwork } from '../../electron/core/training/network/network-trainer';
import { pixelBags } from '../../electron/core/training/network/patch-dataset';
import { poolBags } from '../../electron/core/training/trainer';

const [modelDir, work, out, nArg = '300'] = process.argv.slice(2);
if (!modelDir || !work || !out) throw new Error('usage: network-thresholds-bench.ts MODEL_DIR WORK OUT [N=300]');
const N = Number(nArg);

/** Image scores of every field (signed pool first, then test) before and after fine-tuning, and which fields played which part. */
interface StyleScores {
  style: string;
  labels: string[];
  fit: number[];
  stop: number[];
  test: number[];
  truth: number[];
  before: number[];
  after: number[];
  packageThresholds: number[];
  epochs: number;
  bestEpoch: number;
  trainSeconds: number;
}

async function fineTuneAndScore(style: string): Promise<StyleScores> {
  const model = await loadModelPackage(modelDir!);
  const base = await loadNetworkPackage(model.dir);
  const labels = model.manifest.labels.map((l) => l.key);
  const rows = await readDatasetCsv(join(work!, `${style}-s1-1024x768-n400-p300`, 'labels.csv'));
  const fields = [...rows.filter((r) => r.split === 'signed').slice(0, N), ...rows.filter((r) => r.split === 'test')];
  const data = await pixelBags(fields.map((r) => ({ absolutePath: r.absolutePath, labels: r.labels, id: r.path })), patchOptionsOf(model.manifest), { labels });
  const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
  const signed = subsetBags(data, range(0, N));
  // The same early-stopping fields as the bench (shift-network.ts): keyed by the file's name, seed 1.
  const { train: fit, heldOut: stop } = hashSplit(range(0, N), (i) => basename(signed.bagIds[i]!), 0.2, 1);
  const scored = async (stepper: NetworkStepper, bags: BagDataset): Promise<number[]> => Array.from(poolBags((await scoreDataset(stepper, bags)).patch, bags, model.manifest.aggregation));
  const open = () => NetworkStepper.open(base.net, base.params, { firstTrainableLayer: 0, warn: () => {} });
  let stepper = await open();
  const before = await scored(stepper, data);
  await stepper.close();
  stepper = await open();
  const t0 = performance.now();
  const result = await trainNetwork(stepper, subsetBags(signed, fit), subsetBags(signed, stop), benchTrainingOptions(model.manifest, { mode: 'all' }, 1), {});
  const trainSeconds = Math.round((performance.now() - t0) / 1000);
  const after = await scored(stepper, data);
  await stepper.close();
  const packageThresholds = labels.map((k) => model.manifest.thresholds[k] ?? 0.5);
  return { style, labels, fit, stop, test: range(N, bagCount(data)), truth: Array.from(data.bagLabels), before, after, packageThresholds, epochs: result.epochs.length, bestEpoch: result.bestEpoch, trainSeconds };
}

/** The threshold rules, each as (which scores, which thresholds). */
function rules(s: StyleScores): Record<string, ['before' | 'after', number[]]> {
  const K = s.labels.length;
  const rowsOf = (source: number[], idx: number[]) => Float64Array.from(idx.flatMap((i) => source.slice(i * K, (i + 1) * K)));
  const on = (scores: 'before' | 'after', idx: number[]) => ({ truth: rowsOf(s.truth, idx), scores: rowsOf(s[scores], idx), n: idx.length });
  const tuned = (e: ReturnType<typeof on>) => tuneThresholds(e.truth, e.scores, e.n, K);
  const prevalence = (e: ReturnType<typeof on>) => prevalenceThresholds(e.truth, e.scores, e.n, K, s.packageThresholds);
  const positives = (e: ReturnType<typeof on>, k: number) => Array.from({ length: e.n }, (_, i) => e.truth[i * K + k]!).filter((y) => y > 0).length;
  // Best F1 shrunk towards the package's thresholds (not 0.5) by the label's positives, m = 10.
  const shrunk = (e: ReturnType<typeof on>) => tuned(e).map((t, k) => (positives(e, k) * t + 10 * s.packageThresholds[k]!) / (positives(e, k) + 10));
  const all = [...s.fit, ...s.stop];
  return {
    'package, its thresholds (zero-shot)': ['before', s.packageThresholds],
    'package, best F1 on the N signed': ['before', tuned(on('before', all))],
    'package, prevalence on the N signed': ['before', prevalence(on('before', all))],
    'fine-tuned, package thresholds (ana finetune < 200)': ['after', s.packageThresholds],
    'fine-tuned, best F1 on the early-stopping fifth': ['after', tuned(on('after', s.stop))],
    'fine-tuned, prevalence on the early-stopping fifth': ['after', prevalence(on('after', s.stop))],
    'fine-tuned, best F1 on all N': ['after', tuned(on('after', all))],
    'fine-tuned, best F1 on all N shrunk to the package': ['after', shrunk(on('after', all))],
    'fine-tuned, prevalence on all N (ana finetune ≥ 200)': ['after', prevalence(on('after', all))],
    'ORACLE package: best F1 on the test fields': ['before', tuned(on('before', s.test))],
    'ORACLE fine-tuned: best F1 on the test fields': ['after', tuned(on('after', s.test))],
  };
}

await mkdir(out, { recursive: true });
const table: Record<string, { f1: number[]; map: number[] }> = {};
const styles = [...DEFAULT_HELD_OUT_STYLES];
for (const style of styles) {
  const file = join(out, `${style}.json`);
  const s: StyleScores = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : await fineTuneAndScore(style);
  if (!existsSync(file)) await writeFile(file, JSON.stringify(s));
  console.log(`${style}: +${s.fit.length + s.stop.length} (${s.fit.length} fit, ${s.stop.length} early stop), ${s.epochs} epochs (best ${s.bestEpoch}), ${s.trainSeconds} s; ${s.test.length} test fields`);
  const K = s.labels.length;
  const truth = Float64Array.from(s.test.flatMap((i) => s.truth.slice(i * K, (i + 1) * K)));
  for (const [name, [source, thresholds]] of Object.entries(rules(s))) {
    const scores = Float64Array.from(s.test.flatMap((i) => s[source].slice(i * K, (i + 1) * K)));
    const report = evaluate({ truth, scores, imageCount: s.test.length, labelCount: K }, s.labels, thresholds);
    (table[name] ??= { f1: [], map: [] }).f1.push(report.f1_macro);
    table[name]!.map.push(report.map);
  }
}
const mean = (v: number[]): string => (v.reduce((a, b) => a + b, 0) / v.length).toFixed(3);
console.log(`\n| thresholds (macro-F1 on each style's test fields) | ${styles.join(' | ')} | held-out mean | mean mAP |`);
console.log(`|${' --- |'.repeat(styles.length + 3)}`);
for (const [name, { f1, map }] of Object.entries(table)) console.log(`| ${name} | ${f1.map((v) => v.toFixed(3)).join(' | ')} | **${mean(f1)}** | ${mean(map)} |`);
