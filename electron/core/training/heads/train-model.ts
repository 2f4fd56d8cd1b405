/**
 * From a dataset CSV to a trained model package: embed every field once through the base
 * package's extractor (cached), train a new head with the chosen method on the `train` split,
 * early-stop on `val` (or a seeded 15 % of train when the CSV has none), measure the `test`
 * split, and write a derived package (same extractor, new head) with metrics and a model card.
 * Evaluation of any package on a CSV uses the same cached embeddings and the package's own head,
 * aggregation and thresholds, i.e. exactly what a reading computes.
 */
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { DomainError } from '../../errors';
import { createEngine, type InferenceEngine } from '../../inference/engine';
import { loadModelPackage, readHead, writeDerivedPackage, writeManifest, type ModelPackage } from '../../models/model-package';
import { readDatasetCsv, type DatasetRow } from '../../synth/dataset-csv';
import type { ProviderName } from '../../inference/providers';
import type { Pooling } from '../../inference/aggregate';
import { bagCount, featureStats, patchCount, standardised, subsetBags, type BagDataset } from '../dataset';
import { OUT_OF_FOLD_MODES, THRESHOLD_WORDS, TRAINING_CASE_MODES, thresholdsFor, type ThresholdMode } from '../metrics/thresholds';
import { slideEmbeddings } from './embedding-cache';
import { slideFileProblem } from '../../slides/decode';
import { datasetPixelSizes, type DatasetPixelSizes } from '../dataset-pixel-sizes';
import { patchOptionsOf } from '../../models/manifest';
import { scoredReport, type EvaluationReport, type MultiLabelData, type ScoredReport } from '../metrics/metrics';
import { LinearHead, type SyncPatchScorer } from '../scorer';
import { defaultTrainerOptions, endedAtEpochCap, evaluateScorer, overallScore, scoreBags, trainScorer, type EpochInfo, type TrainerOptions, type TrainingResult } from '../trainer';
import { fitMeanLogitLbfgs, LBFGS_C_GRID } from './mean-logit-lbfgs';
import { modelCard } from '../metrics/model-card';

export interface Progress {
  /** 'adapt': learning the extractor's codebooks from the lab's fields; 'patches': cutting fields into network inputs (whole-network fine-tuning). */
  phase: 'adapt' | 'embed' | 'patches' | 'train' | 'evaluate' | 'write';
  done: number;
  total: number;
  message?: string;
}

export interface EmbedOptions {
  cacheDir: string;
  providers?: ProviderName[];
  onProgress?: (p: Progress) => void;
  /** Polled between epochs and slides; true stops the work with a 'training cancelled' error. */
  isCancelled?: () => boolean;
}

/** A field to embed: its file, labels, the pixel size recorded for it and an id for its bag. */
export type EmbedRow = { absolutePath: string; labels: readonly string[]; pixelSizeUm?: number | null; id?: string };

export function defaultCacheDir(csvPath: string): string {
  return join(dirname(resolve(csvPath)), '.ana-embedding-cache');
}

/**
 * Bags for the given rows: one per field, its kept patches' embeddings from the cache.
 * `onUnreadable`: a field whose file cannot be decoded is left out of the bags and reported,
 * instead of failing the whole set (fine-tuning on a lab's record); without it, the error stands.
 */
export async function embedRows(
  model: ModelPackage,
  engine: InferenceEngine,
  rows: readonly EmbedRow[],
  options: EmbedOptions & { onUnreadable?: (row: EmbedRow, reason: string) => void },
): Promise<{ data: BagDataset; cachedShare: number }> {
  const labels = model.manifest.labels.map((l) => l.key);
  const K = labels.length;
  const chunks: Float32Array[] = [];
  const offsets = [0];
  const bagLabels: number[] = [];
  const bagIds: string[] = [];
  let dims = 0;
  let cached = 0;
  for (let i = 0; i < rows.length; i++) {
    if (options.isCancelled?.()) throw new DomainError('conflict', 'training cancelled while computing embeddings');
    const row = rows[i]!;
    const bagLabel = new Array<number>(K).fill(0);
    for (const key of row.labels) {
      const k = labels.indexOf(key);
      if (k < 0) throw new DomainError('bad-request', `${row.absolutePath}: label '${key}' is not one of model ${model.manifest.id}'s labels (${labels.join(', ')})`);
      bagLabel[k] = 1;
    }
    let e;
    try {
      e = await slideEmbeddings({ model, engine, cacheDir: options.cacheDir }, row.absolutePath, { pixelSizeUm: row.pixelSizeUm ?? null });
    } catch (error) {
      const reason = options.onUnreadable ? slideFileProblem(error, row.absolutePath) : null;
      if (reason === null) throw error;
      options.onUnreadable!(row, reason);
      options.onProgress?.({ phase: 'embed', done: i + 1, total: rows.length });
      continue;
    }
    if (e.cached) cached++;
    if (e.kept.length > 0) {
      if (dims && e.dims !== dims) throw new DomainError('model-invalid', `${row.absolutePath}: embeddings have ${e.dims} dims, earlier fields ${dims}`);
      dims = e.dims;
    }
    chunks.push(e.embeddings);
    offsets.push(offsets.at(-1)! + e.kept.length);
    bagLabels.push(...bagLabel);
    bagIds.push(row.id ?? row.absolutePath);
    options.onProgress?.({ phase: 'embed', done: i + 1, total: rows.length });
  }
  const inputs = new Float32Array(offsets.at(-1)! * dims);
  chunks.forEach((c, i) => inputs.set(c, offsets[i]! * dims));
  const data: BagDataset = { labels, bagLabels: Uint8Array.from(bagLabels), bagOffsets: Int32Array.from(offsets), inputs, inputLength: dims, bagIds };
  return { data, cachedShare: rows.length ? cached / rows.length : 1 };
}

/** Seeded, order-independent split of rows into train / held-out by a hash of a key. */
export function hashSplit<T>(items: readonly T[], key: (t: T) => string, heldOutShare: number, seed: number): { train: T[]; heldOut: T[] } {
  const train: T[] = [];
  const heldOut: T[] = [];
  for (const item of items) {
    const h = createHash('sha256').update(`${seed}:${key(item)}`).digest().readUInt32BE(0) / 2 ** 32;
    (h < heldOutShare ? heldOut : train).push(item);
  }
  return { train, heldOut };
}

/** A head as the package stores it ([K, D] weights, [K] bias), as a scorer for evaluation. */
export function headScorer(weights: Float32Array, bias: Float32Array, dims: number, labels: number): LinearHead {
  const head = new LinearHead(dims, labels, 0, 0);
  head.weights.set(weights);
  head.bias.set(bias);
  return head;
}

export async function evaluatePackageOn(model: ModelPackage, data: BagDataset): Promise<EvaluationReport> {
  return (await scorePackageOn(model, data)).report;
}

/** The package's report on embedding bags with the image-level scores behind it (its own head, aggregation and thresholds). */
export async function scorePackageOn(model: ModelPackage, data: BagDataset): Promise<ScoredReport> {
  const { weights, bias } = await readHead(model);
  const K = model.manifest.labels.length;
  const D = weights.dims[1]!;
  if (patchCount(data) > 0 && D !== data.inputLength) throw new DomainError('model-invalid', `${model.dir}: head takes ${D} dims, embeddings have ${data.inputLength}`);
  const bags = patchCount(data) > 0 ? data : { ...data, inputLength: D };
  const thresholds = model.manifest.labels.map((l) => model.manifest.thresholds[l.key] ?? 0.5);
  const scores = scoreBags(headScorer(weights.data, bias.data, D, K), bags, model.manifest.aggregation);
  return scoredReport({ truth: bags.bagLabels, scores, imageCount: bagCount(bags), labelCount: bags.labels.length }, bags.labels, thresholds);
}

export interface TrainModelOptions {
  dataCsv: string;
  outDir: string;
  baseModelDir: string;
  cacheDir?: string;
  trainer?: Partial<TrainerOptions>;
  version?: string;
  id?: string;
  /** 'fixed': 0.5 for every label (docs/method.md §aggregation); 'tuned': best validation F1 per label; 'shrunk': that, shrunk towards 0.5 by the label's positives; 'cv' / 'platt': best F1 / Platt scaling on out-of-fold scores of every training case; 'prevalence': each label called on as many training cases as carry it (THRESHOLD_WORDS). */
  thresholds?: ThresholdMode;
  /** Where the data came from, in words, for the model card. */
  dataDescription?: string;
  providers?: ProviderName[];
  onProgress?: (p: Progress) => void;
  onEpoch?: (info: EpochInfo) => void;
  /** Polled between epochs and slides; true stops the work with a 'training cancelled' error. */
  isCancelled?: () => boolean;
}

export interface TrainModelResult {
  model: ModelPackage;
  training: TrainingResult;
  /** The epoch cap the head's training ended at while early stopping would have gone on (`endedAtEpochCap`); absent otherwise. */
  endedAtEpochCap?: number;
  test: EvaluationReport | null;
  counts: { train: number; val: number; test: number };
  trainMs: number;
  embedMs: number;
  cachedShare: number;
}

/**
 * A dataset CSV's rows by split: `train` (or no split) to learn from, `val` to stop early on (a
 * seeded 15 % of `train` when the CSV has none), `test` to measure.
 */
export function datasetSplits(rows: readonly DatasetRow[], csvPath: string, seed: number): { train: DatasetRow[]; val: DatasetRow[]; test: DatasetRow[] } {
  let train = rows.filter((r) => r.split === 'train' || r.split === '');
  let val = rows.filter((r) => r.split === 'val');
  const test = rows.filter((r) => r.split === 'test');
  if (val.length === 0) ({ train, heldOut: val } = hashSplit(train, (r) => r.path, 0.15, seed));
  if (train.length === 0) throw new DomainError('bad-request', `${csvPath}: no rows with split 'train' (or empty split)`);
  return { train, val, test };
}

export async function trainModelFromCsv(options: TrainModelOptions): Promise<TrainModelResult> {
  const trainer: TrainerOptions = { ...defaultTrainerOptions, ...options.trainer };
  const { train: trainRows, val: valRows, test: testRows } = datasetSplits(await readDatasetCsv(resolve(options.dataCsv)), options.dataCsv, trainer.seed);
  const base = await loadModelPackage(options.baseModelDir);
  // Before minutes of embedding: a whole network has no extractor to train a head on (`ana train` fine-tunes it instead).
  if (base.manifest.kind !== 'extractor-head') throw new DomainError('bad-request', `${base.dir}: ${base.manifest.id} ${base.manifest.version} is a whole network (kind '${base.manifest.kind}'), not a feature extractor with a head`);
  const engine = await createEngine(base, { providers: options.providers, warn: () => {} });
  const cacheDir = options.cacheDir ?? defaultCacheDir(options.dataCsv);
  const t0 = performance.now();
  let train: BagDataset;
  let val: BagDataset;
  let test: BagDataset | null = null;
  let cachedShare: number;
  try {
    const all = [...trainRows, ...valRows, ...testRows];
    const embedded = await embedRows(base, engine, all, { cacheDir, onProgress: options.onProgress, isCancelled: options.isCancelled });
    cachedShare = embedded.cachedShare;
    const idx = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
    train = subsetBags(embedded.data, idx(0, trainRows.length));
    val = subsetBags(embedded.data, idx(trainRows.length, trainRows.length + valRows.length));
    if (testRows.length) test = subsetBags(embedded.data, idx(trainRows.length + valRows.length, all.length));
  } finally {
    await engine.close();
  }
  const embedMs = performance.now() - t0;
  return finishTraining({ base, train, val, test, trainer, embedMs, cachedShare, options, csv: resolve(options.dataCsv), dataDescription: options.dataDescription, counts: { train: trainRows.length, val: valRows.length, test: testRows.length } });
}

interface FinishInput {
  base: ModelPackage;
  train: BagDataset;
  val: BagDataset | null;
  test: BagDataset | null;
  trainer: TrainerOptions;
  embedMs: number;
  cachedShare: number;
  csv: string;
  counts: { train: number; val: number; test: number };
  options: Pick<TrainModelOptions, 'outDir' | 'version' | 'id' | 'onProgress' | 'onEpoch' | 'isCancelled' | 'thresholds'>;
  /** Warm start from this head (raw-embedding space), e.g. the active model's when fine-tuning. */
  initialHead?: { weights: Float32Array; bias: Float32Array };
  dataDescription?: string;
  extraProvenance?: Record<string, unknown>;
}

/** Trains the head on embedded bags and writes the derived package (shared with fine-tuning). */
export async function finishTraining(input: FinishInput): Promise<TrainModelResult> {
  const { base, train, val, test, trainer, options } = input;
  const t1 = performance.now();
  const { head, stats, training } = fitHead(train, val, trainer, options, input.initialHead);
  const trainMs = performance.now() - t1;
  const folded = head.folded(stats.mean, stats.std);
  const K = train.labels.length;
  const pooling = training.pooling;
  const trained = headScorer(folded.weights, folded.bias, train.inputLength, K);
  const mode = options.thresholds ?? 'fixed';
  const evidence = OUT_OF_FOLD_MODES.includes(mode)
    ? outOfFoldScores(train, val, trainer, { initial: input.initialHead, isCancelled: options.isCancelled })
    : TRAINING_CASE_MODES.includes(mode) ? scoredOn(trained, val ? [train, val] : [train], pooling)
    : val && bagCount(val) > 0 ? { truth: val.bagLabels, scores: scoreBags(trained, val, pooling), imageCount: bagCount(val), labelCount: K } : null;
  const thresholdValues = mode !== 'fixed' && evidence && evidence.imageCount > 0 ? thresholdsFor(mode, evidence.truth, evidence.scores, evidence.imageCount, K) : new Array<number>(K).fill(0.5);
  const thresholds = Object.fromEntries(train.labels.map((key, k) => [key, thresholdValues[k]!]));
  const testReport = test ? evaluateScorer(trained, test, pooling, thresholdValues) : null;
  options.onProgress?.({ phase: 'write', done: 0, total: 1 });
  const version = options.version ?? `${base.manifest.version.split('+')[0]}+${trainer.method}.s${trainer.seed}`;
  const metrics: Record<string, unknown> = test && testReport ? { test: summary(testReport), n_test_images: testReport.n_images, perClassTest: testReport.per_class } : {};
  const provenance = {
    trainedFrom: base.manifest.id + '@' + base.manifest.version,
    baseProvenance: base.manifest.provenance,
    data: input.csv,
    counts: input.counts,
    method: trainer.method,
    trainer: { ...trainer },
    bestEpoch: training.bestEpoch,
    epochs: training.epochs.length,
    trainMs: Math.round(trainMs),
    thresholds: THRESHOLD_WORDS(THRESHOLD_CV_FOLDS)[mode],
    ...input.extraProvenance,
  };
  // L-BFGS fits to convergence (no epochs); without early-stopping fields every epoch counts as the best.
  const cappedAt = !training.lbfgs && input.counts.val && endedAtEpochCap(training, trainer) ? trainer.maxEpochs : undefined;
  const card = modelCard({ kind: 'extractor-head', base, version, trainer, counts: input.counts, training, endedAtEpochCap: cappedAt, test: testReport, csv: input.csv, trainMs, dataDescription: input.dataDescription, thresholds });
  let model = await writeDerivedPackage(base, options.outDir, { head: folded, version, id: options.id, thresholds, provenance, metrics, card, displayName: `ANA patterns (${trainer.method}, ${version})` });
  if (model.manifest.aggregation !== pooling) {
    await writeManifest(model.dir, { ...model.manifest, aggregation: pooling });
    model = await loadModelPackage(model.dir);
  }
  return { model, training, ...(cappedAt ? { endedAtEpochCap: cappedAt } : {}), test: testReport, counts: input.counts, trainMs, embedMs: input.embedMs, cachedShare: input.cachedShare };
}

/** Folds of the cross-validation behind the 'cv' and 'platt' thresholds. */
export const THRESHOLD_CV_FOLDS = 5;

/** A trained scorer's image scores on several bag sets, one after the other, with their truth (the evidence of TRAINING_CASE_MODES). */
export function scoredOn(scorer: SyncPatchScorer, parts: readonly BagDataset[], pooling: Pooling): MultiLabelData {
  const K = parts[0]!.labels.length;
  const truth = Uint8Array.from(parts.flatMap((data) => Array.from(data.bagLabels)));
  const scores = Float64Array.from(parts.flatMap((data) => Array.from(scoreBags(scorer, data, pooling))));
  return { truth, scores, imageCount: truth.length / K, labelCount: K };
}

/**
 * Out-of-fold image scores of the head recipe: the training and early-stopping bags are dealt into
 * `folds` folds by a seeded hash of `key(bagId)`, and each fold is scored by a head fitted exactly
 * as the real one (fitHead: warm start, early stopping on the other folds' early-stopping bags) on
 * the other folds only. Every signed case thus gives one honest score per label, so thresholds can
 * be chosen on all of them instead of the few early-stopping cases ('cv', 'platt'). Costs `folds`
 * more fits.
 */
export function outOfFoldScores(
  train: BagDataset,
  val: BagDataset | null,
  trainer: TrainerOptions,
  options: { initial?: { weights: Float32Array; bias: Float32Array }; folds?: number; key?: (bagId: string) => string; isCancelled?: () => boolean } = {},
): MultiLabelData {
  const folds = options.folds ?? THRESHOLD_CV_FOLDS;
  const key = options.key ?? ((id: string) => id);
  const K = train.labels.length;
  const foldOf = (id: string): number => Math.floor((createHash('sha256').update(`${trainer.seed}:cv:${key(id)}`).digest().readUInt32BE(0) / 2 ** 32) * folds);
  const parts = [train, ...(val ? [val] : [])].map((data) => ({ data, fold: data.bagIds.map(foldOf) }));
  const where = (fold: number[], test: (f: number) => boolean): number[] => fold.flatMap((f, i) => (test(f) ? [i] : []));
  const truth: number[] = [];
  const scores: number[] = [];
  for (let f = 0; f < folds; f++) {
    const fitIdx = where(parts[0]!.fold, (g) => g !== f);
    const stopIdx = parts[1] ? where(parts[1].fold, (g) => g !== f) : [];
    if (fitIdx.length === 0) continue;
    const { head, stats, training } = fitHead(subsetBags(train, fitIdx), stopIdx.length ? subsetBags(val!, stopIdx) : null, trainer, { isCancelled: options.isCancelled }, options.initial);
    const folded = head.folded(stats.mean, stats.std);
    const scorer = headScorer(folded.weights, folded.bias, train.inputLength, K);
    for (const { data, fold } of parts) {
      const held = where(fold, (g) => g === f);
      if (held.length === 0) continue;
      const part = subsetBags(data, held);
      truth.push(...part.bagLabels);
      scores.push(...scoreBags(scorer, part, training.pooling));
    }
  }
  return { truth: Uint8Array.from(truth), scores: Float64Array.from(scores), imageCount: truth.length / K, labelCount: K };
}

/** Standardises features on the training bags, trains a fresh head; the stats are folded into it on export. */
export function fitHead(
  train: BagDataset,
  val: BagDataset | null,
  trainer: TrainerOptions,
  hooks: { onEpoch?: (info: EpochInfo) => void; isCancelled?: () => boolean } = {},
  initial?: { weights: Float32Array; bias: Float32Array },
): { head: LinearHead; stats: { mean: Float64Array; std: Float64Array }; training: TrainingResult } {
  const stats = featureStats(train);
  const head = new LinearHead(train.inputLength, train.labels.length, trainer.lr, trainer.seed);
  if (initial) warmStart(head, initial, stats);
  if (trainer.solver === 'lbfgs') return { head, stats, training: fitLbfgs(head, standardised(train, stats), val && patchCount(val) > 0 ? standardised(val, stats) : null, trainer, hooks, !!initial) };
  const training = trainScorer(head, standardised(train, stats), val && patchCount(val) > 0 ? standardised(val, stats) : null, trainer, hooks);
  return { head, stats, training };
}

/** The mean-logit head by L-BFGS (./mean-logit-lbfgs.ts); each C of the grid is reported as one step of progress. */
function fitLbfgs(head: LinearHead, train: BagDataset, val: BagDataset | null, trainer: TrainerOptions, hooks: { onEpoch?: (info: EpochInfo) => void; isCancelled?: () => boolean }, warm: boolean): TrainingResult {
  if (trainer.method !== 'mean-logit') throw new DomainError('bad-request', `solver 'lbfgs' fits the mean-logit head only, not '${trainer.method}'`);
  const t0 = performance.now();
  const epochs: EpochInfo[] = [];
  let bestScore = -Infinity;
  const fit = fitMeanLogitLbfgs(head, train, () => {
    if (!val) return null;
    const report = evaluateScorer(head, val, 'mean-logit');
    return { value: overallScore(report), report };
  }, {
    keepStart: trainer.keepInitialIfBest && warm,
    isCancelled: hooks.isCancelled,
    onFit: (step) => {
      const best = step.validationScore > bestScore;
      if (best) bestScore = step.validationScore;
      const info: EpochInfo = { epoch: epochs.length + 1, loss: step.objective, seen: bagCount(train), validationScore: Number.isNaN(step.validationScore) ? null : step.validationScore, validationLoss: null, best, meanMultiLabelConfidence: null, elapsedMs: performance.now() - t0, patchesPerSecond: 0 };
      epochs.push(info);
      hooks.onEpoch?.(info);
    },
  });
  const chosen = fit.c === null ? 0 : LBFGS_C_GRID.indexOf(fit.c) + 1;
  return { epochs, bestEpoch: chosen, validation: fit.validation, pooling: 'mean-logit', lbfgs: { c: fit.c, tried: fit.tried } };
}

/** Starts from an existing head (given for raw embeddings) in the standardised space: W·std, b + W·mean. */
function warmStart(head: LinearHead, initial: { weights: Float32Array; bias: Float32Array }, stats: { mean: Float64Array; std: Float64Array }): void {
  const D = head.inputLength;
  if (initial.weights.length !== head.weights.length || initial.bias.length !== head.bias.length) {
    throw new DomainError('model-invalid', `warm start: head has ${initial.weights.length}+${initial.bias.length} values, expected ${head.weights.length}+${head.bias.length}`);
  }
  for (let k = 0; k < head.labelCount; k++) {
    let b = initial.bias[k]!;
    for (let d = 0; d < D; d++) {
      head.weights[k * D + d] = initial.weights[k * D + d]! * stats.std[d]!;
      b += initial.weights[k * D + d]! * stats.mean[d]!;
    }
    head.bias[k] = b;
  }
}

export function summary(r: EvaluationReport): Record<string, number> {
  return { f1_micro: r.f1_micro, f1_macro: r.f1_macro, subset_accuracy: r.subset_accuracy, map: r.map, hamming_loss: r.hamming_loss, one_error: r.one_error, ranking_loss: r.ranking_loss, coverage: r.coverage, average_precision: r.average_precision };
}

/**
 * Evaluates a package on one split of a dataset CSV through the cached embeddings. Each field is
 * cut at the pixel size its file states, else `pixelSizeUm`, else the package's assumed size
 * (`onPixelSizes` hears how many took which, before any field is read).
 */
export async function evaluateModelOnCsv(options: { dataCsv: string; modelDir: string; split?: string | null; cacheDir?: string; providers?: ProviderName[]; pixelSizeUm?: number; onPixelSizes?: (sizes: DatasetPixelSizes) => void; onProgress?: (p: Progress) => void }): Promise<EvaluationReport> {
  const rows: DatasetRow[] = await readDatasetCsv(resolve(options.dataCsv));
  const chosen = options.split ? rows.filter((r) => r.split === options.split) : rows;
  if (chosen.length === 0) throw new DomainError('bad-request', `${options.dataCsv}: no rows with split '${options.split}'`);
  const model = await loadModelPackage(options.modelDir);
  const pixels = await datasetPixelSizes(chosen.map((r) => r.absolutePath), options.pixelSizeUm, patchOptionsOf(model.manifest).defaultPixelSizeUm);
  options.onPixelSizes?.(pixels.sizes);
  const engine = await createEngine(model, { providers: options.providers, warn: () => {} });
  try {
    const sized = chosen.map((r) => ({ ...r, pixelSizeUm: pixels.of.get(r.absolutePath)! }));
    const { data } = await embedRows(model, engine, sized, { cacheDir: options.cacheDir ?? defaultCacheDir(options.dataCsv), onProgress: options.onProgress });
    return await evaluatePackageOn(model, data);
  } finally {
    await engine.close();
  }
}
