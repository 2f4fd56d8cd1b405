/**
 * One learning rate's fine-tuning behind a worker thread (electron/workers/finetune-rate.worker.ts),
 * so that `--lr auto`'s two rates train at the same time, each on its own cores: onnxruntime-node
 * runs a session synchronously on the calling JavaScript thread, so two trainings in one thread
 * only take turns. Protocol:
 *   in:  workerData {job, cancelFlag}; the patches travel as they are: inputs backed by a
 *        SharedArrayBuffer (`pixelBags(…, { shared: true })`) are shared, not copied. Cancelling
 *        sets the shared flag, polled before every batch.
 *   out: progress {progress} | epoch {info} | done {result} | error {code, message}
 */
import type { ErrorCode } from '../../errors';
import type { ProviderName } from '../../inference/providers';
import { startCancellableJob, workerEntryPath, type JobEnd, type JobHandle } from '../../worker-entry';
import type { BagDataset } from '../dataset';
import type { Pooling } from '../../inference/aggregate';
import type { NetworkSpec, ParamSet } from '../network/network';
import type { NetworkTrainingOptions, NetworkTrainingResult, TrainingProgress } from '../network/network-trainer';
import type { EpochInfo } from '../trainer';

/** What one rate's training needs besides the data (plain data: it crosses to the worker): the loop's options, the rate, the epoch's patch budget, the blend (a share or 'auto'), the package's pooling, and whether other rates compete (then its candidate's early-stopping mAP is read). */
export interface RateHow {
  options: NetworkTrainingOptions;
  rate: number;
  patchesPerEpoch: number | null;
  blend: number | 'auto';
  pooling: Pooling;
  severalRates: boolean;
}

/** One rate's candidate (`trainAtRate` in finetune-network.ts): its training with the blended weights as params, its blend, and with several rates its early-stopping mAP (else NaN). */
export interface RateRun {
  lr: number;
  map: number;
  trained: NetworkTrainingResult;
  blended: { blend: number; tried: { blend: number; map: number }[] };
}

export interface RateJob {
  spec: NetworkSpec;
  /** The weights training starts from (the active version's, or the adapted ones). */
  start: ParamSet;
  /** The weights the candidate is blended back towards. */
  base: ParamSet;
  fit: BagDataset;
  stop: BagDataset | null;
  how: RateHow;
  firstTrainableLayer: number;
  providers?: ProviderName[];
  threads: number;
}

export type RateWorkerMessage = { type: 'progress'; progress: TrainingProgress } | { type: 'epoch'; info: EpochInfo } | JobEnd<RateRun>;

/** `cancel()` stops the training before its next batch; the result then rejects with 'training cancelled …'. */
export type RateHandle = JobHandle<RateRun>;

export function rateWorkerPath(): string {
  return workerEntryPath('finetune-rate');
}

export function startRateWorker(job: RateJob, hooks: { onProgress?: (p: TrainingProgress) => void; onEpoch?: (info: EpochInfo) => void } = {}, workerPath = rateWorkerPath()): RateHandle {
  return startCancellableJob<RateRun, Exclude<RateWorkerMessage, JobEnd<RateRun>>>(workerPath, job, `fine-tuning at learning rate ${job.how.rate}`, (m) => {
    if (m.type === 'progress') hooks.onProgress?.(m.progress);
    else hooks.onEpoch?.(m.info);
  });
}
