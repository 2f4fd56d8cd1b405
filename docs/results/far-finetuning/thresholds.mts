/**
 * Exploration (stop 62): on a fine-tuned candidate, which thresholds for the trained labels read the
 * test fields best? Current = the candidate's own (prevalence on train+val), prevalence on val only,
 * prevalence on train only, best F1 on val, ORACLE best F1 on test.
 *   tsx thresholds.mts CANDIDATE_DIR CSV
 */
import { loadModelPackage } from '../../../electron/core/models/model-package';
import { patchOptionsOf } from '../../../electron/core/models/manifest';
import { readDatasetCsv } from '../../../electron/core/synth/dataset-csv';
import { evaluate } from '../../../electron/core/training/metrics/metrics';
import { prevalenceThresholds, tuneThresholds } from '../../../electron/core/training/metrics/thresholds';
import { loadNetworkPackage } from '../../../electron/core/training/network/network-package';
import { NetworkStepper } from '../../../electron/core/training/network/network-stepper';
import { scoreDataset } from '../../../electron/core/training/network/network-trainer';
import { pixelBags } from '../../../electron/core/training/network/patch-dataset';
import { poolBags } from '../../../electron/core/training/trainer';
import { datasetSplits } from '../../../electron/core/training/heads/train-model';

const [dir, csv] = process.argv.slice(2);
const model = await loadModelPackage(dir!);
const base = await loadNetworkPackage(model.dir);
const labels = model.manifest.labels.map((l) => l.key);
const K = labels.length;
const split = datasetSplits(await readDatasetCsv(csv!), csv!, 1);
const rows = [...split.train.map((r) => ({ ...r, split: 'train' })), ...split.val.map((r) => ({ ...r, split: 'val' })), ...split.test.map((r) => ({ ...r, split: 'test' }))];
const data = await pixelBags(rows.map((r) => ({ absolutePath: r.absolutePath, labels: r.labels, id: r.path })), patchOptionsOf(model.manifest), { labels });
const stepper = await NetworkStepper.open(base.net, base.params, { firstTrainableLayer: 0, warn: () => {} });
const scores = poolBags((await scoreDataset(stepper, data)).patch, data, model.manifest.aggregation);
await stepper.close();
const idx = (s: string) => rows.map((r, i) => (r.split === s ? i : -1)).filter((i) => i >= 0);
const train = idx('train'), val = idx('val'), test = idx('test');
const on = (ix: number[]) => ({ truth: Float64Array.from(ix.flatMap((i) => Array.from(data.bagLabels.slice(i * K, (i + 1) * K)))), scores: Float64Array.from(ix.flatMap((i) => Array.from(scores.slice(i * K, (i + 1) * K)))), imageCount: ix.length, labelCount: K });
const own = labels.map((k) => model.manifest.thresholds[k] ?? 0.5);
const untrained: string[] = (model.manifest.provenance as any).training?.untrainedLabels?? [];
const keepUntrained = (t: number[]) => t.map((v, k) => (untrained.includes(labels[k]!) ? own[k]! : v));
const prev = (ix: number[]) => { const e = on(ix); return keepUntrained(prevalenceThresholds(e.truth, e.scores, e.imageCount, K, own)); };
const tuned = (ix: number[]) => { const e = on(ix); return keepUntrained(tuneThresholds(e.truth, e.scores, e.imageCount, K)); };
const rules: Record<string, number[]> = {
  'own (prevalence on train+val)': own,
  'prevalence on train+val (recomputed)': prev([...train, ...val]),
  'prevalence on train': prev(train),
  'prevalence on val': prev(val),
  'best F1 on val': tuned(val),
  'ORACLE best F1 on test': tuned(test),
};
const SIX = labels.filter((k) => !untrained.includes(k));
const t = on(test);
console.log(`${dir}: untrained ${untrained.join(', ') || 'none'}; ${train.length}/${val.length}/${test.length}`);
for (const [name, th] of Object.entries(rules)) {
  const r = evaluate(t, labels, th);
  const six = SIX.reduce((a, k) => a + r.per_class[k]!.f1, 0) / SIX.length;
  const P = SIX.reduce((a, k) => a + r.per_class[k]!.precision, 0) / SIX.length, R = SIX.reduce((a, k) => a + r.per_class[k]!.recall, 0) / SIX.length;
  console.log(`  ${name.padEnd(40)} all ${r.f1_macro.toFixed(3)}  trained ${six.toFixed(3)} (P ${P.toFixed(3)} R ${R.toFixed(3)})`);
}
