/**
 * Recipe for the default model package `native-models/ana-default`: the fixed filter-bank
 * extractor (./filter-bank.ts), standardised with constants measured on generated training
 * fields, and a stop-gap logistic head (./logistic-head.ts) trained on the same fields; per-label
 * thresholds are chosen on the validation split, figures are measured on the test split and
 * written to the manifest and the model card. Deterministic for a given seed.
 *
 *   npx tsx native-models/recipes/build-default.ts [--data labels.csv] [--out DIR] [--count N] [--seed S] [--compare]
 *
 * Without --data it first generates N (default 600) synthetic fields with the project's generator
 * into .cache/ana-default-data/. --compare measures the filter-bank variants side by side.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PATTERN_LABELS } from '../../electron/contract/labels';
import { createGraphSession, type GraphSession } from '../../electron/core/inference/engine';
import { GraphBuilder } from '../../electron/core/models/onnx-graph';
import { loadModelPackage, sha256Hex, writeManifest } from '../../electron/core/models/model-package';
import type { ModelManifest } from '../../electron/core/models/manifest';
import { hashFile, prepareSlide } from '../../electron/core/reading/prepare-slide';
import { readDatasetCsv, writeDataset, type DatasetRow } from '../../electron/core/synth';
import { evaluate } from '../../electron/core/training/metrics/metrics';
import { tuneThresholds } from '../../electron/core/training/metrics/thresholds';
import { addFilterBank, DEFAULT_FILTER_BANK, featureNames, type FilterBankConfig } from './filter-bank';
import { applyHead, buildHeadedModel, trainLogisticHead, type LinearHead } from './logistic-head';
import { extractorHeadManifest } from './package-manifest';

export const EXTRACTOR_ID = 'ana-filter-bank';
export const EXTRACTOR_VERSION = '1.0.0';
export const PATCH_SIZE_UM = 128;
const LABELS = PATTERN_LABELS.map(({ key, displayName, icapCodes }) => ({ key, displayName, icapCodes }));

/** The manifest fields that shape the input (shared by the raw extractor and the package). */
export function baseManifest(config: FilterBankConfig): Pick<ModelManifest, 'input' | 'patch' | 'normalisation'> {
  return {
    input: { name: 'patches', shape: [-1, 1, config.inputPx, config.inputPx], dtype: 'float32' },
    patch: { sizeUm: PATCH_SIZE_UM, defaultPixelSizeUm: 0.5, backgroundMax: 0 },
    // The extractor works on the decoded 0..1 signal directly: its log statistics need it positive.
    normalisation: { mean: 0, std: 1 },
  };
}

/** Raw extractor: patches → log pooled statistics ('features'), before standardisation. */
export function buildRawExtractor(config: FilterBankConfig): Uint8Array {
  const g = new GraphBuilder({ name: 'ana-filter-bank-raw' });
  const x = g.input('patches', ['N', 1, config.inputPx, config.inputPx]);
  const { features, dims } = addFilterBank(g, x, config);
  g.node('Identity', [features], {}, ['features']);
  g.output('features', ['N', dims]);
  return g.toBytes();
}

/** The packaged model: extractor → standardise → 'embeddings' → Gemm(head) → Sigmoid → 'probabilities'. */
export function buildModel(config: FilterBankConfig, standard: { mean: Float32Array; std: Float32Array }, head: LinearHead, labelCount: number): Uint8Array {
  return buildHeadedModel(config.inputPx, (g, x) => addFilterBank(g, x, config), standard, head, labelCount);
}

interface FieldFeatures {
  row: DatasetRow;
  /** [patches, dims] */
  features: Float32Array;
  patches: number;
}

async function extractAll(rows: DatasetRow[], config: FilterBankConfig, session: GraphSession): Promise<{ fields: FieldFeatures[]; msPerPatch: number }> {
  const manifest = { ...baseManifest(config), labels: LABELS } as ModelManifest; // only its patch options are read
  const dims = featureNames(config).length;
  const fields: FieldFeatures[] = [];
  let inferMs = 0;
  let patchTotal = 0;
  for (const row of rows) {
    const prepared = await prepareSlide(await hashFile(row.absolutePath), manifest, null, undefined, { acquisition: [] });
    const count = prepared.patches.rects.length;
    const t = performance.now();
    const out = await session.run({ patches: { data: prepared.patches.pixels, dims: [count, 1, config.inputPx, config.inputPx] } }, ['features']);
    inferMs += performance.now() - t;
    patchTotal += count;
    fields.push({ row, features: Float32Array.from(out.features!.data), patches: count });
    if (out.features!.data.length !== count * dims) throw new Error(`extractor returned ${out.features!.data.length} values for ${count}×${dims}`);
  }
  return { fields, msPerPatch: inferMs / Math.max(1, patchTotal) };
}

function standardiser(fields: FieldFeatures[], dims: number): { mean: Float32Array; std: Float32Array } {
  const mean = new Float64Array(dims);
  const sq = new Float64Array(dims);
  let n = 0;
  for (const f of fields) {
    for (let p = 0; p < f.patches; p++) {
      for (let d = 0; d < dims; d++) {
        const v = f.features[p * dims + d]!;
        mean[d]! += v;
        sq[d]! += v * v;
      }
      n++;
    }
  }
  const m = new Float32Array(dims);
  const s = new Float32Array(dims);
  for (let d = 0; d < dims; d++) {
    m[d] = mean[d]! / n;
    s[d] = Math.max(1e-3, Math.sqrt(Math.max(0, sq[d]! / n - (mean[d]! / n) ** 2)));
  }
  return { mean: m, std: s };
}

function patchMatrix(fields: FieldFeatures[], dims: number, standard: { mean: Float32Array; std: Float32Array }) {
  const K = LABELS.length;
  const n = fields.reduce((a, f) => a + f.patches, 0);
  const x = new Float32Array(n * dims);
  const y = new Uint8Array(n * K);
  let i = 0;
  for (const f of fields) {
    for (let p = 0; p < f.patches; p++, i++) {
      for (let d = 0; d < dims; d++) x[i * dims + d] = (f.features[p * dims + d]! - standard.mean[d]!) / standard.std[d]!;
      LABELS.forEach((l, k) => (y[i * K + k] = f.row.labels.includes(l.key) ? 1 : 0));
    }
  }
  return { x, y, n };
}

/** Image-level scores: max over each field's patches (docs/method.md §aggregation). */
function imageScores(fields: FieldFeatures[], dims: number, standard: { mean: Float32Array; std: Float32Array }, head: LinearHead) {
  const K = LABELS.length;
  const truth = new Uint8Array(fields.length * K);
  const scores = new Float32Array(fields.length * K);
  fields.forEach((f, i) => {
    const { x, n } = patchMatrix([f], dims, standard);
    const p = applyHead(head, x, n, dims, K);
    for (let k = 0; k < K; k++) {
      let max = 0;
      for (let j = 0; j < n; j++) max = Math.max(max, p[j * K + k]!);
      scores[i * K + k] = max;
      truth[i * K + k] = f.row.labels.includes(LABELS[k]!.key) ? 1 : 0;
    }
  });
  return { truth, scores, imageCount: fields.length, labelCount: K };
}

interface VariantResult {
  name: string;
  config: FilterBankConfig;
  dims: number;
  msPerPatch: number;
  val: ReturnType<typeof evaluate>;
  test: ReturnType<typeof evaluate>;
  thresholds: number[];
  standard: { mean: Float32Array; std: Float32Array };
  head: LinearHead;
}

async function runVariant(name: string, config: FilterBankConfig, rows: DatasetRow[], seedLog: (m: string) => void): Promise<VariantResult> {
  const session = await createGraphSession(buildRawExtractor(config), { providers: ['cpu'], label: `extractor ${name}` });
  try {
    const { fields, msPerPatch } = await extractAll(rows, config, session);
    const dims = featureNames(config).length;
    const bySplit = (s: string) => fields.filter((f) => f.row.split === s);
    const train = bySplit('train');
    const standard = standardiser(train, dims);
    const { x, y, n } = patchMatrix(train, dims, standard);
    const head = trainLogisticHead(x, y, n, dims, LABELS.length);
    const keys = LABELS.map((l) => l.key);
    const valData = imageScores(bySplit('val'), dims, standard, head);
    const thresholds = tuneThresholds(valData.truth, valData.scores, valData.imageCount, valData.labelCount);
    const val = evaluate(valData, keys, thresholds);
    const test = evaluate(imageScores(bySplit('test'), dims, standard, head), keys, thresholds);
    seedLog(`${name.padEnd(18)} dims ${String(dims).padStart(4)}  ${msPerPatch.toFixed(2)} ms/patch  val F1 macro ${val.f1_macro.toFixed(3)} mAP ${val.map.toFixed(3)}  test F1 macro ${test.f1_macro.toFixed(3)} micro ${test.f1_micro.toFixed(3)} mAP ${test.map.toFixed(3)}`);
    return { name, config, dims, msPerPatch, val, test, thresholds, standard, head };
  } finally {
    await session.close();
  }
}

export const VARIANTS: Record<string, FilterBankConfig> = {
  'bank-4oct': DEFAULT_FILTER_BANK,
  'bank-no-gabor': { ...DEFAULT_FILTER_BANK, gaborWavelengthPx: 0 },
  'bank-3oct': { ...DEFAULT_FILTER_BANK, scales: 3 },
  'bank-64px': { ...DEFAULT_FILTER_BANK, inputPx: 64, scales: 3 },
  'bank-4oct-norm': { ...DEFAULT_FILTER_BANK, normalise: true },
  'bank-4oct-norm-top': { ...DEFAULT_FILTER_BANK, normalise: true, topFraction: 0.05 },
  'bank-64px-norm-top': { ...DEFAULT_FILTER_BANK, inputPx: 64, scales: 3, normalise: true, topFraction: 0.05 },
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      out: { type: 'string', default: 'native-models/ana-default' },
      count: { type: 'string', default: '600' },
      seed: { type: 'string', default: '101' },
      compare: { type: 'boolean', default: false },
      variant: { type: 'string', default: 'bank-4oct-norm-top' },
      /** Comma-separated variants to measure side by side (the package uses --variant). */
      variants: { type: 'string' },
    },
  });
  const log = (m: string) => console.log(m);
  let csv = values.data ? resolve(values.data) : resolve('.cache/ana-default-data/labels.csv');
  if (!values.data && !existsSync(csv)) {
    log(`Generating ${values.count} synthetic fields into ${resolve('.cache/ana-default-data')} ...`);
    const summary = await writeDataset({ outDir: resolve('.cache/ana-default-data'), count: Number(values.count), seed: Number(values.seed), pixelSizeUm: { minUm: 0.3, maxUm: 0.65 }, format: 'mixed' });
    csv = summary.csvPath;
  }
  const rows = await readDatasetCsv(csv);
  log(`Dataset ${csv}: ${rows.length} fields (${['train', 'val', 'test'].map((s) => `${s} ${rows.filter((r) => r.split === s).length}`).join(', ')})`);
  const names = values.compare ? Object.keys(VARIANTS) : values.variants ? values.variants.split(',') : [values.variant];
  for (const name of names) if (!VARIANTS[name]) throw new Error(`unknown variant '${name}' (known: ${Object.keys(VARIANTS).join(', ')})`);
  const results: VariantResult[] = [];
  for (const name of names) results.push(await runVariant(name, VARIANTS[name]!, rows, log));
  const chosen = results.find((r) => r.name === values.variant) ?? results[0]!;
  await writePackage(resolve(values.out), chosen, csv, rows.length, results);
  log(`Wrote ${resolve(values.out)} (variant ${chosen.name})`);
}

async function writePackage(outDir: string, result: VariantResult, csv: string, fieldCount: number, compared: VariantResult[]): Promise<void> {
  const K = LABELS.length;
  const bytes = buildModel(result.config, result.standard, result.head, K);
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'model.onnx'), bytes);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const headline = (e: ReturnType<typeof evaluate>) => ({ f1_micro: round(e.f1_micro), f1_macro: round(e.f1_macro), subset_accuracy: round(e.subset_accuracy), map: round(e.map), n_images: e.n_images });
  const perClass = Object.fromEntries(Object.entries(result.test.per_class).map(([k, c]) => [k, { precision: round(c.precision), recall: round(c.recall), f1: round(c.f1), ap: c.ap === null ? null : round(c.ap), support: c.support }]));
  const card = modelCard(result, csv, fieldCount, compared, headline(result.test), perClass);
  const cardBytes = new TextEncoder().encode(card);
  await writeFile(join(outDir, 'MODEL_CARD.md'), cardBytes);
  const manifest = extractorHeadManifest(bytes, {
    version: '0.1.0',
    displayName: 'ANA default (filter bank + logistic baseline head, synthetic data)',
    labels: LABELS,
    layout: baseManifest(result.config),
    thresholds: Object.fromEntries(LABELS.map((l, k) => [l.key, result.thresholds[k]!])),
    extractor: { id: EXTRACTOR_ID, version: EXTRACTOR_VERSION },
    otherFiles: [{ path: 'MODEL_CARD.md', sha256: sha256Hex(cardBytes), role: 'card' }],
    provenance: {
      recipe: 'native-models/recipes/build-default.ts',
      command: 'npx tsx native-models/recipes/build-default.ts',
      trained: true,
      head: 'logistic regression per label on patch embeddings with inherited field labels (plain baseline; to be replaced by the self-paced MIML trainer)',
      extractor: { variant: result.name, ...result.config, features: result.dims },
      data: { generator: 'electron/core/synth', fields: fieldCount, pixelSizeUm: '0.3-0.65', formats: 'mixed' },
      thresholds: 'per label, best F1 on the validation split (image level, max over patches)',
    },
    metrics: { test: headline(result.test), val: headline(result.val), perClassTest: perClass, extractorMsPerPatchCpu1Thread: round(result.msPerPatch) },
  });
  await writeManifest(outDir, manifest);
  await loadModelPackage(outDir); // verifies hashes and the extractor sub-graph
}

function modelCard(result: VariantResult, csv: string, fieldCount: number, compared: VariantResult[], test: Record<string, number>, perClass: Record<string, unknown>): string {
  const rows = Object.entries(perClass as Record<string, { precision: number; recall: number; f1: number; ap: number | null; support: number }>)
    .map(([k, c]) => `| ${k} | ${c.precision} | ${c.recall} | ${c.f1} | ${c.ap ?? '–'} | ${c.support} |`)
    .join('\n');
  const variants = compared
    .map((r) => `| ${r.name} | ${r.dims} | ${r.msPerPatch.toFixed(2)} | ${r.val.f1_macro.toFixed(3)} | ${r.val.map.toFixed(3)} | ${r.test.f1_macro.toFixed(3)} | ${r.test.map.toFixed(3)} |`)
    .join('\n');
  return `# Model card: ana-default 0.1.0

**What it is.** A fixed multi-scale filter bank (Laplacian-of-Gaussian blob detectors, Gaussian
derivative gradients, Gabor energies; ${result.config.scales} octaves from ${result.config.inputPx}×${result.config.inputPx} px patches of
${PATCH_SIZE_UM} µm${result.config.normalise ? ', each patch divided by its RMS intensity' : ''}; mean/RMS/max${result.config.topFraction ? `/top-${result.config.topFraction * 100}%` : ''} pooling, log,
standardised${result.config.normalise ? ', plus the patch\'s log mean/RMS/max intensity' : ''}: ${result.dims} features) written as an ONNX graph by
\`native-models/recipes/filter-bank.ts\`, followed by a **stop-gap classifier head**: one logistic
regression per label trained on patch embeddings, each patch inheriting its field's labels (the
"plain patch classifier" baseline of the paper), aggregated by the maximum over patches.
The self-paced MIML trainer (core/training) is meant to retrain this head.

**Training data.** ${fieldCount} synthetic fields from the project's generator (\`${csv.replace(process.cwd() + '/', '')}\`),
pixel sizes 0.3–0.65 µm, mixed file formats; train/val/test split per case by the generator.
Thresholds per label: best F1 on the validation split.

**Test split figures** (image level, thresholds above): F1 micro ${test.f1_micro}, F1 macro ${test.f1_macro},
subset accuracy ${test.subset_accuracy}, mAP ${test.map} on ${test.n_images} fields.

| label | precision | recall | F1 | AP | support |
|---|---|---|---|---|---|
${rows}

**Extractor variants measured** (same data, same head; ms per patch on one CPU thread):

| variant | features | ms/patch | val F1 macro | val mAP | test F1 macro | test mAP |
|---|---|---|---|---|---|---|
${variants}

**Limits.** Trained and tested on synthetic fields only; not clinically validated; no real
microscope image was seen. Meant to be fine-tuned on the lab's own signed cases. Every suggestion
must be confirmed by a trained reader.

Rebuild: \`npx tsx native-models/recipes/build-default.ts\` (deterministic for a given seed).
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
