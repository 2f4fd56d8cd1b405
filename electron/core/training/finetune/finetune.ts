/**
 * Local fine-tuning on the lab's signed cases. One run: (1) the active version (the shipped one
 * on a fresh record) is the base; (2) signed cases are split case-level into training and a
 * frozen validation set (signed-cases.ts); (3) every slide is embedded through the active
 * model's extractor (cached); (4) a candidate head is trained with the self-paced method, warm-
 * started from the active head and early-stopped on a seeded part of the training cases, so the
 * validation cases stay unseen; (5) candidate and active are evaluated on the validation cases
 * with their own heads, aggregation and thresholds; (6) the gate decides; a passed candidate is
 * promoted (the previous active retired), a refused one stays a candidate with the reasons
 * recorded. The run, its data set and metrics are recorded in training_runs; a failure or
 * cancellation marks the run and leaves the registry unchanged. Mode 'adapt' first learns the
 * extractor's codebooks again from every slide in the record (or a folder), without labels
 * (../adapt/adapt-extractor.ts), then fits a new head from scratch on the adapted embeddings; the
 * active version is still evaluated with its own extractor. For a whole-network active
 * version, modes 'last-blocks' and 'all' replace steps (3)–(5) by training the network itself on
 * the cases' pixels (finetune-network.ts); the split, the gate and the registry are the same.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DomainError, errorMessage } from '../../errors';
import type { Actor } from '../../db/audit.repo';
import type { WritableDb } from '../../db/connection';
import { setModelValidation, type ModelVersionRow } from '../../db/model-version.repo';
import { insertTrainingRun, updateTrainingRun } from '../../db/training-run.repo';
import { withEngine } from '../../inference/engine';
import type { ProviderName } from '../../inference/providers';
import { attachPackageFile, headManifestOf, readHead, type ModelPackage } from '../../models/model-package';
import { listSlides } from '../../db/slide.repo';
import { fitFamiliarityReference, REFERENCE_FILE } from '../../quality/familiarity';
import { listSlideFiles } from '../../reading/batch-reader';
import { codebookLayoutOf, writeAdaptedExtractor } from '../adapt/adapt-extractor';
import type { CodebookRecipe } from '../adapt/learn-codebooks';
import type { NetworkAdaptation } from '../adapt/adapt-network';
import type { FieldRow } from '../network/patch-dataset';
import { ensureActiveModel, promoteModel, registerPackage } from '../../models/model-registry';
import { bagCount, type BagDataset } from '../dataset';
import type { NetworkTrainingOptions } from '../network/network-trainer';
import { checkedNetworkThresholds, checkedPatchesPerCase, FINETUNE_PATCHES_PER_CASE, trainNetworkCandidate, type FinetuneMode } from './finetune-network';
import { checkedBlend, DEFAULT_NETWORK_BLEND, type Blend } from './blend';
import { learningRateChoice, type LearningRateChoice } from './learning-rate';
import { closeInterruptedRuns, thisRunner } from './interrupted-runs';
import { removeLeftoverCandidates } from './leftover-candidates';
import { candidateDir, candidateVersion, fileGone, FIT_AND_VALIDATION, joinLeftOut, leaveOutSlides, mergeIntoCases, type Candidate, type LeftOutSlides } from './candidate';
import { embedRows, finishTraining, scorePackageOn, hashSplit, summary, type Progress } from '../heads/train-model';
import { bagMeans } from '../heads/mean-logit-lbfgs';
import { defaultTrainerOptions, type EpochInfo, type TrainerOptions } from '../trainer';
import { atProfilePixelSize, MIN_SIGNED_CASES, splitSignedCases, VALIDATION_SHARE } from './signed-cases';
import { listSignedCases, type SignedCase } from '../../review/signed-cases';
import { microscopeProfileOf } from '../../settings/microscope-profile-setting';
import type { ThresholdMode } from '../metrics/thresholds';
import { DEFAULT_GATE, validationGate, type GateResult, type GateTolerances } from './validation-gate';

export interface FinetuneOptions {
  db: WritableDb;
  /** The shipped package, registered and activated when the record has no active version yet. */
  fallbackModelDir: string;
  /** Where candidate packages are written (the data locations' models folder). */
  modelsDir: string;
  cacheDir: string;
  actor: Actor;
  trainer?: Partial<TrainerOptions>;
  /**
   * What is trained: 'head' a new head on the active extractor's embeddings; 'adapt' the
   * extractor's codebooks learned from the lab's slides, then a new head; for a whole-network
   * active version 'last-blocks' (its last `lastBlocks` convolution blocks and the head), 'all'
   * (every layer) or 'adapt' (self-supervised pre-training on the lab's slides, then every
   * layer). Default: chosen by measurement (`defaultFinetuneMode`).
   */
  mode?: FinetuneMode;
  /** Mode 'adapt': learn from the slide files under this folder instead of every slide in the record. */
  unlabelledDir?: string;
  /**
   * Mode 'adapt': fields sampled and seed; for an extractor's codebooks also windows per patch (K
   * stays the package's), for a whole network the self-supervised epochs.
   */
  adaptation?: Partial<Omit<CodebookRecipe, 'k'>> & NetworkAdaptation;
  /** Convolution blocks trained in 'last-blocks' mode. Default 1. */
  lastBlocks?: number;
  /** Whole-network modes: loop options (default: those the active network was trained with; its seed is `trainer.seed`). */
  network?: Partial<NetworkTrainingOptions>;
  gate?: Partial<GateTolerances>;
  /** Share of signed cases in the frozen validation set (by accession hash). Default VALIDATION_SHARE. */
  validationShare?: number;
  /** Fewer signed cases than this: refuse to train. Default MIN_SIGNED_CASES. */
  minCases?: number;
  /**
   * Candidate thresholds (metrics/thresholds.ts). Default for the head modes: chosen by
   * measurement (`defaultThresholdMode`); for the whole-network modes: 'prevalence' with enough
   * signed cases, else the active version's (`defaultNetworkThresholdMode`).
   */
  thresholds?: ThresholdMode;
  /** Whole-network modes: the candidate's weights are (1 − blend)·active + blend·fine-tuned, or 'auto' (chosen on the early-stopping cases). Default `DEFAULT_NETWORK_BLEND`. */
  blend?: Blend;
  /** Whole-network modes: 'auto' also trains at `FAST_FINETUNE_LR` and keeps the candidate the early-stopping cases rank better (`ratesToTry`, `bestRate`); 'given': `network.lr`, else the recorded rate, alone. Default: 'given' when `network.lr` is set, else `DEFAULT_LEARNING_RATE`. */
  learningRate?: LearningRateChoice;
  /** Promote a candidate that passes the gate (default true). */
  autoPromote?: boolean;
  providers?: ProviderName[];
  /** Whole-network modes: ONNX Runtime threads per training step on the CPU (default: every core, `defaultTrainingThreads`). */
  threads?: number;
  /** Whole-network modes: an epoch's patch budget per training case (`FINETUNE_PATCHES_PER_CASE`, its default); null: every patch every epoch. */
  patchesPerCase?: number | null;
  /** Whole-network `--lr auto`: false trains the two rates one after the other, not at once (the speed figure's baseline). */
  ratesAtOnce?: boolean;
  onProgress?: (p: Progress) => void;
  onEpoch?: (info: EpochInfo) => void;
  /** Polled between epochs and slides; true stops the work with a 'training cancelled' error. */
  isCancelled?: () => boolean;
  nowMs?: () => number;
}

export interface FinetuneResult {
  runId: number;
  base: ModelVersionRow;
  candidate: ModelVersionRow;
  gate: GateResult;
  promoted: boolean;
  mode: FinetuneMode;
  /** slidesAtProfileSize: slides read at the model's assumed pixel size, cut at the microscope profile's for training (`atProfilePixelSize`). */
  /** leftOut: signed slides whose files were gone or could not be decoded, left out (with the cases left without any). */
  counts: { trainCases: number; earlyStopCases: number; validationCases: number; leftOut: LeftOutSlides; slidesAtProfileSize: number };
  /** Epochs trained, the one kept (0: the starting weights) and, where training ended at its epoch cap while early stopping would have gone on, that cap. */
  training: { epochs: number; bestEpoch: number; endedAtEpochCap?: number };
  /** adapt: learning the codebooks (mode 'adapt'); embed: embeddings or patches; train: the head or network. */
  timingsMs: { adapt?: number; embed: number; train: number; total: number };
}

export async function runFinetune(options: FinetuneOptions): Promise<FinetuneResult> {
  const now = options.nowMs ?? Date.now;
  const started = performance.now();
  const tolerances = { ...DEFAULT_GATE, ...options.gate };
  const { db, actor } = options;
  closeInterruptedRuns(db, actor, now());
  removeLeftoverCandidates(db, options.modelsDir);
  const { row: base, pkg: active } = await ensureActiveModel(db, options.fallbackModelDir, actor, now());
  const profilePixelSizeUm = microscopeProfileOf(db)?.pixelSizeUm ?? null;
  const { cases, resized: slidesAtProfileSize } = atProfilePixelSize(listSignedCases(db), profilePixelSizeUm);
  const mode = options.mode ?? (await defaultFinetuneMode(active, cases.length));
  // 'adapt' on a whole network: self-supervised pre-training, then the network path (finetune-network.ts).
  const onHead = mode === 'head' || (mode === 'adapt' && active.manifest.kind !== 'network');
  const thresholds = options.thresholds ?? (onHead ? defaultThresholdMode(cases.length) : defaultNetworkThresholdMode(cases.length, mode));
  if (!onHead) checkedNetworkThresholds(mode, thresholds);
  if (onHead && options.blend !== undefined) throw new DomainError('bad-request', `blend mixes the weights of a whole network; fine-tuning mode '${mode}' trains a head`);
  if (onHead && options.learningRate === 'auto') throw new DomainError('bad-request', `the learning rate 'auto' chooses between two trainings of a whole network; fine-tuning mode '${mode}' trains a head`);
  if (onHead && options.patchesPerCase !== undefined) throw new DomainError('bad-request', `a patch budget per case bounds the epochs of a whole network; fine-tuning mode '${mode}' trains a head`);
  if (mode === 'thresholds' && (options.blend !== undefined || options.learningRate !== undefined || options.lastBlocks !== undefined)) {
    throw new DomainError('bad-request', "fine-tuning mode 'thresholds' trains nothing: a blend, a learning rate or blocks do not apply");
  }
  const blend = onHead || mode === 'thresholds' ? undefined : checkedBlend(options.blend ?? DEFAULT_NETWORK_BLEND);
  const patchesPerCase = checkedPatchesPerCase(options.patchesPerCase === undefined ? FINETUNE_PATCHES_PER_CASE : options.patchesPerCase);
  if (!onHead && mode === 'adapt' && options.adaptation?.windowsPerPatch !== undefined) throw new DomainError('bad-request', "windows per patch belong to an extractor's codebooks; a whole network adapts on whole patches");
  if (onHead && options.adaptation?.epochs !== undefined) throw new DomainError('bad-request', "self-supervised epochs adapt a whole network; an extractor's codebooks are learned in one pass");
  if (!onHead && active.manifest.kind !== 'network') {
    throw new DomainError('bad-request', `fine-tuning mode '${mode}' needs a whole-network active version; ${active.manifest.id} ${active.manifest.version} (${active.dir}) is a feature extractor with a head: use mode 'head' or 'adapt'`);
  }
  if (onHead && active.manifest.kind !== 'extractor-head') {
    throw new DomainError('bad-request', `fine-tuning mode '${mode}' needs a feature extractor with a head; ${active.manifest.id} ${active.manifest.version} (${active.dir}) is a whole network: use mode 'all', 'last-blocks' or 'adapt'`);
  }
  // The candidate is trained "from the active version": its head and, when recorded, its method options.
  const trainer: TrainerOptions = { ...defaultTrainerOptions, method: 'spl', ...inheritedOptions(active.manifest.provenance), keepInitialIfBest: true, ...options.trainer };
  const minCases = options.minCases ?? MIN_SIGNED_CASES;
  if (cases.length < minCases) throw new DomainError('bad-request', `fine-tuning needs at least ${minCases} signed cases; the record has ${cases.length}`);
  const { train: trainCases, validation } = splitSignedCases(cases, options.validationShare ?? VALIDATION_SHARE);
  if (validation.length === 0 || trainCases.length === 0) throw new DomainError('bad-request', `the ${cases.length} signed cases leave no ${validation.length === 0 ? 'validation' : 'training'} cases; sign more cases`);
  const { train: fitCases, heldOut: stopCases } = hashSplit(trainCases, (c) => c.accessionId, 0.15, trainer.seed);

  const run = insertTrainingRun(
    db,
    {
      baseModelVersionId: base.id,
      config: { runner: thisRunner(), mode, trainer, thresholds: thresholds ?? 'active', ...(slidesAtProfileSize ? { slidesAtProfileSize, profilePixelSizeUm } : {}), ...(onHead || mode === 'thresholds' ? {} : { network: options.network ?? {}, lastBlocks: options.lastBlocks ?? 1, blend, learningRate: learningRateChoice(options.learningRate, options.network), patchesPerCase }), ...(mode === 'adapt' ? { adaptation: { ...options.adaptation, from: options.unlabelledDir ?? 'record' } } : {}), tolerances, validationShare: options.validationShare ?? VALIDATION_SHARE },
      dataset: { trainCaseIds: fitCases.map((c) => c.caseId), earlyStopCaseIds: stopCases.map((c) => c.caseId), validationCaseIds: validation.map((c) => c.caseId), decisionIds: cases.map((c) => c.decisionId) },
      seed: trainer.seed,
      startedBy: actor.userId,
      createdAtMs: now(),
    },
    actor,
  );
  updateTrainingRun(db, run.id, { status: 'running', startedAtMs: now() }, actor, now());
  try {
    const version = candidateVersion(active.manifest.version, mode, run.id);
    const outDir = candidateDir(resolve(options.modelsDir), active.manifest.id, version);
    const split = { fitCases, stopCases, validation, cases: cases.length };
    const headOptions = { ...options, thresholds };
    const trained: Candidate =
      mode === 'head'
        ? await headCandidate(headOptions, active, trainer, split, run.id, base.id, version, outDir)
        : mode === 'adapt' && onHead
          ? await adaptedCandidate(headOptions, active, trainer, split, run.id, base.id, version, outDir)
          : await trainNetworkCandidate({
            active,
            mode,
            lastBlocks: options.lastBlocks,
            groups: { fit: fitCases, stop: stopCases, validation },
            ...(mode === 'adapt' ? { unlabelled: { fields: await labFields(options), adaptation: options.adaptation ?? {}, from: options.unlabelledDir ?? 'record' } } : {}),
            training: { seed: trainer.seed, ...options.network },
            thresholds,
            blend,
            learningRate: options.learningRate,
            outDir,
            version,
            provenance: { trainingRunId: run.id, baseModelVersionId: base.id },
            providers: options.providers,
            threads: options.threads,
            patchesPerCase,
            ratesAtOnce: options.ratesAtOnce,
            onProgress: options.onProgress,
            onEpoch: options.onEpoch,
            isCancelled: options.isCancelled,
          });
    const { activeScored, candidateScored } = trained;
    const [activeReport, candidateReport] = [activeScored.report, candidateScored.report];
    const gate = validationGate(candidateScored, activeScored, tolerances);
    let candidate = await registerPackage(db, trained.model, { source: 'fine-tuned', parentId: base.id, trainingRunId: run.id }, actor, now());
    candidate = setModelValidation(db, candidate.id, gate.passed ? 'validated' : 'rejected', { gate, mode, candidate: summary(candidateReport), active: summary(activeReport) }, actor, now());
    const promoted = gate.passed && (options.autoPromote ?? true);
    if (promoted) candidate = promoteModel(db, candidate.id, actor, { nowMs: now() });
    const timingsMs = { ...(trained.adaptMs === undefined ? {} : { adapt: trained.adaptMs }), embed: trained.prepareMs, train: trained.trainMs, total: performance.now() - started };
    updateTrainingRun(
      db,
      run.id,
      { status: 'succeeded', finishedAtMs: now(), resultModelVersionId: candidate.id, metrics: { mode, gate, candidate: summary(candidateReport), active: summary(activeReport), epochs: trained.epochs, bestEpoch: trained.bestEpoch, ...(trained.endedAtEpochCap ? { endedAtEpochCap: trained.endedAtEpochCap } : {}), casesUsed: { train: trained.counts.fit, earlyStop: trained.counts.stop, validation: trained.counts.validation }, ...(trained.counts.leftOut.slides.length ? { leftOutSlides: trained.counts.leftOut } : {}), timingsMs } },
      actor,
      now(),
    );
    return {
      runId: run.id,
      base,
      candidate,
      gate,
      promoted,
      mode,
      training: { epochs: trained.epochs, bestEpoch: trained.bestEpoch, ...(trained.endedAtEpochCap ? { endedAtEpochCap: trained.endedAtEpochCap } : {}) },
      counts: { trainCases: trained.counts.fit, earlyStopCases: trained.counts.stop, validationCases: trained.counts.validation, leftOut: trained.counts.leftOut, slidesAtProfileSize },
      timingsMs,
    };
  } catch (error) {
    const cancelled = options.isCancelled?.() ?? false;
    updateTrainingRun(db, run.id, { status: cancelled ? 'cancelled' : 'failed', error: errorMessage(error), finishedAtMs: now() }, actor, now());
    removeLeftoverCandidates(db, options.modelsDir);
    throw error;
  }
}

type CaseSplit = { fitCases: SignedCase[]; stopCases: SignedCase[]; validation: SignedCase[]; cases: number };

/**
 * Head-only mode: a new head on the active extractor's (cached) embeddings, warm-started from the
 * active head. With `adapted` (mode 'adapt'), the head is fitted from scratch on that extractor's
 * embeddings instead, while the active version is still evaluated on its own.
 */
async function headCandidate(
  options: FinetuneOptions,
  active: ModelPackage,
  trainer: TrainerOptions,
  split: CaseSplit,
  runId: number,
  baseId: number,
  version: string,
  outDir: string,
  adapted?: { model: ModelPackage; provenance: Record<string, unknown> },
): Promise<Candidate> {
  const t0 = performance.now();
  const extractor = adapted?.model ?? active;
  const embedded = await withEngine(extractor, { providers: options.providers, warn: () => {} }, (engine) => embedCases(extractor, engine, [split.fitCases, split.stopCases, split.validation], options, FIT_AND_VALIDATION));
  const [fit, stop, validation] = embedded.groups as [BagDataset, BagDataset, BagDataset];
  const bags = { fit, stop, validation, leftOut: embedded.leftOut };
  const activeValidation = adapted ? (await withEngine(active, { providers: options.providers, warn: () => {} }, (engine) => embedCases(active, engine, [split.validation], options))).groups[0]! : validation;
  const embedMs = performance.now() - t0;
  const current = adapted ? null : await readHead(active);
  const trained = await finishTraining({
    base: extractor,
    train: bags.fit,
    val: bags.stop,
    test: bags.validation,
    trainer: adapted ? { ...trainer, keepInitialIfBest: false } : trainer,
    embedMs,
    cachedShare: 0,
    csv: `record: ${split.cases} signed cases`,
    counts: { train: bags.fit.bagIds.length, val: bags.stop.bagIds.length, test: bags.validation.bagIds.length },
    options: { outDir, version, thresholds: options.thresholds, onProgress: options.onProgress, onEpoch: options.onEpoch, isCancelled: options.isCancelled },
    initialHead: current ? { weights: current.weights.data, bias: current.bias.data } : undefined,
    dataDescription: adapted
      ? "The laboratory's own signed cases (final labels of the latest signed decision), on the active version's extractor with its codebooks learned again from the lab's read fields"
      : "The laboratory's own signed cases (final labels of the latest signed decision), fine-tuned from the active version",
    extraProvenance: { trainingRunId: runId, baseModelVersionId: baseId, mode: adapted ? 'adapt' : 'head', ...(adapted ? { trainedFrom: `${active.manifest.id}@${active.manifest.version}`, adaptation: adapted.provenance } : {}) },
  });
  const model = adapted ? await attachLabReference(trained.model, [bags.fit, bags.stop]) : trained.model;
  options.onProgress?.({ phase: 'evaluate', done: 0, total: 2 });
  const activeScored = await scorePackageOn(active, activeValidation);
  const candidateScored = await scorePackageOn(model, bags.validation);
  options.onProgress?.({ phase: 'evaluate', done: 2, total: 2 });
  return {
    model,
    activeScored,
    candidateScored,
    counts: { fit: bags.fit.bagIds.length, stop: bags.stop.bagIds.length, validation: bags.validation.bagIds.length, leftOut: bags.leftOut },
    prepareMs: embedMs,
    trainMs: trained.trainMs,
    epochs: trained.training.epochs.length,
    bestEpoch: trained.training.bestEpoch,
    ...(trained.endedAtEpochCap ? { endedAtEpochCap: trained.endedAtEpochCap } : {}),
  };
}

/** Mode 'adapt': the extractor's codebooks learned from the lab's fields (no labels), then a new head on the signed cases. */
async function adaptedCandidate(options: FinetuneOptions, active: ModelPackage, trainer: TrainerOptions, split: CaseSplit, runId: number, baseId: number, version: string, outDir: string): Promise<Candidate> {
  const readable = (await labFields(options)).map((f) => f.absolutePath);
  // An intermediate package (old head): only the base the candidate is derived from; the embedding cache is keyed by the extractor's hash, not this folder.
  const extractorDir = join(resolve(options.cacheDir), `adapted-extractor-run${runId}`);
  try {
    const adapted = await writeAdaptedExtractor(active, readable, extractorDir, { recipe: options.adaptation, onProgress: options.onProgress, isCancelled: options.isCancelled });
    const provenance = { extractorVersion: headManifestOf(adapted.model).extractor?.version, codebooks: adapted.recipe, fields: readable.length, from: options.unlabelledDir ?? 'record', learnMs: Math.round(adapted.learnMs) };
    const candidate = await headCandidate(options, active, trainer, split, runId, baseId, version, outDir, { model: adapted.model, provenance });
    return { ...candidate, adaptMs: adapted.learnMs };
  } finally {
    await rm(extractorDir, { recursive: true, force: true });
  }
}

/**
 * The fields mode 'adapt' learns from, without labels: every slide file under `unlabelledDir`, or
 * every slide in the record whose file still exists, at the size its labelled cases are cut at
 * (`atProfilePixelSize`).
 */
async function labFields(options: Pick<FinetuneOptions, 'db' | 'unlabelledDir'>): Promise<FieldRow[]> {
  const fields: FieldRow[] = options.unlabelledDir
    ? (await listSlideFiles([options.unlabelledDir])).map((path) => ({ absolutePath: path, labels: [] }))
    : [...new Map(recordedSlides(options.db).map((s) => [s.path, { absolutePath: s.path, labels: [], pixelSizeUm: s.pixelSizeUm }])).values()];
  const readable = fields.filter((f) => existsSync(f.absolutePath));
  if (readable.length === 0) throw new DomainError('bad-request', `no slide files to adapt to: ${options.unlabelledDir ? `${options.unlabelledDir} has none` : 'the record lists none that still exist'}`);
  return readable;
}

/** Every slide in the record, at the size fine-tuning cuts it at (`atProfilePixelSize`). */
function recordedSlides(db: FinetuneOptions['db']): { path: string; pixelSizeUm: number | null }[] {
  return atProfilePixelSize([{ slides: listSlides(db) }], microscopeProfileOf(db)?.pixelSizeUm ?? null).cases[0]!.slides;
}

/** The adapted extractor's familiarity reference: the lab's own training cases are, by definition, familiar. */
async function attachLabReference(model: ModelPackage, groups: BagDataset[]): Promise<ModelPackage> {
  const means: Float32Array[] = [];
  for (const data of groups) {
    const D = data.inputLength;
    const all = bagMeans(data);
    for (let b = 0; b < bagCount(data); b++) if (data.bagOffsets[b + 1]! > data.bagOffsets[b]!) means.push(Float32Array.from(all.subarray(b * D, (b + 1) * D)));
  }
  if (means.length < 2) return model;
  const reference = fitFamiliarityReference(means, 0.99, headManifestOf(model).extractor?.sha256 ?? null, { data: "the lab's signed training cases (mean embedding per case)", fields: means.length });
  return attachPackageFile(model, REFERENCE_FILE, 'reference', new TextEncoder().encode(JSON.stringify(reference) + '\n'));
}

/**
 * From this many signed cases the default recipe is 'adapt': on the domain-shift benchmark's
 * held-out styles (docs/results.md, "Lab adaptation") adapted features + a new head beat the head
 * fine-tuned on the shipped features at +200 and +300 signed fields, and lost at +25 and +100.
 */
export const ADAPT_FROM_SIGNED_CASES = 200;

/**
 * From this many signed cases, the head modes' thresholds are chosen on out-of-fold scores of all
 * training cases ('cv'); below it, best F1 on the early-stopping cases shrunk towards 0.5
 * ('shrunk'). Measured on the shift benchmark's held-out styles (docs/results.md, "Lab
 * adaptation", thresholds): at +200/+300 'cv' beat 0.5 in 6 of 8 style × recipe cells and was at
 * or above 'shrunk' in 7 (held-out mean +0.047/+0.010 for the head, +0.023/−0.004 adapted, against
 * 0.5); at +25…+100 its held-out mean lost up to 0.035 and it over-called negatives, where the
 * mean with 'shrunk' stayed within 0.004 below 0.5 or above it. Platt scaling lost on every mean.
 */
export const CV_THRESHOLDS_FROM_SIGNED_CASES = 200;

/** The measured default thresholds of the head modes for a record with `signedCases` signed cases. */
export function defaultThresholdMode(signedCases: number): ThresholdMode {
  return signedCases >= CV_THRESHOLDS_FROM_SIGNED_CASES ? 'cv' : 'shrunk';
}

/**
 * From this many signed cases, the whole-network modes' thresholds are matched to each label's
 * prevalence among the cases the candidate learnt from ('prevalence'); below it, the active
 * version's. Fine-tuning moves a network's scores (the ranking holds) so that the active version's
 * thresholds stop fitting, and a best-F1 threshold on the few early-stopping cases is no better
 * (docs/results.md, "Thresholds of a fine-tuned network").
 */
export const PREVALENCE_THRESHOLDS_FROM_SIGNED_CASES = 200;

/**
 * The measured default thresholds of the whole-network modes: undefined keeps the active version's.
 * Mode 'thresholds' trains nothing, so its scores on the cases are unseen ones at any count:
 * 'prevalence' (docs/results.md, *Mixed sera in separate cells*).
 */
export function defaultNetworkThresholdMode(signedCases: number, mode?: FinetuneMode): ThresholdMode | undefined {
  if (mode === 'thresholds') return 'prevalence';
  return signedCases >= PREVALENCE_THRESHOLDS_FROM_SIGNED_CASES ? 'prevalence' : undefined;
}

export { DEFAULT_NETWORK_BLEND } from './blend';
export { DEFAULT_LEARNING_RATE } from './learning-rate';

/**
 * The measured default: for a whole network, 'all' (on the shift benchmark's held-out styles all
 * layers beat the last block at +100 and +300: held-out mean macro-F1 0.557/0.582 vs 0.516/0.541;
 * 'head' cannot run on a network; 'adapt', self-supervised pre-training first, lost to 'all' on
 * the far package's held-out styles and tied on 0.7.0: docs/results.md, *Self-supervised
 * adaptation of the whole network*); for an extractor with a head, 'adapt' with enough signed
 * cases and an extractor that has codebooks, else 'head'.
 */
export async function defaultFinetuneMode(active: ModelPackage, signedCases: number): Promise<FinetuneMode> {
  if (active.manifest.kind === 'network') return 'all';
  if (active.manifest.kind !== 'extractor-head' || signedCases < ADAPT_FROM_SIGNED_CASES) return 'head';
  return codebookLayoutOf(active).then(() => 'adapt' as const, () => 'head' as const);
}

const INHERITED = ['method', 'lr', 'lrAlpha', 'init', 'sampler', 'pseudoLabels', 'coefficients', 'softTargets', 'coefficientC', 'batchSize', 'bagsPerBatch', 'patience', 'solver'] as const;

export function inheritedOptions(provenance: Record<string, unknown>): Partial<TrainerOptions> {
  const recorded = provenance.trainer as Partial<TrainerOptions> | undefined;
  if (!recorded || typeof recorded !== 'object') return {};
  return Object.fromEntries(INHERITED.filter((k) => recorded[k] !== undefined).map((k) => [k, recorded[k]])) as Partial<TrainerOptions>;
}

/**
 * Embeds each group of cases; a case is one bag of all its slides' patches. Slides whose files are
 * gone or do not decode are left out (leaveOutSlides); `required`: the groups that may not lose
 * every case to them (default all).
 */
async function embedCases(
  model: Parameters<typeof embedRows>[0],
  engine: Parameters<typeof embedRows>[1],
  groups: SignedCase[][],
  options: Pick<FinetuneOptions, 'cacheDir' | 'onProgress' | 'isCancelled'>,
  required?: readonly number[],
): Promise<{ groups: BagDataset[]; leftOut: LeftOutSlides }> {
  const found = leaveOutSlides(groups, fileGone, required);
  const rows = found.kept.flat().flatMap((c) => c.slides.map((s) => ({ absolutePath: s.path, labels: c.labels, pixelSizeUm: s.pixelSizeUm, id: c.accessionId })));
  const unreadable = new Map<string, string>();
  const { data } = await embedRows(model, engine, rows, { cacheDir: options.cacheDir, onProgress: options.onProgress, isCancelled: options.isCancelled, onUnreadable: (row, reason) => unreadable.set(row.absolutePath, reason) });
  const decoded = leaveOutSlides(found.kept, (path) => unreadable.get(path) ?? null, required);
  return { groups: mergeIntoCases(data, decoded.kept), leftOut: joinLeftOut(found.leftOut, decoded.leftOut) };
}
