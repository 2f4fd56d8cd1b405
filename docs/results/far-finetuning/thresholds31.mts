/**
 * Rule 31: on a fine-tuned candidate, the patterns it left out of the loss read at its kept thresholds
 * (the active version's) against thresholds matched to their prevalence on the training rows (train and
 * early-stopping, as fine-tuning's 'prevalence' mode does for the trained patterns), for those at least
 * MIN_CASES_TO_TRAIN training rows hold. F1 on the test fields as they are, and weighted to the training
 * rows' prevalence (rule31.md). One JSON line per candidate after the readable ones.
 *   tsx thresholds31.mts CANDIDATE_DIR CSV
 */
import { loadModelPackage } from '../../../electron/core/models/model-package';
import { patchOptionsOf } from '../../../electron/core/models/manifest';
import { readDatasetCsv } from '../../../electron/core/synth/dataset-csv';
import { prevalenceThresholds } from '../../../electron/core/training/metrics/thresholds';
import { loadNetworkPackage } from '../../../electron/core/training/network/network-package';
import { NetworkStepper } from '../../../electron/core/training/network/network-stepper';
import { scoreDataset } from '../../../electron/core/training/network/network-trainer';
import { pixelBags } from '../../../electron/core/training/network/patch-dataset';
import { poolBags } from '../../../electron/core/training/trainer';
import { datasetSplits } from '../../../electron/core/training/heads/train-model';
import { MIN_CASES_TO_TRAIN } from '../../../electron/core/training/finetune/rare-labels';

const [dir, csv] = process.argv.slice(2);
const model = await loadModelPackage(dir!);
const base = await loadNetworkPackage(model.dir);
const labels = model.manifest.labels.map((l) => l.key);
const K = labels.length;
const split = datasetSplits(await readDatasetCsv(csv!), csv!, 1);
const rows = [...split.train, ...split.val].map((r) => ({ ...r, train: true })).concat(split.test.map((r) => ({ ...r, train: false })));
const data = await pixelBags(rows.map((r) => ({ absolutePath: r.absolutePath, labels: r.labels, id: r.path })), patchOptionsOf(model.manifest), { labels });
const stepper = await NetworkStepper.open(base.net, base.params, { firstTrainableLayer: 0, warn: () => {} });
const scores = poolBags((await scoreDataset(stepper, data)).patch, data, model.manifest.aggregation);
await stepper.close();
const train = rows.map((r, i) => (r.train ? i : -1)).filter((i) => i >= 0);
const test = rows.map((r, i) => (r.train ? -1 : i)).filter((i) => i >= 0);
const truth = (i: number, k: number) => data.bagLabels[i * K + k]! > 0;
const untrained: string[] = (model.manifest.provenance as { training?: { untrainedLabels?: string[] } }).training?.untrainedLabels ?? [];
const kept = labels.map((k) => model.manifest.thresholds[k] ?? 0.5);
const trainTruth = Float64Array.from(train.flatMap((i) => labels.map((_, k) => (truth(i, k) ? 1 : 0))));
const trainScores = Float64Array.from(train.flatMap((i) => Array.from(scores.slice(i * K, (i + 1) * K))));
const byPrevalence = prevalenceThresholds(trainTruth, trainScores, train.length, K, kept);

/** F1 on the test fields at threshold t, plain and with the fields weighted to prevalence `pi`. */
function f1(k: number, t: number, pi: number) {
  let tp = 0, fp = 0, fn = 0, pos = 0;
  for (const i of test) {
    const called = scores[i * K + k]! >= t;
    if (truth(i, k)) { pos++; if (called) tp++; else fn++; } else if (called) fp++;
  }
  const piTest = pos / test.length;
  const [wp, wn] = [pi / piTest, (1 - pi) / (1 - piTest)];
  const plain = tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
  const weighted = tp ? (2 * wp * tp) / (2 * wp * tp + wn * fp + wp * fn) : 0;
  return { plain, weighted, called: tp + fp, positives: pos };
}
const out = untrained.map((key) => {
  const k = labels.indexOf(key);
  const signed = train.filter((i) => truth(i, k)).length;
  const trainCalls = (t: number) => train.filter((i) => scores[i * K + k]! >= t).length;
  const q = signed >= MIN_CASES_TO_TRAIN ? byPrevalence[k]! : kept[k]!;
  const pi = signed / train.length;
  return { key, signed, trainCallsKept: trainCalls(kept[k]!), trainCallsQ: trainCalls(q), kept: f1(k, kept[k]!, pi), q: f1(k, q, pi) };
});
for (const o of out) console.log(`${o.key}: signed ${o.signed} of ${train.length}; training-row calls kept ${o.trainCallsKept}, Q ${o.trainCallsQ}; test F1 kept ${o.kept.plain.toFixed(3)} (weighted ${o.kept.weighted.toFixed(3)}, ${o.kept.called} called of ${o.kept.positives}), Q ${o.q.plain.toFixed(3)} (weighted ${o.q.weighted.toFixed(3)}, ${o.q.called} called)`);
console.log(JSON.stringify({ dir, untrained: out }));
