/**
 * The desktop's reading pipeline behind the watched import folder: queued batches of files are
 * read one batch at a time (readBatch) with the model in an inference worker thread. The worker
 * is supervised: when it crashes, the error is reported (log + `app/error` event), a fresh worker
 * is started, and the slides the crash failed are read again — at most `maxRestarts` times in a
 * row, so a slide that kills the runtime every time is reported instead of looping. Shutdown
 * stops taking files, lets the current slide finish for up to `graceMs`, and otherwise abandons
 * it: every slide is stored in its own transaction, so an abandoned slide leaves nothing behind
 * and is read on the next start (the watched folder is rescanned; reading is idempotent).
 */
import type { EventName, EventPayload } from '../../contract';
import type { WritableDb } from '../db/connection';
import { errorMessage } from '../errors';
import type { InferenceEngine } from '../inference/engine';
import type { ProviderName } from '../inference/providers';
import { createWorkerEngine } from '../inference/worker-engine';
import { loadModelPackage, type ModelPackage } from '../models/model-package';
import { readBatch, type BatchItemResult, type BatchSummary } from '../reading/batch-reader';

export type EmitEvent = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface ImportPipelineOptions {
  db: WritableDb;
  modelDir: string;
  /** The inference worker's entry (the built `inference.worker.js`, unpacked in an installed app). */
  workerPath?: string;
  providers?: ProviderName[];
  intraOpNumThreads?: number;
  emit: EmitEvent;
  log: { info(message: string): void; warn(message: string): void; error(message: string, error?: unknown): void };
  /** Consecutive worker restarts before the pipeline gives up on the failing slides. */
  maxRestarts?: number;
  nowMs?: () => number;
}

export type ShutdownOutcome = 'idle' | 'finished' | 'abandoned';

export interface ImportPipeline {
  /** Queues files; resolves with the batch summary once they have been read (null if shut down). */
  enqueue(paths: string[]): Promise<BatchSummary | null>;
  /** The execution provider of the running worker, or null before the first batch. */
  readonly provider: ProviderName | null;
  /** Worker restarts since start (each one was reported). */
  readonly restarts: number;
  /** Stop taking files; finish the current slide within `graceMs` or abandon it. */
  shutdown(graceMs: number): Promise<ShutdownOutcome>;
}

const WORKER_DIED = /^inference worker (crashed|exited)/;

export function createImportPipeline(options: ImportPipelineOptions): ImportPipeline {
  const maxRestarts = options.maxRestarts ?? 3;
  const now = options.nowMs ?? Date.now;
  let model: ModelPackage | null = null;
  let engine: InferenceEngine | null = null;
  let engineDead = false;
  let restarts = 0;
  let queue: Promise<unknown> = Promise.resolve();
  let current: { controller: AbortController; done: Promise<unknown> } | null = null;
  let closing = false;
  let batchCounter = 0;

  const reportError = (message: string, error?: unknown) => {
    options.log.error(message, error);
    options.emit('app/error', { source: 'reading', message: error === undefined ? message : `${message}: ${errorMessage(error)}`, atMs: now() });
  };

  async function ensureEngine(): Promise<{ model: ModelPackage; engine: InferenceEngine }> {
    model ??= await loadModelPackage(options.modelDir);
    if (!engine || engineDead) {
      engine = await createWorkerEngine(model, {
        providers: options.providers,
        intraOpNumThreads: options.intraOpNumThreads,
        workerPath: options.workerPath,
        warn: (m) => options.log.warn(m),
      });
      engineDead = false;
      options.log.info(`inference worker started (${engine.provider}) for model ${model.manifest.id} ${model.manifest.version}`);
    }
    return { model, engine };
  }

  async function readOnce(paths: string[], signal: AbortSignal): Promise<BatchSummary> {
    const ctx = await ensureEngine();
    const batchId = `import-${now().toString(36)}-${(batchCounter++).toString(36)}`;
    return readBatch({ db: options.db, ...ctx }, paths, {
      batchId,
      signal,
      onItem: (item: BatchItemResult) => {
        if (item.error && WORKER_DIED.test(item.error.message.replace(`${item.path}: `, ''))) engineDead = true;
        else if (item.status === 'failed') options.log.warn(`import: ${item.error?.message ?? item.path}`);
        if (item.caseId !== null && item.status === 'done') options.emit('cases/changed', { caseIds: [item.caseId] });
      },
      onProgress: (p) => options.emit('reading/progress', { batchId: p.batchId, done: p.done, failed: p.failed, total: p.total, etaMs: p.etaMs, currentFile: p.currentFile }),
    });
  }

  /** Reads a batch; after a worker crash, restarts the worker and reads the slides it failed again. */
  async function readSupervised(paths: string[], signal: AbortSignal): Promise<BatchSummary> {
    let summary = await readOnce(paths, signal);
    for (;;) {
      if (!engineDead) {
        restarts = 0;
        return summary;
      }
      const crashed = summary.items.filter((i) => i.error && WORKER_DIED.test(i.error.message.replace(`${i.path}: `, '')));
      const firstError = crashed[0]?.error?.message ?? 'inference worker died';
      const dead = engine;
      engine = null;
      await dead?.close().catch(() => undefined);
      if (signal.aborted || closing) {
        reportError(`inference worker stopped during shutdown; ${crashed.length} slide(s) will be read on the next start`);
        return summary;
      }
      if (restarts >= maxRestarts) {
        reportError(`inference worker crashed ${restarts + 1} times in a row; giving up on ${crashed.length} slide(s): ${crashed.map((i) => i.path).join(', ')}`);
        restarts = 0;
        return summary;
      }
      restarts++;
      reportError(`inference worker crashed; restarting it (restart ${restarts} of ${maxRestarts}) and reading ${crashed.length} slide(s) again`, new Error(firstError));
      const retry = await readOnce(crashed.map((i) => i.path), signal);
      const retried = new Map(retry.items.map((i) => [i.path, i]));
      const items = summary.items.map((i) => retried.get(i.path) ?? i);
      const count = (s: BatchItemResult['status']) => items.filter((i) => i.status === s).length;
      summary = { ...summary, items, done: count('done'), skipped: count('skipped'), failed: count('failed'), cancelled: summary.cancelled || retry.cancelled, wallMs: summary.wallMs + retry.wallMs };
    }
  }

  return {
    get provider() {
      return engine?.provider ?? null;
    },
    get restarts() {
      return restarts;
    },
    enqueue(paths) {
      if (closing) return Promise.resolve(null);
      const run = queue.then(async () => {
        if (closing) return null;
        const controller = new AbortController();
        const done = readSupervised(paths, controller.signal);
        current = { controller, done };
        try {
          const summary = await done;
          options.log.info(`import: ${summary.done} read, ${summary.skipped} already read, ${summary.failed} failed of ${paths.length} file(s)`);
          return summary;
        } catch (error) {
          reportError(`import of ${paths.length} file(s) failed`, error);
          return null;
        } finally {
          current = null;
        }
      });
      queue = run;
      return run;
    },
    async shutdown(graceMs) {
      closing = true;
      const running = current;
      let outcome: ShutdownOutcome = 'idle';
      if (running) {
        running.controller.abort();
        const settled = await Promise.race([running.done.then(() => true, () => true), new Promise<false>((r) => setTimeout(() => r(false), graceMs).unref())]);
        outcome = settled ? 'finished' : 'abandoned';
      }
      // An abandoned slide's worker is still busy: terminating it is the process exit's job.
      if (outcome !== 'abandoned') await engine?.close().catch(() => undefined);
      options.log.info(`reading pipeline shut down: ${outcome}`);
      return outcome;
    },
  };
}
