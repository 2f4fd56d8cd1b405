/**
 * Whole-network training: the self-paced MIML loop of training/trainer.ts, unchanged (sampler,
 * confidences α, dispatcher, label-aware coefficients, regrouping, early stopping), with the
 * network on ONNX Runtime as its scorer (network-scorer.ts), augmentation, a checkpoint after
 * every epoch, resume, progress and cancel. `plain` is the inherited-label patch classifier;
 * `mean-logit` trains on whole images with the loss on their mean patch logit.
 *
 * Each epoch draws from its own seeded stream (seed, epoch), so a run resumed from the
 * checkpoint of epoch e continues exactly as the uninterrupted run would have.
 */
import { DomainError } from '../../errors';
import type { Pooling } from '../../inference/aggregate';
import { patchCount, type BagDataset } from '../dataset';
import type { EvaluationReport } from '../metrics/metrics';
import { defaultTrainerOptions, scorePatchesAsync, trainScorerAsync, type EpochInfo, type LoopState, type TrainerOptions, type TrainingProgress } from '../trainer';
import { augmentBatch, type AugmentOptions } from './augment';
import { checkCheckpointFits, loadCheckpoint, saveCheckpoint, type NetworkCheckpoint } from './checkpoint';
import type { ParamSet } from './network';
import { NetworkScorer } from './network-scorer';
import type { NetworkStepper } from './network-stepper';

export type { TrainingProgress } from '../trainer';

/**
 * The trainer's options (one type for every scorer), narrowed to what a whole network uses: the
 * patch methods only (no MIL heads, no soft targets, no L-BFGS), one random stream per epoch
 * always (resume), plus augmentation.
 */
export type NetworkTrainingOptions = Omit<TrainerOptions, NotForNetworks | 'method'> & {
  /** 'mean-logit': image-level BCE on the mean patch logit, the pooling a package reads with (whole images per step). */
  method: 'spl' | 'plain' | 'mean-logit';
  /** null: no augmentation. */
  augment: AugmentOptions | null;
};
type NotForNetworks = 'bagsPerBatch' | 'softTargets' | 'streamPerEpoch' | 'solver';

const { bagsPerBatch: _bags, softTargets: _soft, streamPerEpoch: _stream, solver: _solver, ...trainerDefaults } = defaultTrainerOptions;
export const defaultNetworkTrainingOptions: NetworkTrainingOptions = { ...trainerDefaults, method: 'spl', augment: null };

/** The trainer's epoch record (validation loss and throughput included). */
export type NetworkEpochInfo = EpochInfo;

export interface NetworkTrainingHooks {
  signal?: AbortSignal;
  /** Polled before every batch, like the signal (for callers that hold a flag, not a signal). */
  isCancelled?: () => boolean;
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

/** Per-patch probabilities [patches × K] and image scores [bags × K] (pooled over each image's patches, max by default). */
export async function scoreDataset(stepper: NetworkStepper, data: BagDataset, batchSize = 256, pooling: Pooling = 'max'): Promise<{ patch: Float32Array; image: Float64Array }> {
  const { patch, image } = await scorePatchesAsync(new NetworkScorer(stepper, 0), data, pooling, batchSize);
  return { patch: Float32Array.from(patch), image };
}

export async function trainNetwork(stepper: NetworkStepper, train: BagDataset, validation: BagDataset | null, options: Partial<NetworkTrainingOptions> = {}, hooks: NetworkTrainingHooks = {}): Promise<NetworkTrainingResult> {
  const opts = { ...defaultNetworkTrainingOptions, ...options };
  const K = train.labels.length;
  const N = patchCount(train);
  const shape = stepper.net.spec.inputShape;
  if (stepper.patchLength !== train.inputLength || stepper.labelCount !== K) {
    throw new DomainError('bad-request', `network takes ${stepper.patchLength} values per patch → ${stepper.labelCount} labels, data has ${train.inputLength} → ${K}`);
  }
  const checkpointPath = hooks.checkpointPath;
  let resume: LoopState | undefined;
  if (checkpointPath) {
    const saved = await loadCheckpoint(checkpointPath);
    if (saved) {
      checkCheckpointFits(checkpointPath, saved, stepper.net.spec, N, K, opts.epochSelection);
      stepper.restore(saved.stepper);
      resume = { epoch: saved.epoch, epochs: saved.epochs, bestEpoch: saved.bestEpoch, bestScore: saved.bestScore, epochsSinceBest: saved.epochsSinceBest, bestState: saved.bestParams, alpha: Float64Array.from(saved.alpha), stored: Float64Array.from(saved.stored) };
    }
  }
  const scorer = new NetworkScorer(stepper, opts.lr, opts.batchSize);
  const { augment, ...loop } = opts;
  const result = await trainScorerAsync(
    scorer,
    train,
    validation,
    { ...loop, softTargets: false, streamPerEpoch: true },
    {
      resume,
      onProgress: hooks.onProgress,
      onEpoch: hooks.onEpoch,
      isCancelled: () => (hooks.signal?.aborted ?? false) || (hooks.isCancelled?.() ?? false),
      cancelNote: (epoch) => (checkpointPath && epoch > 1 ? `the checkpoint of epoch ${epoch - 1} is kept in ${checkpointPath}` : 'no checkpoint was kept'),
      augment: augment ? (batch, count, rng) => augmentBatch(batch, count, shape, rng, augment) : undefined,
      afterEpoch: checkpointPath
        ? (state) => {
            const checkpoint: NetworkCheckpoint = {
              formatVersion: 1,
              spec: stepper.net.spec,
              patchCount: N,
              labelCount: K,
              epoch: state.epoch,
              epochs: state.epochs,
              bestEpoch: state.bestEpoch,
              bestScore: state.bestScore,
              epochSelection: opts.epochSelection,
              epochsSinceBest: state.epochsSinceBest,
              bestParams: state.bestState as ParamSet,
              stepper: stepper.snapshot(),
              alpha: state.alpha,
              stored: state.stored,
            };
            return saveCheckpoint(checkpointPath, checkpoint);
          }
        : undefined,
    },
  );
  return { params: stepper.snapshot().params, epochs: result.epochs, bestEpoch: result.bestEpoch, validation: result.validation, resumedFromEpoch: resume?.epoch ?? 0 };
}
