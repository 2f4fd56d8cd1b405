/**
 * Rule 16: how a package reads a CSV's cases before any training, what fine-tuning could know
 * before it trains. The early-stopping cases' mAP (`val` rows, else the seeded 15 % of `train`
 * that `ana train --base` holds out; fine-tuning's "far from the lab" measure), then per pattern
 * on the training and early-stopping cases: positives, AP, recall and precision at the package's
 * thresholds.   npx tsx active-reading.mts PACKAGE_DIR CSV
 */
import { loadModelPackage } from '../../../electron/core/models/model-package';
import { patchOptionsOf } from '../../../electron/core/models/manifest';
import { readDatasetCsv } from '../../../electron/core/synth/dataset-csv';
import { evaluate } from '../../../electron/core/training/metrics/metrics';
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
const split = datasetSplits(await readDatasetCsv(csv!), csv!, 1);
const rows = [...split.train, ...split.val];
const data = await pixelBags(rows.map((r) => ({ absolutePath: r.absolutePath, labels: r.labels, id: r.path })), patchOptionsOf(model.manifest), { labels });
const stepper = await NetworkStepper.open(base.net, base.params, { firstTrainableLayer: 0, warn: () => {} });
const scores = poolBags((await scoreDataset(stepper, data)).patch, data, model.manifest.aggregation);
await stepper.close();
const thresholds = labels.map((k) => model.manifest.thresholds[k] ?? 0.5);
const K = labels.length;
const r = evaluate({ truth: data.bagLabels, scores, imageCount: rows.length, labelCount: K }, labels, thresholds);
// The early-stopping cases are the last split.val.length rows.
const from = split.train.length * K;
const stop = evaluate({ truth: data.bagLabels.slice(from), scores: scores.slice(from), imageCount: split.val.length, labelCount: K }, labels, thresholds);
console.log(`${dir} on ${csv}: ${split.val.length} early-stopping cases, mAP ${stop.map.toFixed(3)}; per pattern on the ${rows.length} training and early-stopping cases:`);
for (const k of labels) { const c = r.per_class[k]!; console.log(`  ${k.padEnd(18)} n ${String(c.support).padStart(3)}  AP ${c.ap.toFixed(3)}  R ${c.recall.toFixed(3)}  P ${c.precision.toFixed(3)}  F1 ${c.f1.toFixed(3)}`); }
