/**
 * Whole-network training behind a worker thread (electron/workers/network-training.worker.ts), so
 * neither the UI thread nor the CLI waits on ONNX Runtime. Protocol:
 *   in:  workerData {job}; message {type: 'cancel'} stops after the current batch (the loop awaits
 *        every batch, so the message is seen between batches; the checkpoint of the last whole
 *        epoch stays in the job's outDir and a later job with the same outDir resumes from it)
 *   out: progress {progress} | epoch {line} | done {result} | error {code, message}
 */
import type { ErrorCode } from '../../errors';
import { jobResult, startWorker, workerEntryPath, type JobEnd } from '../../worker-entry';
import type { TrainingProgress } from './network-trainer';
import type { TrainNetworkRunOptions, TrainNetworkRunResult } from './train-network';

export type NetworkTrainingJob = Omit<TrainNetworkRunOptions, 'signal' | 'log' | 'onProgress'>;

export type NetworkTrainingWorkerMessage =
  | { type: 'progress'; progress: TrainingProgress }
  | { type: 'log'; line: string }
  | { type: 'done'; result: TrainNetworkRunResult }
  | { type: 'error'; code: ErrorCode; message: string };

export interface NetworkTrainingHandle {
  result: Promise<TrainNetworkRunResult>;
  cancel(): void;
}

export function networkTrainingWorkerPath(): string {
  return workerEntryPath('network-training');
}

export function startNetworkTrainingWorker(job: NetworkTrainingJob, hooks: { onProgress?: (p: TrainingProgress) => void; onLog?: (line: string) => void } = {}, workerPath = networkTrainingWorkerPath()): NetworkTrainingHandle {
  const worker = startWorker(workerPath, { job });
  const result = jobResult<TrainNetworkRunResult, Exclude<NetworkTrainingWorkerMessage, JobEnd<TrainNetworkRunResult>>>(worker, 'whole-network training', (m) => {
    if (m.type === 'progress') hooks.onProgress?.(m.progress);
    else hooks.onLog?.(m.line);
  });
  return {
    result,
    cancel() {
      worker.postMessage({ type: 'cancel' });
    },
  };
}
