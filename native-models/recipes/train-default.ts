/**
 * Recipe for the shipped default model trained with the self-paced MIML trainer, and for the
 * figures in docs/results.md. Steps: (1) an extractor-only package (./structure-extractor.ts, its
 * codebooks first learned from training fields; identity standardisation, empty head: the trainer
 * standardises and folds the statistics into the head); (2) `trainModelFromCsv` on a
 * generated dataset CSV → the package; (3) with --figures, every method, baseline and ablation
 * row trained from the same cached embeddings, several seeds, written as JSON.
 *
 *   npx tsx native-models/recipes/train-default.ts --data DIR/labels.csv [--out native-models/ana-default]
 *     [--extractor codebook|structure|bank] [--codebook-data CSV] [--codebook-k 128] [--seed 1] [--method spl]
 *     [--thresholds tuned] [--lr 0.01] [--lr-alpha 0.001] [--max-epochs 40] [--options JSON]
 *     [--figures FILE.json] [--seeds 1,2,3] [--rows 'name;name']
 *
 * The shipped 0.4.0 package (extractor 3.0.0 = filter bank + structure features + codebooks learned
 * from D2's training fields; mean-logit head by L-BFGS; data and commands in docs/results.md):
 *   npx tsx native-models/recipes/train-default.ts --data D2/labels-plus6600.csv --codebook-data D2/labels.csv \
 *     --version 0.4.0 --parent-version 0.3.0 --method mean-logit --seed 1 --options '{"solver":"lbfgs"}'
 *
 * Trained across lab styles (domain randomisation, issue 16): the same graph, its codebooks and
 * whitening learned from `ana synth --style random` fields, the head fitted on them (never on the
 * domain-shift benchmark's held-out styles; data, commands and figures in docs/results.md, first
 * section). Step 1 builds the extractor package only, step 2 trains heads on it (cached embeddings):
 *   npx tsx native-models/recipes/train-default.ts --data R1/labels.csv --codebook-fields 320 --codebook-windows 60 --skip-package
 *   npx tsx native-models/recipes/train-default.ts --data T/labels.csv --base R1/.extractor-codebook-3.0.0-k128-f320-w60-s1 \
 *     --out DIR --version 0.5.0 --parent-version 0.4.0 --method mean-logit --seed 1 --options '{"solver":"lbfgs"}'
 *
 * Generate the data first (`ana synth`, docs/results.md).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PATTERN_LABELS } from '../../electron/contract/labels';
import { createEngine } from '../../electron/core/inference/engine';
import type { ModelManifest } from '../../electron/core/models/manifest';
import { loadModelPackage, sha256Hex, writeManifest, type ModelPackage } from '../../electron/core/models/model-package';
import { readDatasetCsv } from '../../electron/core/synth/dataset-csv';
import { bagCount, patchCount, subsetBags, type BagDataset } from '../../electron/core/training/dataset';
import { tuneThresholds } from '../../electron/core/training/metrics/thresholds';
import { defaultCacheDir, embedRows, fitHead, headScorer, summary, trainModelFromCsv } from '../../electron/core/training/heads/train-model';
import { defaultTrainerOptions, evaluateScorer, scoreBags, type TrainerOptions, type TrainingMethod } from '../../electron/core/training/trainer';
import { baseManifest, buildModel, EXTRACTOR_ID, EXTRACTOR_VERSION } from './build-default';
import { DEFAULT_FILTER_BANK, featureNames, type FilterBankConfig } from './filter-bank';
import { CODEBOOK_SCALES, WINDOW_EPSILON, WINDOW_PX, type Codebook } from '../../electron/core/models/codebook-features';
import { DEFAULT_CODEBOOK_RECIPE, learnCodebooks as learnFieldCodebooks, type CodebookRecipe } from '../../electron/core/training/adapt/learn-codebooks';
export { DEFAULT_CODEBOOK_RECIPE, type CodebookRecipe };
import { buildStructureModel, CODEBOOK_EXTRACTOR_VERSION, STRUCTURE_BANK, STRUCTURE_EXTRACTOR_ID, STRUCTURE_EXTRACTOR_VERSION, STRUCTURE_INPUT_PX, structureExtractorNames } from './structure-extractor';
import { RMS_FLOOR } from './structure-features';
import { extractorHeadManifest, type ExtractorHeadSpec } from './package-manifest';

const LABELS = PATTERN_LABELS.map(({ key, displayName, icapCodes }) => ({ key, displayName, icapCodes }));

/** Learns the codebooks (core/models/codebook-features.ts) from windows of the training split's patches. */
export async function learnCodebooks(csv: string, recipe: CodebookRecipe, log: (line: string) => void = () => {}): Promise<Codebook[]> {
  const rows = (await readDatasetCsv(csv)).filter((r) => r.split === 'train');
  if (rows.length === 0) throw new Error(`${csv}: no rows in the train split to learn the codebooks from`);
  const manifest = { ...baseManifest({ ...STRUCTURE_BANK, inputPx: STRUCTURE_INPUT_PX }), labels: LABELS } as ModelManifest; // only its patch options are read
  return learnFieldCodebooks(rows.map((r) => r.absolutePath), { manifest, scales: CODEBOOK_SCALES, recipe, rmsFloor: RMS_FLOOR, patches: 'all', onScale: (_d, _t, message) => log(message) });
}

/** Identity standardisation and a zero head: an extractor-only package passes its embeddings through untouched. */
const identityStandard = (dims: number) => ({ mean: new Float32Array(dims), std: new Float32Array(dims).fill(1) });
const zeroHead = (dims: number) => ({ weights: new Float32Array(LABELS.length * dims), bias: new Float32Array(LABELS.length) });

/** Writes an extractor-only package (version 0.0.0-extractor, thresholds 0.5) and loads it back (checking hashes). */
async function writeUntrainedPackage(outDir: string, bytes: Uint8Array, spec: Pick<ExtractorHeadSpec, 'displayName' | 'layout' | 'extractor' | 'provenance'>): Promise<ModelPackage> {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'model.onnx'), bytes);
  await writeManifest(outDir, extractorHeadManifest(bytes, { ...spec, version: '0.0.0-extractor', labels: LABELS, thresholds: Object.fromEntries(LABELS.map((l) => [l.key, 0.5])) }));
  return loadModelPackage(outDir);
}

/**
 * An extractor-only package around the default extractor (./structure-extractor.ts: per-structure
 * features at 256 px + the filter bank at 128 px; with codebooks, version 3.0.0), identity
 * standardisation, zero head.
 */
export async function writeStructureExtractorPackage(outDir: string, codebooks: Codebook[] = [], codebookRecipe?: CodebookRecipe): Promise<ModelPackage> {
  const names = structureExtractorNames(codebooks);
  const dims = names.length;
  const bytes = buildStructureModel(identityStandard(dims), zeroHead(dims), LABELS.length, codebooks);
  return writeUntrainedPackage(outDir, bytes, {
    displayName: 'Structure + filter-bank extractor (untrained head)',
    layout: baseManifest({ ...STRUCTURE_BANK, inputPx: STRUCTURE_INPUT_PX }),
    extractor: { id: STRUCTURE_EXTRACTOR_ID, version: codebooks.length ? CODEBOOK_EXTRACTOR_VERSION : STRUCTURE_EXTRACTOR_VERSION },
    provenance: {
      recipe: 'native-models/recipes/train-default.ts --extractor structure',
      extractor: {
        graph: 'native-models/recipes/structure-extractor.ts',
        inputPx: STRUCTURE_INPUT_PX,
        patchSizeUm: 128,
        bank: STRUCTURE_BANK,
        ...(codebooks.length ? { codebooks: { recipe: codebookRecipe, scales: CODEBOOK_SCALES, windowPx: WINDOW_PX, windowEpsilon: WINDOW_EPSILON } } : {}),
        features: dims,
        featureNames: names,
      },
    },
  });
}

/** An extractor-only package: filter bank → identity standardisation → 'embeddings', zero head. */
export async function writeExtractorPackage(outDir: string, config: FilterBankConfig, patchSizeUm: number): Promise<ModelPackage> {
  const dims = featureNames(config).length;
  const bytes = buildModel(config, identityStandard(dims), zeroHead(dims), LABELS.length);
  const base = baseManifest(config);
  return writeUntrainedPackage(outDir, bytes, {
    displayName: 'Filter-bank extractor (untrained head)',
    layout: { ...base, patch: { ...base.patch, sizeUm: patchSizeUm } },
    extractor: { id: EXTRACTOR_ID, version: `${EXTRACTOR_VERSION}+${config.inputPx}px.${config.scales}oct.${patchSizeUm}um` },
    provenance: { recipe: 'native-models/recipes/train-default.ts', extractor: { ...config, features: dims, patchSizeUm } },
  });
}

interface FigureRow {
  name: string;
  method: TrainingMethod;
  options: Partial<TrainerOptions>;
}

/** The methods, the baselines and the ablation of docs/method.md §metrics, as trainer options. */
export const FIGURE_ROWS: FigureRow[] = [
  { name: 'self-paced (full)', method: 'spl', options: {} },
  { name: 'plain patch classifier', method: 'plain', options: {} },
  { name: 'max-pooling MIL', method: 'max', options: {} },
  { name: 'mean-pooling MIL', method: 'mean', options: {} },
  { name: 'mean-logit MIL', method: 'mean-logit', options: {} },
  { name: 'α weighting only', method: 'spl', options: { sampler: false, pseudoLabels: false, coefficients: false } },
  { name: '+ sampler only', method: 'spl', options: { pseudoLabels: false, coefficients: false } },
  { name: '+ pseudo-labels only', method: 'spl', options: { sampler: false, coefficients: false } },
  { name: '+ coefficients only', method: 'spl', options: { sampler: false, pseudoLabels: false } },
  { name: 'full − sampler', method: 'spl', options: { sampler: false } },
  { name: 'full − pseudo-labels', method: 'spl', options: { pseudoLabels: false } },
  { name: 'full − coefficients', method: 'spl', options: { coefficients: false } },
  { name: 'full, soft targets', method: 'spl', options: { softTargets: true } },
  { name: 'full, iw-ones start', method: 'spl', options: { init: 'iw-ones' } },
  { name: 'full, iw-data start', method: 'spl', options: { init: 'iw-data' } },
  { name: 'full, fixed C = 6', method: 'spl', options: { coefficientC: 6 } },
];

async function figures(train: BagDataset, val: BagDataset, test: BagDataset, base: Partial<TrainerOptions>, seeds: number[], only: string[] | null) {
  const K = train.labels.length;
  const out: Record<string, unknown>[] = [];
  for (const row of FIGURE_ROWS.filter((r) => !only || only.includes(r.name))) {
    const perSeed = [];
    for (const seed of seeds) {
      const trainer = { ...defaultTrainerOptions, ...base, ...row.options, method: row.method, seed };
      const t0 = performance.now();
      const { head, stats, training } = fitHead(train, val, trainer);
      const trainMs = performance.now() - t0;
      const folded = head.folded(stats.mean, stats.std);
      const scorer = headScorer(folded.weights, folded.bias, train.inputLength, K);
      const at05 = evaluateScorer(scorer, test, training.pooling);
      const tuned = tuneThresholds(val.bagLabels, scoreBags(scorer, val, training.pooling), bagCount(val), K);
      const atTuned = evaluateScorer(scorer, test, training.pooling, tuned);
      perSeed.push({ seed, epochs: training.epochs.length, bestEpoch: training.bestEpoch, trainMs, msPer1000Fields: (trainMs / bagCount(train)) * 1000, at05: summary(at05), tuned: summary(atTuned), perClassTuned: atTuned.per_class });
      console.log(`${row.name.padEnd(26)} seed ${seed}: @0.5 micro ${at05.f1_micro.toFixed(3)} macro ${at05.f1_macro.toFixed(3)} subset ${at05.subset_accuracy.toFixed(3)} mAP ${at05.map.toFixed(3)} | tuned macro ${atTuned.f1_macro.toFixed(3)} | ${(trainMs / 1000).toFixed(1)} s, ${training.epochs.length} epochs`);
    }
    out.push({ name: row.name, method: row.method, options: row.options, seeds: perSeed });
  }
  return out;
}

type SeedResult = { at05: Record<string, number>; tuned: Record<string, number>; msPer1000Fields: number; epochs: number };

/** Markdown tables (mean ± sd over seeds) of the figures: threshold 0.5 and tuned thresholds. */
export function figuresMarkdown(table: Record<string, unknown>[]): string {
  const stat = (values: number[]): string => {
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, values.length - 1));
    return values.length > 1 ? `${m.toFixed(3)} ± ${sd.toFixed(3)}` : m.toFixed(3);
  };
  const lines: string[] = [];
  for (const [title, key] of [['threshold 0.5 (docs/method.md §aggregation)', 'at05'], ['per-label thresholds tuned on the validation split', 'tuned']] as const) {
    lines.push(`#### Test split, ${title}`, '', '| method | F1 micro | F1 macro | subset acc | mAP | overall | s per 1,000 fields | epochs |', '|---|---|---|---|---|---|---|---|');
    for (const row of table) {
      const seeds = row.seeds as SeedResult[];
      const col = (k: string) => seeds.map((s) => s[key][k]!);
      const overall = seeds.map((s) => (s[key].f1_micro! + s[key].f1_macro! + s[key].subset_accuracy! + s[key].map!) / 4);
      lines.push(`| ${row.name} | ${stat(col('f1_micro'))} | ${stat(col('f1_macro'))} | ${stat(col('subset_accuracy'))} | ${stat(col('map'))} | ${stat(overall)} | ${(seeds.reduce((a, s) => a + s.msPer1000Fields, 0) / seeds.length / 1000).toFixed(1)} | ${stat(seeds.map((s) => s.epochs)).split('.')[0]} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      out: { type: 'string', default: 'native-models/ana-default' },
      'input-px': { type: 'string', default: '256' },
      scales: { type: 'string', default: '4' },
      'patch-um': { type: 'string', default: '128' },
      seed: { type: 'string', default: '1' },
      method: { type: 'string', default: 'spl' },
      thresholds: { type: 'string', default: 'tuned' },
      lr: { type: 'string', default: '0.01' },
      'lr-alpha': { type: 'string', default: '0.001' },
      'max-epochs': { type: 'string', default: '40' },
      version: { type: 'string', default: '1.0.0' },
      figures: { type: 'string' },
      seeds: { type: 'string', default: '1,2,3' },
      /** Only these figure rows (names separated by ';'), e.g. 'self-paced (full);mean-logit MIL'. */
      rows: { type: 'string' },
      'skip-package': { type: 'boolean', default: false },
      /** Train on an existing package's extractor (e.g. the filter-bank package of build-default.ts) instead of building one. */
      base: { type: 'string' },
      /** Trainer options as JSON, e.g. '{"sampler":false}' (the configuration chosen on the validation split). */
      options: { type: 'string', default: '{}' },
      'data-note': { type: 'string' },
      /** The shipped version this one replaces (manifest parentVersion); default: the base package's version. */
      'parent-version': { type: 'string' },
      /** Markdown appended to the model card (e.g. how to rebuild the package). */
      'card-note': { type: 'string' },
      /** 'codebook' (the 3.0.0 extractor, default), 'structure' (the 0.3.0 extractor) or 'bank' (the filter bank alone at --input-px). */
      extractor: { type: 'string', default: 'codebook' },
      /** Codebook learning: centroids per scale, training fields sampled, windows per patch and scale, seed. */
      'codebook-k': { type: 'string', default: String(DEFAULT_CODEBOOK_RECIPE.k) },
      'codebook-fields': { type: 'string', default: String(DEFAULT_CODEBOOK_RECIPE.fields) },
      'codebook-windows': { type: 'string', default: String(DEFAULT_CODEBOOK_RECIPE.windowsPerPatch) },
      'codebook-seed': { type: 'string', default: String(DEFAULT_CODEBOOK_RECIPE.seed) },
      /** Dataset CSV whose train split the codebooks are learned from (default: --data). */
      'codebook-data': { type: 'string' },
    },
  });
  if (!values.data) throw new Error('--data labels.csv is required (generate it with ana synth)');
  const csv = resolve(values.data);
  const config: FilterBankConfig = { ...DEFAULT_FILTER_BANK, inputPx: Number(values['input-px']), scales: Number(values.scales) };
  const patchUm = Number(values['patch-um']);
  if (!values.base && !['codebook', 'structure', 'bank'].includes(values.extractor)) throw new Error(`--extractor must be 'codebook', 'structure' or 'bank', not '${values.extractor}'`);
  const structure = !values.base && values.extractor !== 'bank';
  const codebookRecipe: CodebookRecipe = { k: Number(values['codebook-k']), fields: Number(values['codebook-fields']), windowsPerPatch: Number(values['codebook-windows']), seed: Number(values['codebook-seed']) };
  const extractorName = values.extractor === 'codebook'
    ? `.extractor-codebook-${CODEBOOK_EXTRACTOR_VERSION}-k${codebookRecipe.k}-f${codebookRecipe.fields}-w${codebookRecipe.windowsPerPatch}-s${codebookRecipe.seed}`
    : structure ? `.extractor-structure-${STRUCTURE_EXTRACTOR_VERSION}` : `.extractor-${config.inputPx}px-${config.scales}oct-${patchUm}um`;
  const extractorDir = values.base ? resolve(values.base) : resolve(join(defaultCacheDir(csv), '..', extractorName));
  const codebooks = !values.base && values.extractor === 'codebook' ? await learnCodebooks(values['codebook-data'] ? resolve(values['codebook-data']) : csv, codebookRecipe, console.log) : [];
  const extractor = values.base
    ? await loadModelPackage(extractorDir)
    : structure ? await writeStructureExtractorPackage(extractorDir, codebooks, codebooks.length ? codebookRecipe : undefined) : await writeExtractorPackage(extractorDir, config, patchUm);
  const trainerBase: Partial<TrainerOptions> = { lr: Number(values.lr), lrAlpha: Number(values['lr-alpha']), maxEpochs: Number(values['max-epochs']) };
  if (!values['skip-package']) {
    const result = await trainModelFromCsv({
      dataCsv: csv,
      outDir: resolve(values.out),
      baseModelDir: extractorDir,
      version: values.version,
      id: 'ana-default',
      thresholds: values.thresholds as 'fixed' | 'tuned',
      trainer: { ...trainerBase, ...(JSON.parse(values.options) as Partial<TrainerOptions>), method: values.method as TrainingMethod, seed: Number(values.seed) },
      dataDescription: values['data-note'],
      providers: ['cpu'],
      onProgress: (p) => p.phase === 'embed' && p.done % 100 === 0 && console.log(`embedded ${p.done}/${p.total} fields`),
      onEpoch: (e) => console.log(`epoch ${e.epoch} val ${e.validationScore?.toFixed(4)}${e.best ? ' *' : ''}`),
    });
    if (values['parent-version'] || values['card-note']) {
      // The card is hashed in the manifest: append the note, then re-hash it.
      const cardPath = join(result.model.dir, 'MODEL_CARD.md');
      if (values['card-note']) await writeFile(cardPath, (await readFile(cardPath, 'utf8')).trimEnd() + '\n\n' + values['card-note'].trim() + '\n');
      const cardHash = sha256Hex(await readFile(cardPath));
      const files = result.model.manifest.files.map((f) => (f.path === 'MODEL_CARD.md' ? { ...f, sha256: cardHash } : f));
      await writeManifest(result.model.dir, { ...result.model.manifest, files, parentVersion: values['parent-version'] ?? result.model.manifest.parentVersion });
      await loadModelPackage(result.model.dir);
    }
    const t = result.test!;
    console.log(`wrote ${result.model.dir}: test F1 micro ${t.f1_micro.toFixed(3)} macro ${t.f1_macro.toFixed(3)} subset ${t.subset_accuracy.toFixed(3)} mAP ${t.map.toFixed(3)}; embeddings ${(result.embedMs / 1000).toFixed(0)} s, head ${(result.trainMs / 1000).toFixed(1)} s`);
  }
  if (values.figures) {
    const rows = await readDatasetCsv(csv);
    const engine = await createEngine(extractor, { providers: ['cpu'], warn: () => {} });
    const { data } = await embedRows(extractor, engine, rows, { cacheDir: defaultCacheDir(csv) });
    await engine.close();
    const idx = (s: string) => rows.flatMap((r, i) => (r.split === s ? [i] : []));
    const [train, val, test] = (['train', 'val', 'test'] as const).map((s) => subsetBags(data, idx(s)));
    const seeds = values.seeds.split(',').map(Number);
    // --options applies to every row (each row's own switches win), e.g. '{"bagsPerBatch":32,"patience":30}'.
    const table = await figures(train!, val!, test!, { ...trainerBase, ...(JSON.parse(values.options) as Partial<TrainerOptions>) }, seeds, values.rows ? values.rows.split(';') : null);
    const doc = { csv, extractor: extractor.manifest.kind === 'extractor-head' ? extractor.manifest.extractor : null, config, patchUm, trainer: trainerBase, counts: { train: bagCount(train!), val: bagCount(val!), test: bagCount(test!), trainPatches: patchCount(train!) }, rows: table };
    await writeFile(resolve(values.figures), JSON.stringify(doc, null, 1) + '\n');
    await writeFile(resolve(values.figures).replace(/\.json$/, '') + '.md', figuresMarkdown(table));
    console.log(`figures: ${values.figures} (+ .md tables)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
