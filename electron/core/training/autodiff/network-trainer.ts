/**
 * The self-paced MIML loop of training/trainer.ts with the whole network as scorer. The
 * confidences α, the sampler, the dispatcher and the label-aware coefficients are the trainer's
 * own functions; what differs is that a batch is one asynchronous ONNX Runtime call (forward,
 * weighted BCE, reverse pass and Adam together), so the loop is async and feeds the graph the
 * dispatched targets and per-element weights (ReLU(α) where t = 1, 1 elsewhere) up front.
 * `plain` is the inherited-label patch classifier baseline (no sampler, dispatcher or weights).
 *
 * Each epoch draws from its own seeded stream (seed, epoch), so a run resumed from the
 * checkpoint of epoch e continues exactly as the uninterrupted run would have.
 */
import { DomainError } from '../../errors';
import { Random } from '../../random';
import { Adam } from '../adam';
import { bagCount, gatherInputs, inheritedPatchLabels, patchCount, type BagDataset } from '../dataset';
import { evaluate, type EvaluationReport } from '../metrics';
import { bceWithLogits } from '../scorer';
import { dispatch, drawWithReplacement, groupCoefficients, initialConfidence, labelMask, samplingWeights, shuffled, type ConfidenceInit } from '../self-paced';
import { overallScore, type EpochInfo } from '../trainer';
import { augmentBatch, type AugmentOptions } from './augment';
import { checkCheckpointFits, loadCheckpoint, saveCheckpoint, type NetworkCheckpoint } from './checkpoint';
import type { ParamSet } from './network';
import type { NetworkStepper } from './network-stepper';

export interface NetworkTrainingOptions {
  method: 'spl' | 'plain';
  seed: number;
  maxEpochs: number;
  patience: number;
  batchSize: number;
  lr: number;
  lrAlpha: number;
  init: ConfidenceInit;
  sampler: boolean;
  pseudoLabels: boolean;
  coefficients: boolean;
  coefficientC: number | null;
  /** null: no augmentation. */
  augment: AugmentOptions | null;
  /** Patches per epoch; null = as many as the training set holds (the paper's N_train). */
  patchesPerEpoch: number | null;
}

export const defaultNetworkTrainingOptions: NetworkTrainingOptions = {
  method: 'spl',
  seed: 1,
  maxEpochs: 30,
  patience: 4,
  batchSize: 32,
  lr: 1e-3,
  lrAlpha: 1e-3,
  init: 'iw-sample',
  sampler: true,
  pseudoLabels: true,
  coefficients: true,
  coefficientC: null,
  augment: null,
  patchesPerEpoch: null,
};

export interface NetworkEpochInfo extends EpochInfo {
  /** Mean image-level BCE of the max-pooled validation probabilities. */
  validationLoss: number | null;
  patchesPerSecond: number;
}

export interface TrainingProgress {
  epoch: number;
  batch: number;
  batchesInEpoch: number;
  /** Mean weighted loss per patch so far this epoch. */
  loss: number;
  patchesPerSecond: number;
}

export interface NetworkTrainingHooks {
  signal?: AbortSignal;
  onProgress?: (p: TrainingProgress) => void;
  onEpoch?: (info: NetworkEpochInfo) => void;
  /** Written after every epoch; when it exists at the start, training resumes from it. */
  checkpointPath?: string;
}

export interface NetworkTrainingResult {
  params: ParamSet;
  epochs: NetworkEpochInfo[];
  bestEpoch: number;
  validation: EvaluationReport | null;
  resumedFromEpoch: number;
}

/** Per-patch probabilities [patches × K] and image scores [bags × K] (max over each image's patches). */
export async function scoreDataset(stepper: NetworkStepper, data: BagDataset, batchSize = 256): Promise<{ patch: Float32Array; image: Float64Array }> {
  const K = stepper.labelCount;
  const N = patchCount(data);
  const patch = new Float32Array(N * K);
  const idx = new Int32Array(batchSize);
  const buffer = new Float32Array(batchSize * data.inputLength);
  for (let start = 0; start < N; start += batchSize) {
    const count = Math.min(batchSize, N - start);
    for (let i = 0; i < count; i++) idx[i] = start + i;
    patch.set(await stepper.score(gatherInputs(data, idx, count, buffer), count), start * K);
  }
  const image = new Float64Array(bagCount(data) * K);
  for (let b = 0; b < bagCount(data); b++)
    for (let n = data.bagOffsets[b]!; n < data.bagOffsets[b + 1]!; n++)
      for (let k = 0; k < K; k++) image[b * K + k] = Math.max(image[b * K + k]!, patch[n * K + k]!);
  return { patch, image };
}

function imageLoss(image: Float64Array, truth: Uint8Array): number {
  let loss = 0;
  for (let i = 0; i < image.length; i++) {
    const p = Math.min(Math.max(image[i]!, 1e-7), 1 - 1e-7);
    loss += bceWithLogits(Math.log(p / (1 - p)), truth[i]!);
  }
  return loss / Math.max(1, image.length);
}

async function validate(stepper: NetworkStepper, data: BagDataset): Promise<{ report: EvaluationReport; loss: number }> {
  const { image } = await scoreDataset(stepper, data);
  const report = evaluate({ truth: data.bagLabels, scores: image, imageCount: bagCount(data), labelCount: data.labels.length }, data.labels, 0.5);
  return { report, loss: imageLoss(image, data.bagLabels) };
}

export async function trainNetwork(stepper: NetworkStepper, train: BagDataset, validation: BagDataset | null, options: Partial<NetworkTrainingOptions> = {}, hooks: NetworkTrainingHooks = {}): Promise<NetworkTrainingResult> {
  const opts = { ...defaultNetworkTrainingOptions, ...options };
  const K = train.labels.length;
  const N = patchCount(train);
  const shape = stepper.net.spec.inputShape;
  if (stepper.patchLength !== train.inputLength || stepper.labelCount !== K) {
    throw new DomainError('bad-request', `network takes ${stepper.patchLength} values per patch → ${stepper.labelCount} labels, data has ${train.inputLength} → ${K}`);
  }
  if (N === 0) throw new DomainError('bad-request', 'no training patches');
  const y = inheritedPatchLabels(train);
  const weighted = opts.method === 'spl';
  const useSampler = weighted && opts.sampler;
  const usePseudo = weighted && opts.pseudoLabels;
  const classFrequency = new Float64Array(K);
  for (let b = 0; b < bagCount(train); b++) for (let k = 0; k < K; k++) classFrequency[k] = classFrequency[k]! + train.bagLabels[b * K + k]! / bagCount(train);

  let alpha = initialConfidence(y, K, opts.init, classFrequency);
  let stored = Float64Array.from(y);
  let epochs: NetworkEpochInfo[] = [];
  let best = -Infinity;
  let bestEpoch = 0;
  let bestParams: ParamSet = stepper.snapshot().params;
  let since = 0;
  let startEpoch = 1;

  const checkpointPath = hooks.checkpointPath;
  if (checkpointPath) {
    const saved = await loadCheckpoint(checkpointPath);
    if (saved) {
      checkCheckpointFits(checkpointPath, saved, stepper.net.spec, N, K);
      stepper.restore(saved.stepper);
      alpha = Float64Array.from(saved.alpha);
      stored = Float64Array.from(saved.stored);
      epochs = saved.epochs as NetworkEpochInfo[];
      best = saved.bestScore;
      bestEpoch = saved.bestEpoch;
      bestParams = saved.bestParams;
      since = saved.epochsSinceBest;
      startEpoch = saved.epoch + 1;
    }
  }
  const resumedFromEpoch = startEpoch - 1;

  let lambda = new Float64Array(N * K);
  let active = new Int32Array(0);
  let alphaOpt = new Adam(N * K, { lr: opts.lrAlpha });
  const regroup = (): void => {
    const masks = new Int32Array(N);
    for (let n = 0; n < N; n++) masks[n] = labelMask(stored, n * K, K);
    const perPatch = opts.coefficients ? groupCoefficients(masks, opts.coefficientC).lambda : new Float64Array(N).fill(1);
    const act: number[] = [];
    for (let n = 0; n < N; n++)
      for (let k = 0; k < K; k++) {
        lambda[n * K + k] = perPatch[n]!;
        if (y[n * K + k] && perPatch[n]! > 0) act.push(n * K + k);
      }
    active = Int32Array.from(act);
    alphaOpt = new Adam(N * K, { lr: opts.lrAlpha });
  };
  if (weighted) regroup();

  const B = opts.batchSize;
  const batch = new Float32Array(B * train.inputLength);
  const targets = new Float32Array(B * K);
  const weights = new Float32Array(B * K);
  const targets64 = new Float64Array(K);
  const gradAlpha = new Float64Array(N * K);
  const finishedEarly = () => since >= opts.patience;

  for (let epoch = startEpoch; epoch <= opts.maxEpochs && !finishedEarly(); epoch++) {
    const rng = new Random((opts.seed * 1_000_003 + epoch * 7919) >>> 0);
    const t0 = performance.now();
    const drawCount = opts.patchesPerEpoch ?? N;
    const order = useSampler ? drawWithReplacement(samplingWeights(alpha, y, K), drawCount, rng) : shuffled(N, rng).subarray(0, Math.min(N, drawCount));
    const batches = Math.ceil(order.length / B);
    let loss = 0;
    for (let bi = 0; bi < batches; bi++) {
      if (hooks.signal?.aborted) {
        throw new DomainError('conflict', `training cancelled in epoch ${epoch}; ${checkpointPath && epoch > 1 ? `the checkpoint of epoch ${epoch - 1} is kept in ${checkpointPath}` : 'no checkpoint was kept'}`);
      }
      const idx = order.subarray(bi * B, Math.min(order.length, (bi + 1) * B));
      const count = idx.length;
      gatherInputs(train, idx, count, batch);
      if (opts.augment) augmentBatch(batch, count, shape, rng, opts.augment);
      for (let i = 0; i < count; i++) {
        const n = idx[i]!;
        if (usePseudo) dispatch(alpha, y, n, K, rng, false, targets64, 0);
        else for (let k = 0; k < K; k++) targets64[k] = y[n * K + k]!;
        for (let k = 0; k < K; k++) {
          const t = targets64[k]!;
          targets[i * K + k] = t;
          weights[i * K + k] = weighted && t === 1 ? Math.max(alpha[n * K + k]!, 0) : 1;
          stored[n * K + k] = t;
        }
      }
      const result = await stepper.trainBatch(batch, count, targets, weights, opts.lr);
      loss += result.loss;
      if (weighted && active.length) {
        // ∂L/∂α = bce·[t=1]·[α>0]; patches drawn twice in a batch add up, as in the trainer.
        for (let i = 0; i < count; i++) {
          const n = idx[i]!;
          for (let k = 0; k < K; k++) if (targets[i * K + k] === 1 && alpha[n * K + k]! > 0) gradAlpha[n * K + k] = gradAlpha[n * K + k]! + result.bce[i * K + k]!;
        }
        alphaOpt.step(alpha, gradAlpha, lambda, active);
        for (let i = 0; i < count; i++) gradAlpha.fill(0, idx[i]! * K, idx[i]! * K + K);
      }
      const seenSoFar = bi * B + count;
      hooks.onProgress?.({ epoch, batch: bi + 1, batchesInEpoch: batches, loss: loss / seenSoFar, patchesPerSecond: seenSoFar / ((performance.now() - t0) / 1000) });
    }
    const trainMs = performance.now() - t0;
    if (weighted) {
      regroup();
      stepper.resetOptimizer();
    }
    const checked = validation ? await validate(stepper, validation) : null;
    const score = checked ? overallScore(checked.report) : null;
    const isBest = score === null || score > best + 1e-12;
    if (isBest) {
      best = score ?? best;
      bestEpoch = epoch;
      bestParams = stepper.snapshot().params;
      since = 0;
    } else since++;
    const info: NetworkEpochInfo = {
      epoch,
      loss: loss / Math.max(1, order.length),
      seen: order.length,
      validationScore: score,
      validationLoss: checked?.loss ?? null,
      best: isBest,
      meanMultiLabelConfidence: weighted ? meanMultiLabelConfidence(alpha, y, K) : null,
      elapsedMs: performance.now() - t0,
      patchesPerSecond: order.length / (trainMs / 1000),
    };
    epochs.push(info);
    if (checkpointPath) {
      const checkpoint: NetworkCheckpoint = {
        formatVersion: 1,
        spec: stepper.net.spec,
        patchCount: N,
        labelCount: K,
        epoch,
        epochs,
        bestEpoch,
        bestScore: best,
        epochsSinceBest: since,
        bestParams,
        stepper: stepper.snapshot(),
        alpha,
        stored,
      };
      await saveCheckpoint(checkpointPath, checkpoint);
    }
    hooks.onEpoch?.(info);
    if (order.length === 0) break;
  }
  stepper.restore({ ...stepper.snapshot(), params: bestParams });
  const final = validation ? await validate(stepper, validation) : null;
  return { params: bestParams, epochs, bestEpoch, validation: final?.report ?? null, resumedFromEpoch };
}

function meanMultiLabelConfidence(alpha: Float64Array, y: Uint8Array, K: number): number | null {
  let sum = 0;
  let count = 0;
  for (let n = 0; n < y.length / K; n++) {
    let labels = 0;
    for (let k = 0; k < K; k++) labels += y[n * K + k]!;
    if (labels < 2) continue;
    for (let k = 0; k < K; k++)
      if (y[n * K + k]) {
        sum += Math.max(alpha[n * K + k]!, 0);
        count++;
      }
  }
  return count ? sum / count : null;
}
