/**
 * Whole-network training behind a worker thread (electron/workers/network-training.worker.ts), so
 * neither the UI thread nor the CLI waits on ONNX Runtime. Protocol:
 *   in:  workerData {job}; message {type: 'cancel'} stops after the current batch (the loop awaits
 *        every batch, so the message is seen between batches; the checkpoint of the last whole
 *        epoch stays in the job's outDir and a later job with the same outDir resumes from it)
 *   out: progress {progress} | epoch {line} | done {result} | error {code, message}
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { builtWorkerPath } from '../../app-paths';
import { DomainError, type ErrorCode } from '../../errors';
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
  const built = builtWorkerPath('network-training', import.meta.url);
  if (built) return built;
  for (const candidate of ['../../../workers/network-training.worker.js', '../../../workers/network-training.worker.ts', './workers/network-training.worker.js']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new DomainError('internal', 'whole-network training worker entry (network-training.worker.js/.ts) not found beside the core modules');
}

export function startNetworkTrainingWorker(job: NetworkTrainingJob, hooks: { onProgress?: (p: TrainingProgress) => void; onLog?: (line: string) => void } = {}, workerPath = networkTrainingWorkerPath()): NetworkTrainingHandle {
  const execArgv = workerPath.endsWith('.ts') ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
  const worker = new Worker(workerPath, { execArgv, workerData: { job } });
  const result = new Promise<TrainNetworkRunResult>((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: NetworkTrainingWorkerMessage) => {
      if (m.type === 'progress') hooks.onProgress?.(m.progress);
      else if (m.type === 'log') hooks.onLog?.(m.line);
      else if (m.type === 'done') {
        settled = true;
        resolve(m.result);
      } else {
        settled = true;
        reject(new DomainError(m.code, m.message));
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(new DomainError('internal', `whole-network training worker crashed: ${error.message}`, { cause: error }));
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new DomainError('internal', `whole-network training worker exited (code ${code}) without a result`));
    });
  });
  return {
    result: result.finally(() => void worker.terminate()),
    cancel() {
      worker.postMessage({ type: 'cancel' });
    },
  };
}
