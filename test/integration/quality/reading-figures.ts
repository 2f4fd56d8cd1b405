/**
 * Pattern figures of a day as the reading decided it (`ana read --json`), against a data set's
 * labels: a field gets the patterns the reading predicted, so fields the gate found not readable
 * and fields screened negative count with no pattern, as a lab would see them. Same metrics as
 * `ana eval` (core/training/metrics.ts) at the model's thresholds; scores of fields without a
 * suggestion count as 0 for mAP.
 *   npx tsx test/integration/quality/reading-figures.ts labels.csv read.json [--model DIR]
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModelPackage } from '../../../electron/core/models/model-package';
import { defaultModelDir } from '../../../electron/core/paths';
import { readDatasetCsv } from '../../../electron/core/synth';
import { evaluate } from '../../../electron/core/training/metrics/metrics';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { model: { type: 'string' } } });
const rows = await readDatasetCsv(resolve(positionals[0]!));
const items = JSON.parse(await readFile(resolve(positionals[1]!), 'utf8')) as { file: string; status: string; probabilities: Record<string, number>; predicted: string[]; quality?: { verdict: string } | null; screening?: { call: string } | null }[];
const model = await loadModelPackage(values.model ? resolve(values.model) : defaultModelDir());
const labels = model.manifest.labels.map((l) => l.key);
const byFile = new Map(items.map((i) => [resolve(i.file), i]));
const n = rows.length;
const K = labels.length;
const truth = new Uint8Array(n * K);
const scores = new Float32Array(n * K);
let missing = 0;
rows.forEach((row, i) => {
  labels.forEach((key, k) => (truth[i * K + k] = row.labels.includes(key) ? 1 : 0));
  const item = byFile.get(resolve(row.absolutePath));
  if (!item || item.status === 'failed') return void missing++;
  // A field the reading gave no pattern to (not readable, screened negative) shows none.
  const suggested = item.predicted.length > 0 || (item.screening?.call ?? 'positive') === 'positive';
  labels.forEach((key, k) => (scores[i * K + k] = suggested && item.quality?.verdict !== 'not-readable' ? (item.probabilities[key] ?? 0) : 0));
});
const thresholds = labels.map((k) => model.manifest.thresholds[k] ?? 0.5);
const r = evaluate({ truth, scores, imageCount: n, labelCount: K }, labels, thresholds);
const notReadable = items.filter((i) => i.quality?.verdict === 'not-readable').length;
const negatives = items.filter((i) => i.screening?.call === 'negative').length;
console.log(`${n} fields (${missing} without a reading; ${notReadable} not readable; ${negatives} screened negative)`);
console.log(`F1 micro ${r.f1_micro.toFixed(3)}   F1 macro ${r.f1_macro.toFixed(3)}   subset accuracy ${r.subset_accuracy.toFixed(3)}   mAP ${r.map.toFixed(3)}`);
