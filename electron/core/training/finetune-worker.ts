/**
 * Fine-tuning behind a worker thread (electron/workers/finetune.worker.ts), so the UI thread and
 * the CLI's signal handling never block on training. Protocol:
 *   in:  start {options}; cancellation is a shared Int32 flag (the head trainer's epochs and batch
 *        loop are synchronous, so a posted 'cancel' message would only arrive after the run;
 *        the whole-network modes poll the same flag before every batch)
 *   out: progress {progress} | epoch {info} | done {result} | error {code, message}
 * The worker opens its own connection to the database file (SQLite WAL allows it).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { builtWorkerPath } from '../app-paths';
import { DomainError, type ErrorCode } from '../errors';
import type { Actor } from '../db/audit.repo';
import type { ProviderName } from '../inference/providers';
import type { FinetuneResult } from './finetune';
import type { FinetuneMode } from './finetune-network';
import type { NetworkTrainingOptions } from './autodiff/network-trainer';
import type { Progress } from './train-model';
import type { EpochInfo, TrainerOptions } from './trainer';
import type { GateTolerances } from './validation-gate';

export interface FinetuneJob {
  dbPath: string;
  fallbackModelDir: string;
  modelsDir: string;
  cacheDir: string;
  actor: Actor;
  trainer?: Partial<TrainerOptions>;
  mode?: FinetuneMode;
  lastBlocks?: number;
  network?: Partial<Omit<NetworkTrainingOptions, 'augment'>>;
  gate?: Partial<GateTolerances>;
  validationShare?: number;
  minCases?: number;
  autoPromote?: boolean;
  providers?: ProviderName[];
}

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
  // Bundled (Electron main, dist/cli): dist/workers, or ANA_WORKERS_DIR; unpacked from the asar.
  const built = builtWorkerPath('finetune', import.meta.url);
  if (built) return built;
  for (const candidate of ['../../workers/finetune.worker.js', '../../workers/finetune.worker.ts', './workers/finetune.worker.js']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new DomainError('internal', 'fine-tuning worker entry (finetune.worker.js/.ts) not found beside the core modules');
}

export function startFinetuneWorker(job: FinetuneJob, hooks: { onProgress?: (p: Progress) => void; onEpoch?: (e: EpochInfo) => void } = {}, workerPath = finetuneWorkerPath()): FinetuneHandle {
  const execArgv = workerPath.endsWith('.ts') ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
  const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(workerPath, { execArgv, workerData: { job, cancelFlag } });
  const result = new Promise<FinetuneResult>((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: FinetuneWorkerMessage) => {
      if (m.type === 'progress') hooks.onProgress?.(m.progress);
      else if (m.type === 'epoch') hooks.onEpoch?.(m.info);
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
      reject(new DomainError('internal', `fine-tuning worker crashed: ${error.message}`, { cause: error }));
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new DomainError('internal', `fine-tuning worker exited (code ${code}) without a result`));
    });
  });
  return {
    result: result.finally(() => void worker.terminate()),
    cancel() {
      Atomics.store(cancelFlag, 0, 1);
    },
  };
}
