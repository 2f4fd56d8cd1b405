/**
 * Recipe for a model package's familiarity reference (`reference.json`, role `reference` in the
 * manifest): the per-dimension mean and spread of the mean patch embedding over held-out
 * training-like generated fields, the same fields' acquisition statistics (cell size, halo, JPEG
 * blocks), and the unfamiliar thresholds at a high quantile of their own distances
 * (core/quality/familiarity.ts). Adds or replaces the file in the manifest with its sha256.
 *
 *   npx tsx native-models/recipes/build-familiarity-reference.ts --model native-models/ana-default --data DIR/labels.csv [--quantile 0.99] [--count N] [--judged cellAreaUm2,...]
 *
 * `--judged` names the acquisition statistics the reference judges (default
 * JUDGED_ACQUISITION_STATISTICS: those whose shift was measured to cost the reading; `--judged ''`
 * writes none).
 *
 * The data set should look like the training data but not be it: e.g. `ana synth --out DIR
 * --count 200 --seed 1234 --splits test=1` (the shipped reference: see docs/field-quality.md).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { attachPackageFile, loadModelPackage } from '../../electron/core/models/model-package';
import { ACQUISITION_STATISTICS, type AcquisitionStatistic } from '../../electron/core/quality/acquisition';
import { fitFamiliarityReference, JUDGED_ACQUISITION_STATISTICS, REFERENCE_FILE } from '../../electron/core/quality/familiarity';
import { readDatasetCsv } from '../../electron/core/synth';
import { meanEmbeddingsOf } from './familiarity-embeddings';

const { values } = parseArgs({ options: { model: { type: 'string' }, data: { type: 'string' }, quantile: { type: 'string', default: '0.99' }, count: { type: 'string' }, judged: { type: 'string' } } });
if (!values.model || !values.data) throw new Error('usage: --model DIR --data labels.csv [--quantile 0.99] [--count N] [--judged cellAreaUm2,halo,blockiness]');
const judged = values.judged === undefined ? JUDGED_ACQUISITION_STATISTICS : (values.judged.split(',').filter(Boolean) as AcquisitionStatistic[]);
for (const k of judged) if (!ACQUISITION_STATISTICS.includes(k)) throw new Error(`--judged: unknown statistic '${k}' (known: ${ACQUISITION_STATISTICS.join(', ')})`);
const model = await loadModelPackage(resolve(values.model));
const dataCsv = resolve(values.data);
const rows = await readDatasetCsv(dataCsv);
const paths = rows.map((r) => r.absolutePath).slice(0, values.count ? Number(values.count) : undefined);
const fields = await meanEmbeddingsOf(model, paths, (n) => process.stderr.write(`\r${n}/${paths.length}`));
process.stderr.write('\n');
const quantile = Number(values.quantile);
const reference = fitFamiliarityReference(
  fields.map((f) => f.embedding),
  quantile,
  model.manifest.kind === 'extractor-head' ? (model.manifest.extractor?.sha256 ?? null) : null,
  { data: dataCsv.split('/').slice(-2).join('/'), fields: fields.length, given: paths.length, recipe: 'native-models/recipes/build-familiarity-reference.ts' },
  fields.map((f) => f.acquisition),
  judged,
);
await attachPackageFile(model, REFERENCE_FILE, 'reference', new TextEncoder().encode(JSON.stringify(reference) + '\n')); // re-verifies the package
console.log(`${REFERENCE_FILE}: ${reference.fields} fields, ${reference.mean.length} dimensions, threshold ${reference.threshold.toFixed(4)} at quantile ${quantile}; acquisition statistics judged: ${judged.join(', ') || 'none'}${reference.acquisition ? ` (threshold ${reference.acquisition.threshold.toFixed(3)})` : ''}`);
