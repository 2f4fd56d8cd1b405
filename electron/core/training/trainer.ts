/**
 * The training loop. Methods: `spl` (self-paced MIML, method.md), `plain` (patch classifier on
 * inherited labels: no sampler, no pseudo-labels, no confidences), `max` / `mean` (image-level
 * MIL heads: pool the patch probabilities, BCE against the image labels). Components of `spl` can
 * be switched off one by one for the ablation. Every epoch: draw/shuffle, update the scorer (and
 * α), regroup and reset the optimisers (spl), then score the validation images; early stopping
 * keeps the best epoch by the mean of F1 micro, F1 macro, subset accuracy and mAP (the paper's
 * "overall"). All randomness comes from one seeded stream: same seed, same weights.
 */
import { DomainError } from '../errors';
import { Random } from '../random';
import { bagCount, gatherInputs, inheritedPatchLabels, patchCount, type BagDataset } from './dataset';
import { evaluate, type EvaluationReport } from './metrics';
import { sigmoid, type PatchScorer } from './scorer';
import {
  dispatch,
  drawWithReplacement,
  groupCoefficients,
  initialConfidence,
  labelMask,
  samplingWeights,
  selfPacedLoss,
  shuffled,
  type ConfidenceInit,
} from './self-paced';
import { Adam } from './adam';

export type TrainingMethod = 'spl' | 'plain' | 'max' | 'mean';

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
};

export interface EpochInfo {
  epoch: number;
  loss: number;
  /** Patches (spl/plain) or images (MIL) used this epoch. */
  seen: number;
  validationScore: number | null;
  best: boolean;
  /** Mean ReLU(α) over positive labels of multi-label patches (spl): how far confidence has fallen. */
  meanMultiLabelConfidence: number | null;
  elapsedMs: number;
}

export interface TrainingResult {
  epochs: EpochInfo[];
  bestEpoch: number;
  validation: EvaluationReport | null;
  pooling: 'max' | 'mean';
}

export interface TrainHooks {
  onEpoch?: (info: EpochInfo) => void;
  /** Polled between epochs and slides; true stops the work with a 'training cancelled' error. */
  isCancelled?: () => boolean;
}

interface EpochRunner {
  run(): { loss: number; seen: number };
  afterEpoch(): void;
  confidence(): number | null;
}

/** Image-level scores [bags × K]: per class the max (or mean) patch probability. */
export function scoreBags(scorer: PatchScorer, data: BagDataset, pooling: 'max' | 'mean', batchSize = 256): Float64Array {
  const K = data.labels.length;
  const B = bagCount(data);
  const N = patchCount(data);
  const probs = new Float64Array(N * K);
  const idx = new Int32Array(batchSize);
  for (let start = 0; start < N; start += batchSize) {
    const count = Math.min(batchSize, N - start);
    for (let i = 0; i < count; i++) idx[i] = start + i;
    const logits = scorer.forward(gatherInputs(data, idx, count), count);
    for (let i = 0; i < count * K; i++) probs[start * K + i] = sigmoid(logits[i]!);
  }
  const out = new Float64Array(B * K);
  for (let b = 0; b < B; b++) {
    const lo = data.bagOffsets[b]!;
    const hi = data.bagOffsets[b + 1]!;
    for (let k = 0; k < K; k++) {
      let v = 0;
      for (let n = lo; n < hi; n++) v = pooling === 'max' ? Math.max(v, probs[n * K + k]!) : v + probs[n * K + k]!;
      out[b * K + k] = pooling === 'max' || hi === lo ? v : v / (hi - lo);
    }
  }
  return out;
}

export function overallScore(r: EvaluationReport): number {
  return (r.f1_micro + r.f1_macro + r.subset_accuracy + r.map) / 4;
}

export function evaluateScorer(scorer: PatchScorer, data: BagDataset, pooling: 'max' | 'mean', threshold: number | ArrayLike<number> = 0.5): EvaluationReport {
  const scores = scoreBags(scorer, data, pooling);
  return evaluate({ truth: data.bagLabels, scores, imageCount: bagCount(data), labelCount: data.labels.length }, data.labels, threshold);
}

export function trainScorer(scorer: PatchScorer, train: BagDataset, validation: BagDataset | null, options: Partial<TrainerOptions> = {}, hooks: TrainHooks = {}): TrainingResult {
  const opts = { ...defaultTrainerOptions, ...options };
  if (scorer.inputLength !== train.inputLength || scorer.labelCount !== train.labels.length) {
    throw new DomainError('bad-request', `scorer takes ${scorer.inputLength} inputs → ${scorer.labelCount} labels, data has ${train.inputLength} → ${train.labels.length}`);
  }
  if (patchCount(train) === 0) throw new DomainError('bad-request', 'no training patches');
  const rng = new Random(opts.seed);
  const pooling = opts.method === 'mean' ? 'mean' : 'max';
  const runner = opts.method === 'max' || opts.method === 'mean' ? milRunner(scorer, train, opts, rng) : patchRunner(scorer, train, opts, rng);
  const epochs: EpochInfo[] = [];
  let best = -Infinity;
  let bestEpoch = 0;
  let bestState: unknown = null;
  let since = 0;
  if (opts.keepInitialIfBest && validation) {
    best = overallScore(evaluateScorer(scorer, validation, pooling));
    bestState = scorer.snapshot();
  }
  for (let epoch = 1; epoch <= opts.maxEpochs; epoch++) {
    if (hooks.isCancelled?.()) throw new DomainError('conflict', 'training cancelled');
    const t0 = performance.now();
    const { loss, seen } = runner.run();
    runner.afterEpoch();
    const score = validation ? overallScore(evaluateScorer(scorer, validation, pooling)) : null;
    const isBest = score === null || score > best + 1e-12;
    if (isBest) {
      best = score ?? best;
      bestEpoch = epoch;
      bestState = scorer.snapshot();
      since = 0;
    } else since++;
    const info: EpochInfo = { epoch, loss, seen, validationScore: score, best: isBest, meanMultiLabelConfidence: runner.confidence(), elapsedMs: performance.now() - t0 };
    epochs.push(info);
    hooks.onEpoch?.(info);
    if (seen === 0 || since >= opts.patience) break;
  }
  if (bestState) scorer.restore(bestState);
  return { epochs, bestEpoch, validation: validation ? evaluateScorer(scorer, validation, pooling) : null, pooling };
}

/** spl and plain: patch-level steps on (pseudo-)labels. */
function patchRunner(scorer: PatchScorer, data: BagDataset, opts: TrainerOptions, rng: Random): EpochRunner {
  const K = data.labels.length;
  const N = patchCount(data);
  const y = inheritedPatchLabels(data);
  const isPlain = opts.method === 'plain';
  const useSampler = !isPlain && opts.sampler;
  const usePseudo = !isPlain && opts.pseudoLabels;
  const weighted = !isPlain;
  const classFrequency = new Float64Array(K);
  for (let b = 0; b < bagCount(data); b++) for (let k = 0; k < K; k++) classFrequency[k] = classFrequency[k]! + data.bagLabels[b * K + k]! / bagCount(data);
  const alpha = initialConfidence(y, K, opts.init, classFrequency);
  // Stored pseudo-labels drive the regrouping; before the first epoch they are the inherited labels.
  const stored = Float64Array.from(y);
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
  const batchInputs = new Float32Array(B * data.inputLength);
  const targets = new Float64Array(B * K);
  const alphaRows = new Float64Array(B * K);
  const gradAlphaRows = new Float64Array(B * K);
  const gradAlpha = new Float64Array(N * K);

  return {
    run() {
      const order = useSampler ? drawWithReplacement(samplingWeights(alpha, y, K), N, rng) : shuffled(N, rng);
      let loss = 0;
      for (let start = 0; start < order.length; start += B) {
        const count = Math.min(B, order.length - start);
        const idx = order.subarray(start, start + count);
        gatherInputs(data, idx, count, batchInputs);
        for (let i = 0; i < count; i++) {
          const n = idx[i]!;
          if (usePseudo) dispatch(alpha, y, n, K, rng, opts.softTargets, targets, i * K);
          else for (let k = 0; k < K; k++) targets[i * K + k] = y[n * K + k]!;
          for (let k = 0; k < K; k++) {
            alphaRows[i * K + k] = alpha[n * K + k]!;
            stored[n * K + k] = targets[i * K + k]!;
          }
        }
        const logits = scorer.forward(batchInputs, count);
        const gradLogits = new Float64Array(count * K);
        loss += selfPacedLoss(logits, targets.subarray(0, count * K), alphaRows.subarray(0, count * K), weighted, gradLogits, weighted ? gradAlphaRows : null);
        scorer.backward(gradLogits);
        scorer.step();
        if (weighted && active.length) {
          for (let i = 0; i < count; i++) {
            const n = idx[i]!;
            for (let k = 0; k < K; k++) gradAlpha[n * K + k] = gradAlpha[n * K + k]! + gradAlphaRows[i * K + k]!;
          }
          alphaOpt.step(alpha, gradAlpha, lambda, active);
          for (let i = 0; i < count; i++) gradAlpha.fill(0, idx[i]! * K, idx[i]! * K + K);
        }
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
  };
}

/** max / mean MIL: image-level BCE on pooled patch probabilities. */
function milRunner(scorer: PatchScorer, data: BagDataset, opts: TrainerOptions, rng: Random): EpochRunner {
  const K = data.labels.length;
  const bags = bagCount(data);
  const pooling = opts.method === 'mean' ? 'mean' : 'max';
  return {
    run() {
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
  };
}

/** BCE of one bag's pooled probability per class; writes dLoss/dlogits of its patch rows. */
export function milBagLoss(logits: Float64Array, row: number, size: number, K: number, labels: ArrayLike<number>, labelOffset: number, pooling: 'max' | 'mean', grad: Float64Array): number {
  let loss = 0;
  if (size === 0) return 0;
  for (let k = 0; k < K; k++) {
    const y = labels[labelOffset + k]!;
    if (pooling === 'max') {
      let arg = row;
      for (let n = row + 1; n < row + size; n++) if (logits[n * K + k]! > logits[arg * K + k]!) arg = n;
      const z = logits[arg * K + k]!;
      loss += Math.max(z, 0) - y * z + Math.log1p(Math.exp(-Math.abs(z)));
      grad[arg * K + k] = sigmoid(z) - y;
    } else {
      let P = 0;
      for (let n = row; n < row + size; n++) P += sigmoid(logits[n * K + k]!) / size;
      const Pc = Math.min(Math.max(P, 1e-7), 1 - 1e-7);
      loss += -(y * Math.log(Pc) + (1 - y) * Math.log(1 - Pc));
      const dP = (Pc - y) / (Pc * (1 - Pc));
      for (let n = row; n < row + size; n++) {
        const p = sigmoid(logits[n * K + k]!);
        grad[n * K + k] = (dP * p * (1 - p)) / size;
      }
    }
  }
  return loss;
}
