/**
 * Fine-tuning behind a worker thread (electron/workers/finetune.worker.ts), so the UI thread and
 * the CLI's signal handling never block on training. Protocol:
 *   in:  start {options}; cancellation is a shared Int32 flag (the head trainer's epochs and batch
 *        loop are synchronous, so a posted 'cancel' message would only arrive after the run;
 *        the whole-network modes poll the same flag before every batch)
 *   out: progress {progress} | epoch {info} | done {result} | error {code, message}
 * The worker opens its own connection to the database file (SQLite WAL allows it).
 */
import type { ErrorCode } from '../../errors';
import { startCancellableJob, workerEntryPath, type JobEnd } from '../../worker-entry';
import type { FinetuneOptions, FinetuneResult } from './finetune';
import type { NetworkTrainingOptions } from '../network/network-trainer';
import type { Progress } from '../heads/train-model';
import type { EpochInfo } from '../trainer';

/** A fine-tuning run's options as plain data for the worker: the database by path, no callbacks (they become messages). */
export type FinetuneJob = Omit<FinetuneOptions, 'db' | 'network' | 'onProgress' | 'onEpoch' | 'isCancelled' | 'nowMs'> & {
  dbPath: string;
  /** Augmentation is not data a worker can receive (the whole-network modes use the default). */
  network?: Partial<Omit<NetworkTrainingOptions, 'augment'>>;
};

export type FinetuneWorkerMessage =
  | { type: 'progress'; progress: Progress }
  | { type: 'epoch'; info: EpochInfo }
  | { type: 'done'; result: FinetuneResult }
  | { type: 'error'; code: ErrorCode; message: string };

export interface FinetuneHandle {
  result: Promise<FinetuneResult>;
  /** Asks the run to stop at the next epoch or slide; the run is then recorded as cancelled. */
  cancel(): void;
}

export function finetuneWorkerPath(): string {
  return workerEntryPath('finetune');
}

export function startFinetuneWorker(job: FinetuneJob, hooks: { onProgress?: (p: Progress) => void; onEpoch?: (e: EpochInfo) => void } = {}, workerPath = finetuneWorkerPath()): FinetuneHandle {
  return startCancellableJob<FinetuneResult, Exclude<FinetuneWorkerMessage, JobEnd<FinetuneResult>>>(workerPath, job, 'fine-tuning', (m) => {
    if (m.type === 'progress') hooks.onProgress?.(m.progress);
    else hooks.onEpoch?.(m.info);
  });
}
