/**
 * Finding and starting worker-thread entry points (`electron/workers/<name>.worker.ts`). Bundled
 * code (Electron main, dist/cli) finds the built `<name>.worker.js` in dist/workers or
 * ANA_WORKERS_DIR, unpacked from the asar; a development checkout runs the TypeScript source
 * through tsx's loader, in the worker too.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { builtWorkerPath } from './app-paths';
import { DomainError, type ErrorCode } from './errors';

export function workerEntryPath(name: string): string {
  const built = builtWorkerPath(name, import.meta.url);
  if (built) return built;
  const source = fileURLToPath(new URL(`../workers/${name}.worker.ts`, import.meta.url));
  if (existsSync(source)) return source;
  throw new DomainError('internal', `worker entry ${name}.worker.js/.ts not found (looked in dist/workers, ANA_WORKERS_DIR and ${source})`);
}

export function startWorker(path: string, workerData?: unknown): Worker {
  const execArgv = path.endsWith('.ts') ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
  return new Worker(path, { execArgv, workerData });
}

/** The messages a job worker ends with; everything else it posts goes to `onMessage`. */
export type JobEnd<R> = { type: 'done'; result: R } | { type: 'error'; code: ErrorCode; message: string };

/**
 * The result of a worker that runs one job: 'done' resolves, 'error' rejects with the worker's
 * domain error, a crash or an exit without a result rejects naming `label`. The worker is
 * terminated once the result is settled.
 */
export function jobResult<R, M extends { type: string }>(worker: Worker, label: string, onMessage: (message: M) => void): Promise<R> {
  const result = new Promise<R>((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: M | JobEnd<R>) => {
      if (m.type === 'done') {
        settled = true;
        resolve((m as Extract<JobEnd<R>, { type: 'done' }>).result);
      } else if (m.type === 'error') {
        settled = true;
        const e = m as Extract<JobEnd<R>, { type: 'error' }>;
        reject(new DomainError(e.code, e.message));
      } else onMessage(m as M);
    });
    worker.on('error', (error) => {
      settled = true;
      reject(new DomainError('internal', `${label} worker crashed: ${error.message}`, { cause: error }));
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new DomainError('internal', `${label} worker exited (code ${code}) without a result`));
    });
  });
  return result.finally(() => void worker.terminate());
}
