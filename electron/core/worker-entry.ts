/**
 * Finding and starting worker-thread entry points (`electron/workers/<name>.worker.ts`). Bundled
 * code (Electron main, dist/cli) finds the built `<name>.worker.js` in dist/workers, unpacked from
 * the asar; a development checkout runs the TypeScript source through tsx's loader, in the worker
 * too.
 *
 * Worker files run with the app's full rights but sit unpacked beside the asar, outside its
 * integrity check. So a built worker from the installation's own folder must match the sha256
 * that scripts/build.mjs recorded in `dist/workers.sha256.json` (inside the integrity-checked asar)
 * before it starts; an installed app ignores ANA_WORKERS_DIR and never falls back to sources.
 * ANA_WORKERS_DIR is a development override (a checkout, not an installed app) and is not checked.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { builtWorkerPath, isInstalledBundle, unpackedPath, WORKER_HASHES_FILE } from './app-paths';
import { DomainError, type ErrorCode } from './errors';

export interface WorkerLookup {
  /** The bundle asking (its import.meta.url); tests pass a fake installation's. */
  callerUrl?: string;
  env?: NodeJS.ProcessEnv;
}

export function workerEntryPath(name: string, lookup: WorkerLookup = {}): string {
  const callerUrl = lookup.callerUrl ?? import.meta.url;
  const installed = isInstalledBundle(callerUrl);
  const built = builtWorkerPath(name, callerUrl, lookup.env ?? process.env);
  const ownDir = unpackedPath(fileURLToPath(new URL('../workers', callerUrl)));
  if (built && (installed || dirname(built) === ownDir)) {
    verifyWorkerHash(built, fileURLToPath(new URL(`../${WORKER_HASHES_FILE}`, callerUrl)), installed);
    return built;
  }
  if (built) return built; // development: ANA_WORKERS_DIR
  if (installed) throw new DomainError('internal', `worker ${name}.worker.js is missing from the installation (${ownDir}); reinstall ANA Workstation`);
  const source = fileURLToPath(new URL(`../workers/${name}.worker.ts`, callerUrl));
  if (existsSync(source)) return source;
  throw new DomainError('internal', `worker entry ${name}.worker.js/.ts not found (looked in dist/workers, ANA_WORKERS_DIR and ${source})`);
}

/**
 * Refuses a built worker whose bytes differ from the build's record. An installed app also refuses
 * one without a record; a development build made before records existed is let through.
 */
export function verifyWorkerHash(workerPath: string, hashesPath: string, required: boolean): void {
  let hashes: Record<string, string>;
  try {
    hashes = JSON.parse(readFileSync(hashesPath, 'utf8')) as Record<string, string>;
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new DomainError('internal', `${hashesPath}: the build's worker hash list is missing or unreadable, so ${basename(workerPath)} is not started; reinstall ANA Workstation`, { cause: error });
  }
  const expected = hashes[basename(workerPath)];
  const actual = createHash('sha256').update(readFileSync(workerPath)).digest('hex');
  if (expected !== actual) {
    throw new DomainError(
      'internal',
      `${workerPath}: ${expected ? 'does not match the sha256 recorded at build time' : 'is not in the build\'s worker hash list'}, so it is not started (the installation was altered; reinstall ANA Workstation)`,
    );
  }
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

/** A job worker's result and a way to stop it early. */
export interface JobHandle<R> {
  result: Promise<R>;
  cancel(): void;
}

/**
 * Starts a job worker with `workerData` {job, cancelFlag}: `cancel()` sets the shared Int32 flag,
 * which the worker polls (a posted message would wait behind synchronous work); `jobResult` for
 * the rest.
 */
export function startCancellableJob<R, M extends { type: string }>(path: string, job: unknown, label: string, onMessage: (message: M) => void): JobHandle<R> {
  const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  const result = jobResult<R, M>(startWorker(path, { job, cancelFlag }), label, onMessage);
  return {
    result,
    cancel() {
      Atomics.store(cancelFlag, 0, 1);
    },
  };
}
