/**
 * The training loop. Methods: `spl` (self-paced MIML, docs/method.md §components), `plain` (patch classifier on
 * inherited labels: no sampler, no pseudo-labels, no confidences), `max` / `mean` (image-level
 * MIL heads: pool the patch probabilities, BCE against the image labels). Components of `spl` can
 * be switched off one by one for the ablation. Every epoch: draw/shuffle, update the scorer (and
 * α), regroup and reset the optimisers (spl), then score the validation images; early stopping
 * keeps the best epoch by the mean of F1 micro, F1 macro, subset accuracy and mAP (the paper's
 * "overall"). All randomness comes from one seeded stream (or one per epoch, for resumable
 * runs): same seed, same weights.
 *
 * One loop serves every scorer: it is a generator that yields only where the scorer answered with
 * a promise, driven synchronously for the linear head (trainScorer) and asynchronously for the
 * whole network on ONNX Runtime (trainScorerAsync, via network/network-trainer.ts).
 */
import { poolValues, type Pooling } from '../inference/aggregate';
import { DomainError } from '../errors';
import { Random } from '../random';
import { bagCount, gatherInputs, inheritedPatchLabels, patchCount, type BagDataset } from './dataset';
import { evaluate, onLabels, type EvaluationReport } from './metrics/metrics';
import { tuneThresholds } from './metrics/thresholds';
import { bceWithLogits } from './logistic';
import { hasBagSteps, hasGradients, type BagStepScorer, type GradientScorer, type MaybePromise, type PatchScorer, type SyncPatchScorer } from './scorer';
import {
  dispatch,
  drawWithReplacement,
  groupCoefficients,
  initialConfidence,
  labelMask,
  samplingWeights,
  shuffled,
  type ConfidenceInit,
} from './self-paced';
import { Adam } from './adam';
import { milBagLoss } from './mil-loss';

export { milBagLoss } from './mil-loss';

export type TrainingMethod = 'spl' | 'plain' | 'max' | 'mean' | 'mean-logit';

export interface TrainerOptions {
  method: TrainingMethod;
  seed: number;
  maxEpochs: number;
  /** Epochs without a new best validation score before stopping (paper: 4). */
  patience: number;
  batchSize: number;
  /** Images per step for the MIL heads. */
  bagsPerBatch: number;
  lr: number;
  lrAlpha: number;
  init: ConfidenceInit;
  sampler: boolean;
  pseudoLabels: boolean;
  coefficients: boolean;
  softTargets: boolean;
  /** C of λ = log(n)/log(C); null takes it from the data (the reference code's regrouping). */
  coefficientC: number | null;
  /** Score the starting weights too and keep them if no epoch beats them (warm-started fine-tuning). */
  keepInitialIfBest: boolean;
  /** Patches drawn per epoch (spl/plain): at most this many, a fresh draw each epoch; null = as many as the training set holds (the paper's N_train). */
  patchesPerEpoch: number | null;
  /**
   * One seeded random stream per epoch (seed, epoch) instead of one stream for the whole run, so
   * a run resumed from the checkpoint of epoch e continues exactly as the uninterrupted one.
   */
  streamPerEpoch: boolean;
  /**
   * 'adam': the minibatch loop above (every method). 'lbfgs': the mean-logit head only, fitted to
   * convergence per label with the L2 strength chosen on validation (./mean-logit-lbfgs.ts).
   */
  solver: 'adam' | 'lbfgs';
  /**
   * How the kept epoch is chosen. 'overall': the mean of micro-F1, macro-F1, subset accuracy and
   * mAP at thresholds of 0.5, the validation pooled as the method trains (max for spl and plain).
   * 'as-read': macro-F1 with the validation pooled by `readPooling` at per-label thresholds tuned
   * on it, the figure the written package will have. On 1,200 validation fields a 192 px network
   * trained with 'plain' kept epoch 6 by 'overall' although its epoch 24 read 0.829 against 0.761
   * as the package reads (docs/results.md); with a few dozen fields tuned thresholds swing.
   * 'map-as-read': mAP with the validation pooled by `readPooling`, no thresholds at all: network
   * fine-tuning's, which sets thresholds afterwards and chooses its blend and rate on this mAP.
   */
  epochSelection: EpochSelection;
  /** The pooling the written package reads with, for 'as-read' and 'map-as-read' (null: the method's own). */
  readPooling: Pooling | null;
  /**
   * Labels the loss ignores (spl and plain): their outputs learn nothing from these cases. For a
   * label too few training cases hold, whose lesson would be mostly "never" (fine-tuning on a
   * lab's cases with none or a handful of a rare pattern: `labelsTooRareToTrain`).
   */
  untrainedLabels: readonly number[];
}

/** The ways of choosing the kept epoch (TrainerOptions.epochSelection). */
export const EPOCH_SELECTIONS = ['overall', 'as-read', 'map-as-read'] as const;
export type EpochSelection = (typeof EPOCH_SELECTIONS)[number];

/** The score each epoch selection keeps the best of, in words (epoch logs, model cards). */
export const EPOCH_SCORE_NAMES: Record<EpochSelection, string> = { overall: 'overall', 'as-read': 'macro-F1 as read', 'map-as-read': 'mAP as read' };

/**
 * Whether training ended at its epoch cap while early stopping would have gone on: the last
 * better score on the early-stopping cases came fewer than `patience` epochs before the cap.
 * Such a run may still have been improving; more epochs can say (a lab fine-tuning a model far
 * from its microscope is the case: docs/results.md, rule 17).
 */
export function endedAtEpochCap(result: { epochs: readonly unknown[]; bestEpoch: number }, opts: Pick<TrainerOptions, 'maxEpochs' | 'patience'>): boolean {
  return result.epochs.length >= opts.maxEpochs && result.epochs.length - result.bestEpoch < opts.patience;
}

/** A training that ended at its epoch cap before early stopping would have (`endedAtEpochCap`), in words (cards, `ana finetune`, `ana train`). */
export function epochCapWords(cap: number, bestEpoch: number): string {
  return `Training ended at its cap of ${cap} epoch${cap === 1 ? '' : 's'}, the best ${bestEpoch ? `at epoch ${bestEpoch}` : 'the starting weights'}, before early stopping would have: more epochs (--epochs) may rank the lab's cases better`;
}

export const defaultTrainerOptions: TrainerOptions = {
  method: 'spl',
  seed: 1,
  maxEpochs: 30,
  patience: 4,
  batchSize: 32,
  bagsPerBatch: 4,
  lr: 1e-3,
  lrAlpha: 1e-3,
  init: 'iw-sample',
  sampler: true,
  pseudoLabels: true,
  coefficients: true,
  softTargets: false,
  coefficientC: null,
  keepInitialIfBest: false,
  patchesPerEpoch: null,
  streamPerEpoch: false,
  solver: 'adam',
  epochSelection: 'overall',
  readPooling: null,
  untrainedLabels: [],
};

export interface EpochInfo {
  epoch: number;
  /** Mean training loss per patch (spl/plain) or image (MIL) seen this epoch. */
  loss: number;
  /** Patches (spl/plain) or images (MIL) used this epoch. */
  seen: number;
  validationScore: number | null;
  /** Mean image-level BCE of the pooled validation probabilities. */
  validationLoss: number | null;
  best: boolean;
  /** Mean ReLU(α) over positive labels of multi-label patches (spl): how far confidence has fallen. */
  meanMultiLabelConfidence: number | null;
  elapsedMs: number;
  /** Patches (or images) per second of the training part of the epoch (without validation). */
  patchesPerSecond: number;
}

export interface TrainingProgress {
  epoch: number;
  batch: number;
  batchesInEpoch: number;
  /** Mean weighted loss per patch (per image for the MIL methods) so far this epoch. */
  loss: number;
  patchesPerSecond: number;
}

export interface TrainingResult {
  epochs: EpochInfo[];
  bestEpoch: number;
  validation: EvaluationReport | null;
  pooling: Pooling;
  /** Set when the head was fitted by L-BFGS instead of epochs: the C grid tried and the one kept. */
  lbfgs?: { c: number | null; tried: { c: number; validationScore: number; iterations: number; objective: number }[] };
}

/** Where the loop stands after an epoch: what a checkpoint must hold to resume it exactly. */
export interface LoopState {
  epoch: number;
  epochs: EpochInfo[];
  bestEpoch: number;
  bestScore: number;
  epochsSinceBest: number;
  /** The scorer's snapshot() at the best epoch. */
  bestState: unknown;
  /** Confidences α and stored pseudo-labels [patches × K] (spl). */
  alpha: Float64Array;
  stored: Float64Array;
}

export interface TrainHooks {
  onEpoch?: (info: EpochInfo) => void;
  onProgress?: (p: TrainingProgress) => void;
  /** Polled before every epoch and batch; true stops the work with a 'training cancelled …' error. */
  isCancelled?: () => boolean;
  /** Alters a gathered batch in place before its targets are drawn (data augmentation). */
  augment?: (inputs: Float32Array, count: number, rng: Random) => void;
  /** Appended to the cancellation message (e.g. which checkpoint is kept). */
  cancelNote?: (epoch: number) => string;
  /** Continue from this state (the scorer must already hold the parameters of `state.epoch`). */
  resume?: LoopState;
  /** After every epoch, before onEpoch (e.g. write a checkpoint); may be asynchronous. */
  afterEpoch?: (state: LoopState) => void | Promise<void>;
}

/**
 * The loop is written once as a generator that yields only where a scorer (or hook) returned a
 * promise: driven synchronously for the head, asynchronously for the whole network.
 */
type Co<T> = Generator<Promise<unknown>, T, unknown>;

function* wait<T>(value: MaybePromise<T>): Co<T> {
  if (value instanceof Promise) return (yield value) as T;
  return value;
}

function runSync<T>(co: Co<T>): T {
  const r = co.next();
  if (!r.done) {
    co.return(undefined as T);
    throw new DomainError('internal', 'the scorer returned a promise; train it with trainScorerAsync');
  }
  return r.value;
}

async function runAsync<T>(co: Co<T>): Promise<T> {
  let r = co.next();
  while (!r.done) {
    let value: unknown;
    try {
      value = await r.value;
    } catch (error) {
      r = co.throw(error);
      continue;
    }
    r = co.next(value);
  }
  return r.value;
}

interface EpochRunner {
  run(rng: Random, epoch: number): Co<{ loss: number; seen: number }>;
  afterEpoch(): void;
  confidence(): number | null;
  state(): { alpha: Float64Array; stored: Float64Array };
}

function* scorePatchesCo(scorer: PatchScorer, data: BagDataset, batchSize: number): Co<Float64Array> {
  const K = data.labels.length;
  const N = patchCount(data);
  const probs = new Float64Array(N * K);
  const idx = new Int32Array(batchSize);
  for (let start = 0; start < N; start += batchSize) {
    const count = Math.min(batchSize, N - start);
    for (let i = 0; i < count; i++) idx[i] = start + i;
    const p = yield* wait(scorer.score(gatherInputs(data, idx, count), count));
    for (let i = 0; i < count * K; i++) probs[start * K + i] = p[i]!;
  }
  return probs;
}

/** Per class each bag's pooled patch probabilities [patches × K] → [bags × K], as a reading aggregates them. */
export function poolBags(probs: ArrayLike<number>, data: BagDataset, pooling: Pooling): Float64Array {
  const K = data.labels.length;
  const B = bagCount(data);
  const out = new Float64Array(B * K);
  for (let b = 0; b < B; b++) {
    const lo = data.bagOffsets[b]!;
    const hi = data.bagOffsets[b + 1]!;
    for (let k = 0; k < K; k++) out[b * K + k] = poolValues(hi - lo, (i) => probs[(lo + i) * K + k]!, pooling);
  }
  return out;
}

/** The image-level pooling a method trains and reads with (the patch methods: max, docs/method.md §aggregation). */
export function poolingOf(method: TrainingMethod): Pooling {
  return method === 'mean' || method === 'mean-logit' ? method : 'max';
}

function* scoreBagsCo(scorer: PatchScorer, data: BagDataset, pooling: Pooling, batchSize: number): Co<Float64Array> {
  return poolBags(yield* scorePatchesCo(scorer, data, batchSize), data, pooling);
}

/** Image-level scores [bags × K]: per class the max (or mean) patch probability. */
export function scoreBags(scorer: SyncPatchScorer, data: BagDataset, pooling: Pooling, batchSize = 256): Float64Array {
  return runSync(scoreBagsCo(scorer, data, pooling, batchSize));
}

/** Per-patch probabilities [patches × K] and pooled image scores [bags × K]. */
export async function scorePatchesAsync(scorer: PatchScorer, data: BagDataset, pooling: Pooling = 'max', batchSize = 256): Promise<{ patch: Float64Array; image: Float64Array }> {
  const patch = await runAsync(scorePatchesCo(scorer, data, batchSize));
  return { patch, image: poolBags(patch, data, pooling) };
}

export function overallScore(r: EvaluationReport): number {
  return (r.f1_micro + r.f1_macro + r.subset_accuracy + r.map) / 4;
}

function reportOf(scores: Float64Array, data: BagDataset, threshold: number | ArrayLike<number>): EvaluationReport {
  return evaluate({ truth: data.bagLabels, scores, imageCount: bagCount(data), labelCount: data.labels.length }, data.labels, threshold);
}

export function evaluateScorer(scorer: SyncPatchScorer, data: BagDataset, pooling: Pooling, threshold: number | ArrayLike<number> = 0.5): EvaluationReport {
  return reportOf(scoreBags(scorer, data, pooling), data, threshold);
}

/** Mean image-level BCE of pooled probabilities against the image labels. */
export function imageLoss(image: Float64Array, truth: Uint8Array): number {
  let loss = 0;
  for (let i = 0; i < image.length; i++) {
    const p = Math.min(Math.max(image[i]!, 1e-7), 1 - 1e-7);
    loss += bceWithLogits(Math.log(p / (1 - p)), truth[i]!);
  }
  return loss / Math.max(1, image.length);
}

/** The validation report (thresholds 0.5), its loss, and the score that chooses the kept epoch. */
function* validateCo(scorer: PatchScorer, data: BagDataset, pooling: Pooling, opts: TrainerOptions): Co<{ report: EvaluationReport; loss: number; score: number }> {
  const patch = yield* scorePatchesCo(scorer, data, 256);
  const image = poolBags(patch, data, pooling);
  const report = reportOf(image, data, 0.5);
  return { report, loss: imageLoss(image, data.bagLabels), score: selectionScore(patch, image, data, opts) };
}

/**
 * The labels that choose what training keeps (the epoch here; fine-tuning's blend and rate): those
 * the loss trains, or every label where it trains none. A label left out has an output all the
 * same, drifting as the layers it shares move: letting it vote kept early epochs and cautious
 * blends that cost the trained labels 0.121 macro-F1 on a package far from the lab, 0.107 of it
 * recovered by this (docs/results.md, *Patterns the lab's cases never show*, rules 10–13).
 */
export function votingLabels(labelCount: number, untrained: readonly number[]): number[] {
  const trained = Array.from({ length: labelCount }, (_, k) => k).filter((k) => !untrained.includes(k));
  return trained.length ? trained : Array.from({ length: labelCount }, (_, k) => k);
}

/** The score that chooses the kept epoch, over the voting labels (`votingLabels`). */
function selectionScore(patch: Float64Array, image: Float64Array, data: BagDataset, opts: TrainerOptions): number {
  const B = bagCount(data);
  const voting = votingLabels(data.labels.length, opts.untrainedLabels);
  const on = (scores: Float64Array) => onLabels({ truth: data.bagLabels, scores, imageCount: B, labelCount: data.labels.length }, data.labels, voting);
  if (opts.epochSelection === 'overall') {
    const pooled = on(image);
    return overallScore(evaluate(pooled.data, pooled.labels, 0.5));
  }
  const read = on(poolBags(patch, data, opts.readPooling ?? poolingOf(opts.method)));
  if (opts.epochSelection === 'map-as-read') return evaluate(read.data, read.labels).map;
  return evaluate(read.data, read.labels, tuneThresholds(read.data.truth, read.data.scores, B, voting.length)).f1_macro;
}

/** Trains a synchronous scorer (the linear head) with the self-paced loop or a baseline. */
export function trainScorer(scorer: SyncPatchScorer, train: BagDataset, validation: BagDataset | null, options: Partial<TrainerOptions> = {}, hooks: TrainHooks = {}): TrainingResult {
  return runSync(trainCo(scorer, train, validation, options, hooks));
}

/** The same loop for a scorer that works asynchronously (the whole network on ONNX Runtime). */
export function trainScorerAsync(scorer: PatchScorer, train: BagDataset, validation: BagDataset | null, options: Partial<TrainerOptions> = {}, hooks: TrainHooks = {}): Promise<TrainingResult> {
  return runAsync(trainCo(scorer, train, validation, options, hooks));
}

function* trainCo(scorer: PatchScorer, train: BagDataset, validation: BagDataset | null, options: Partial<TrainerOptions>, hooks: TrainHooks): Co<TrainingResult> {
  const opts = { ...defaultTrainerOptions, ...options };
  if (scorer.inputLength !== train.inputLength || scorer.labelCount !== train.labels.length) {
    throw new DomainError('bad-request', `scorer takes ${scorer.inputLength} inputs → ${scorer.labelCount} labels, data has ${train.inputLength} → ${train.labels.length}`);
  }
  if (patchCount(train) === 0) throw new DomainError('bad-request', 'no training patches');
  const isMil = opts.method === 'max' || opts.method === 'mean' || opts.method === 'mean-logit';
  // A whole network has no logit gradients to hand out; it pools inside its own step, mean-logit only.
  const pooledInStep = opts.method === 'mean-logit' && !hasGradients(scorer) && hasBagSteps(scorer);
  if (isMil && !hasGradients(scorer) && !pooledInStep) {
    throw new DomainError('bad-request', `method '${opts.method}' needs a scorer with logit gradients (a head)${hasBagSteps(scorer) ? '; a whole network trains on images with mean-logit only' : '; this scorer trains on the self-paced loss only'}`);
  }
  if (isMil && opts.untrainedLabels.length) throw new DomainError('bad-request', `method '${opts.method}' trains every label; untrained labels are for spl and plain`);
  const runStream = new Random(opts.seed);
  const pooling = poolingOf(opts.method);
  const resume = hooks.resume;
  const runner = pooledInStep ? bagRunner(scorer as BagStepScorer, train, opts, hooks) : isMil ? milRunner(scorer as GradientScorer, train, opts) : patchRunner(scorer, train, opts, hooks, resume);
  const epochs: EpochInfo[] = resume ? [...resume.epochs] : [];
  let best = resume ? resume.bestScore : -Infinity;
  let bestEpoch = resume ? resume.bestEpoch : 0;
  let bestState: unknown = resume ? resume.bestState : null;
  let since = resume ? resume.epochsSinceBest : 0;
  if (!resume && opts.keepInitialIfBest && validation) {
    best = (yield* validateCo(scorer, validation, pooling, opts)).score;
    bestState = scorer.snapshot();
  }
  for (let epoch = (resume?.epoch ?? 0) + 1; epoch <= opts.maxEpochs && since < opts.patience; epoch++) {
    if (hooks.isCancelled?.()) throw cancelledError(epoch, hooks);
    const rng = opts.streamPerEpoch ? new Random((opts.seed * 1_000_003 + epoch * 7919) >>> 0) : runStream;
    const t0 = performance.now();
    const { loss, seen } = yield* runner.run(rng, epoch);
    const trainMs = performance.now() - t0;
    runner.afterEpoch();
    const checked = validation ? yield* validateCo(scorer, validation, pooling, opts) : null;
    const score = checked ? checked.score : null;
    const isBest = score === null || score > best + 1e-12;
    if (isBest) {
      best = score ?? best;
      bestEpoch = epoch;
      bestState = scorer.snapshot();
      since = 0;
    } else since++;
    const info: EpochInfo = {
      epoch,
      loss: loss / Math.max(1, seen),
      seen,
      validationScore: score,
      validationLoss: checked?.loss ?? null,
      best: isBest,
      meanMultiLabelConfidence: runner.confidence(),
      elapsedMs: performance.now() - t0,
      patchesPerSecond: seen / Math.max(trainMs / 1000, 1e-9),
    };
    epochs.push(info);
    if (hooks.afterEpoch) {
      const done = hooks.afterEpoch({ epoch, epochs, bestEpoch, bestScore: best, epochsSinceBest: since, bestState, ...runner.state() });
      if (done) yield* wait(done);
    }
    hooks.onEpoch?.(info);
    if (seen === 0) break;
  }
  if (bestState) scorer.restore(bestState);
  const final = validation ? yield* validateCo(scorer, validation, pooling, opts) : null;
  return { epochs, bestEpoch, validation: final?.report ?? null, pooling };
}

/** The error a cancelled run stops with (between batches or epochs), naming what is kept. */
function cancelledError(epoch: number, hooks: TrainHooks): DomainError {
  return new DomainError('conflict', `training cancelled in epoch ${epoch}${hooks.cancelNote ? `; ${hooks.cancelNote(epoch)}` : ''}`);
}

/** spl and plain: patch-level steps on (pseudo-)labels. */
function patchRunner(scorer: PatchScorer, data: BagDataset, opts: TrainerOptions, hooks: TrainHooks, resume: LoopState | undefined): EpochRunner {
  const K = data.labels.length;
  const N = patchCount(data);
  const y = inheritedPatchLabels(data);
  const isPlain = opts.method === 'plain';
  const useSampler = !isPlain && opts.sampler;
  const usePseudo = !isPlain && opts.pseudoLabels;
  const weighted = !isPlain;
  const classFrequency = new Float64Array(K);
  for (let b = 0; b < bagCount(data); b++) for (let k = 0; k < K; k++) classFrequency[k] = classFrequency[k]! + data.bagLabels[b * K + k]! / bagCount(data);
  const alpha = resume ? Float64Array.from(resume.alpha) : initialConfidence(y, K, opts.init, classFrequency);
  // Stored pseudo-labels drive the regrouping; before the first epoch they are the inherited labels.
  const stored = resume ? Float64Array.from(resume.stored) : Float64Array.from(y);
  if (alpha.length !== N * K || stored.length !== N * K) throw new DomainError('bad-request', `resume state holds ${alpha.length / K} patches, the training set ${N}`);
  let lambda = new Float64Array(N * K);
  let active = new Int32Array(0);
  let alphaOpt = new Adam(N * K, { lr: opts.lrAlpha });
  const multiLabelEntries: number[] = [];
  for (let n = 0; n < N; n++) {
    let c = 0;
    for (let k = 0; k < K; k++) c += y[n * K + k]!;
    if (c > 1) for (let k = 0; k < K; k++) if (y[n * K + k]) multiLabelEntries.push(n * K + k);
  }

  const regroup = (): void => {
    const masks = new Int32Array(N);
    for (let n = 0; n < N; n++) masks[n] = labelMask(stored, n * K, K);
    const perPatch = opts.coefficients ? groupCoefficients(masks, opts.coefficientC).lambda : new Float64Array(N).fill(1);
    lambda = new Float64Array(N * K);
    const act: number[] = [];
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < K; k++) {
        lambda[n * K + k] = perPatch[n]!;
        // Only positive labels ever receive an α gradient; entries with λ = 0 cannot move.
        if (y[n * K + k] && perPatch[n]! > 0) act.push(n * K + k);
      }
    }
    active = Int32Array.from(act);
    alphaOpt = new Adam(N * K, { lr: opts.lrAlpha });
  };
  if (weighted) regroup();

  const B = opts.batchSize;
  const leftOut = opts.untrainedLabels.length ? Uint8Array.from({ length: K }, (_, k) => (opts.untrainedLabels.includes(k) ? 1 : 0)) : undefined;
  const batchInputs = new Float32Array(B * data.inputLength);
  const targets = new Float64Array(B * K);
  const weights = new Float64Array(B * K);
  const gradAlpha = new Float64Array(N * K);

  return {
    *run(rng: Random, epoch: number) {
      const drawCount = Math.min(opts.patchesPerEpoch ?? N, N);
      const order = useSampler ? drawWithReplacement(samplingWeights(alpha, y, K), drawCount, rng) : shuffled(N, rng).subarray(0, Math.min(N, drawCount));
      const batches = Math.ceil(order.length / B);
      const t0 = performance.now();
      let loss = 0;
      for (let bi = 0; bi < batches; bi++) {
        if (bi > 0 && hooks.isCancelled?.()) throw cancelledError(epoch, hooks);
        const start = bi * B;
        const count = Math.min(B, order.length - start);
        const idx = order.subarray(start, start + count);
        gatherInputs(data, idx, count, batchInputs);
        hooks.augment?.(batchInputs, count, rng);
        for (let i = 0; i < count; i++) {
          const n = idx[i]!;
          if (usePseudo) dispatch(alpha, y, n, K, rng, opts.softTargets, targets, i * K);
          else for (let k = 0; k < K; k++) targets[i * K + k] = y[n * K + k]!;
          for (let k = 0; k < K; k++) {
            weights[i * K + k] = weighted ? Math.max(alpha[n * K + k]!, 0) : 1;
            stored[n * K + k] = targets[i * K + k]!;
          }
        }
        const outcome = yield* wait(scorer.trainBatch(batchInputs, count, targets, weights, leftOut));
        loss += outcome.loss;
        if (weighted && active.length) {
          // ∂L/∂α = ∂L/∂w·[α>0] (w = ReLU(α)); a patch drawn twice in a batch adds up.
          for (let i = 0; i < count; i++) {
            const n = idx[i]!;
            for (let k = 0; k < K; k++) if (weights[i * K + k]! > 0) gradAlpha[n * K + k] = gradAlpha[n * K + k]! + outcome.gradWeights[i * K + k]!;
          }
          alphaOpt.step(alpha, gradAlpha, lambda, active);
          for (let i = 0; i < count; i++) gradAlpha.fill(0, idx[i]! * K, idx[i]! * K + K);
        }
        const seenSoFar = start + count;
        hooks.onProgress?.({ epoch, batch: bi + 1, batchesInEpoch: batches, loss: loss / seenSoFar, patchesPerSecond: seenSoFar / Math.max((performance.now() - t0) / 1000, 1e-9) });
      }
      return { loss, seen: order.length };
    },
    afterEpoch() {
      if (!weighted) return;
      regroup();
      scorer.resetOptimizer();
    },
    confidence() {
      if (!weighted || multiLabelEntries.length === 0) return null;
      let s = 0;
      for (const i of multiLabelEntries) s += Math.max(alpha[i]!, 0);
      return s / multiLabelEntries.length;
    },
    state: () => ({ alpha, stored }),
  };
}

/**
 * mean-logit MIL on a scorer that pools inside its own step (the whole network): each step takes
 * whole images, as many consecutive ones of the epoch's shuffle as reach `batchSize` patches (at
 * least one), augmented patch by patch as the patch methods are.
 */
function bagRunner(scorer: BagStepScorer, data: BagDataset, opts: TrainerOptions, hooks: TrainHooks): EpochRunner {
  const K = data.labels.length;
  const bags = bagCount(data);
  const sizeOf = (b: number): number => data.bagOffsets[b + 1]! - data.bagOffsets[b]!;
  return {
    *run(rng: Random, epoch: number) {
      const order = shuffled(bags, rng);
      const batches: Int32Array[] = [];
      for (let start = 0; start < bags; ) {
        let end = start;
        let patches = 0;
        while (end < bags && (end === start || patches < opts.batchSize)) patches += sizeOf(order[end++]!);
        batches.push(order.subarray(start, end));
        start = end;
      }
      const t0 = performance.now();
      let loss = 0;
      let seenImages = 0;
      let seenPatches = 0;
      for (let bi = 0; bi < batches.length; bi++) {
        if (bi > 0 && hooks.isCancelled?.()) throw cancelledError(epoch, hooks);
        const batch = batches[bi]!;
        const idx: number[] = [];
        for (const b of batch) for (let n = data.bagOffsets[b]!; n < data.bagOffsets[b + 1]!; n++) idx.push(n);
        const count = idx.length;
        if (count === 0) continue;
        const inputs = gatherInputs(data, idx, count);
        hooks.augment?.(inputs, count, rng);
        const pool = new Float32Array(batch.length * count);
        const targets = new Float32Array(batch.length * K);
        let row = 0;
        batch.forEach((b, i) => {
          const size = sizeOf(b);
          pool.fill(1 / size, i * count + row, i * count + row + size);
          for (let k = 0; k < K; k++) targets[i * K + k] = data.bagLabels[b * K + k]!;
          row += size;
        });
        loss += yield* wait(scorer.trainBags(inputs, count, pool, batch.length, targets));
        seenImages += batch.length;
        seenPatches += count;
        hooks.onProgress?.({ epoch, batch: bi + 1, batchesInEpoch: batches.length, loss: loss / seenImages, patchesPerSecond: seenPatches / Math.max((performance.now() - t0) / 1000, 1e-9) });
      }
      return { loss, seen: bags };
    },
    afterEpoch() {},
    confidence: () => null,
    state: () => ({ alpha: new Float64Array(0), stored: new Float64Array(0) }),
  };
}

/** max / mean MIL: image-level BCE on pooled patch probabilities. */
function milRunner(scorer: GradientScorer, data: BagDataset, opts: TrainerOptions): EpochRunner {
  const K = data.labels.length;
  const bags = bagCount(data);
  const pooling = poolingOf(opts.method);
  return {
    *run(rng: Random) {
      const order = shuffled(bags, rng);
      let loss = 0;
      for (let start = 0; start < bags; start += opts.bagsPerBatch) {
        const batch = order.subarray(start, Math.min(bags, start + opts.bagsPerBatch));
        const patches: number[] = [];
        for (const b of batch) for (let n = data.bagOffsets[b]!; n < data.bagOffsets[b + 1]!; n++) patches.push(n);
        if (patches.length === 0) continue;
        const logits = scorer.forward(gatherInputs(data, patches, patches.length), patches.length);
        const grad = new Float64Array(logits.length);
        let row = 0;
        for (const b of batch) {
          const size = data.bagOffsets[b + 1]! - data.bagOffsets[b]!;
          loss += milBagLoss(logits, row, size, K, data.bagLabels, b * K, pooling, grad);
          row += size;
        }
        scorer.backward(grad);
        scorer.step();
      }
      return { loss, seen: bags };
    },
    afterEpoch() {},
    confidence: () => null,
    state: () => ({ alpha: new Float64Array(0), stored: new Float64Array(0) }),
  };
}

