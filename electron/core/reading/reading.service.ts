/**
 * The reading service: the one reading path of the app. The CLI, the import channel, the menu
 * import and the watched folder all read through it, so every reading records the provider and
 * the model version that produced it. It owns the inference worker (started on first use, with
 * the model its `ModelSource` names) and runs batches one at a time, in arrival order.
 *
 * Supervision: when the worker crashes mid-batch, every slide the crash failed is held back, the
 * error is reported (`onError`: the app turns it into an 'app/error' event), a fresh worker is
 * started and those slides are read again — at most `maxRestarts` times in a row, so a slide that
 * kills the runtime every time is recorded as failed instead of looping. The batch goes on.
 *
 * Model changes: `reload()` (after a promotion or rollback) retires the engine; a running batch
 * finishes with the model it started with (its batch row names that version), the next batch
 * starts a worker for the new active version.
 *
 * Shutdown stops taking batches, lets the current slide finish within a grace period, and
 * otherwise abandons it: every slide is stored in its own transaction, so an abandoned slide
 * leaves nothing behind and stays pending in its batch (`resume` reads it).
 */
import type { WritableDb } from '../db/connection';
import { createBatch, finishBatchItem, getBatch, latestUnfinishedBatch, listBatchItems, setBatchStatus } from '../db/reading-batch.repo';
import { DomainError, errorMessage } from '../errors';
import type { InferenceEngine } from '../inference/engine';
import type { ProviderName } from '../inference/providers';
import { createWorkerEngine } from '../inference/worker-engine';
import { startFieldJudgeWorker, type FieldJudge, type FieldJudgeWorker } from './field-judge';
import { createEngine } from '../inference/engine';
import type { ModelPackage } from '../models/model-package';
import type { MicroscopeProfile } from '../slides/microscope-profile';
import type { OnDecoded } from './prepare-slide';
import { listSlideFiles, readBatch, type BatchItemResult, type BatchProgress, type BatchSummary } from './batch-reader';
import { fixedModel, type ModelSource } from './model-source';
import { loadFamiliarityReference, type FamiliarityReference } from '../quality/familiarity';

export interface ReadingServiceOptions {
  db: WritableDb;
  /** A fixed package folder (CLI `--model`, tests); ignored when `modelSource` is given. */
  modelDir?: string;
  /** Where the model comes from (the app: the registry's active version). */
  modelSource?: ModelSource;
  providers?: ProviderName[];
  profile?: MicroscopeProfile | null;
  /** The microscope profile in force when a batch starts (the app: Settings); wins over `profile`. */
  profileSource?: () => MicroscopeProfile | null;
  accessionOf?: (path: string) => string;
  /** Sees each freshly decoded slide (the app stores the viewer's display rendition). */
  onDecoded?: OnDecoded;
  /** Run the model in a worker thread (default) or on the calling thread. */
  useWorker?: boolean;
  /** The inference worker's entry (the built `inference.worker.js`, unpacked in an installed app). */
  workerPath?: string;
  intraOpNumThreads?: number;
  batchSize?: number;
  /** Consecutive worker restarts before the crashed slides are recorded as failed (default 3). */
  maxRestarts?: number;
  log?: (message: string) => void;
  /** Routine events worth an operator's log (which model and provider a worker started with); default: dropped. */
  info?: (message: string) => void;
  /** A background failure the user must see (a crashed worker). */
  onError?: (message: string) => void;
}

export interface ReadOptions {
  force?: boolean;
  batchId?: string;
  onProgress?: (progress: BatchProgress) => void;
  onItem?: (result: BatchItemResult) => void;
}

/** What the service reads with: the model, its engine, and the model's familiarity reference (null when it ships none). */
export interface ReadingContext {
  model: ModelPackage;
  engine: InferenceEngine;
  familiarityReference: FamiliarityReference | null;
  /** Fields are judged in a worker thread beside the inference worker (absent: in the reading thread). */
  fieldJudge?: FieldJudge;
}

export type ShutdownOutcome = 'idle' | 'finished' | 'abandoned';

export interface ReadingService {
  /** Loads the model and starts the engine (idempotent until `reload`). */
  init(): Promise<ReadingContext>;
  readonly model: ModelPackage | null;
  readonly provider: ProviderName | null;
  /** Worker restarts after crashes since the service started (each one was reported). */
  readonly restarts: number;
  /** Expands folders into slide files and reads them as one batch, after any batch already queued. */
  read(paths: string[], options?: ReadOptions): Promise<BatchSummary>;
  /**
   * Reads the files a crashed, killed or cancelled batch had not finished (the newest such batch
   * when no id is given); finished files are not read again. Null when there is nothing to resume.
   */
  resume(batchId?: string, options?: Omit<ReadOptions, 'batchId'>): Promise<BatchSummary | null>;
  /** Progress of the running batch, or null. */
  current(): BatchProgress | null;
  /** Stops the running batch after its current slide; false when no batch with this id runs. */
  cancel(batchId: string): boolean;
  /** The active model changed: the next batch starts with the model source's new package. */
  reload(): Promise<void>;
  /** Stop taking batches; finish the current slide within `graceMs` or abandon it. */
  shutdown(graceMs: number): Promise<ShutdownOutcome>;
  close(): Promise<void>;
}

/** The batch reader's message for slides failed by a dead worker (see worker-engine.ts). */
const WORKER_DIED = /inference worker (crashed|exited)/;
const CLOSE_GRACE_MS = 30_000;

export const isWorkerDeath = (item: BatchItemResult): boolean => item.status === 'failed' && !!item.error && WORKER_DIED.test(item.error.message);

export function createReadingService(options: ReadingServiceOptions): ReadingService {
  const log = options.log ?? ((m: string) => console.warn(m));
  const reportError = (message: string) => {
    log(message);
    options.onError?.(message);
  };
  const source: ModelSource =
    options.modelSource ??
    (options.modelDir !== undefined ? fixedModel(options.modelDir) : () => Promise.reject(new DomainError('model-invalid', 'the reading service was given no model')));
  const maxRestarts = options.maxRestarts ?? 3;

  let model: ModelPackage | null = null;
  let engine: InferenceEngine | null = null;
  let judgeWorker: FieldJudgeWorker | null = null;
  let starting: Promise<ReadingContext> | null = null;
  let stale = false;
  /** Restarts since the last batch pass without a crash (bounded by maxRestarts), and in all. */
  let restartsInARow = 0;
  let restartsTotal = 0;
  let closing = false;
  let queue: Promise<unknown> = Promise.resolve();
  let running: { batchId: string; controller: AbortController; progress: BatchProgress | null } | null = null;

  async function dropEngine(): Promise<void> {
    const old = engine;
    const oldJudge = judgeWorker;
    engine = null;
    judgeWorker = null;
    model = null;
    starting = null;
    await old?.close().catch((error: unknown) => log(`closing the inference engine: ${errorMessage(error)}`));
    await oldJudge?.close();
  }

  /** Serialises batches: each waits for the previous one, whatever its outcome. */
  function enqueue<T>(work: () => Promise<T>): Promise<T> {
    if (closing) return Promise.reject(new DomainError('conflict', 'the reading service is shutting down; no new batches'));
    const run = queue.then(() => {
      if (closing) throw new DomainError('conflict', 'the reading service is shutting down; no new batches');
      return work();
    });
    queue = run.catch(() => undefined);
    return run;
  }

  async function startBatch(): Promise<ReadingContext> {
    if (stale) {
      stale = false;
      await dropEngine();
    }
    return service.init();
  }

  /**
   * Reads `items` of batch `batchId` with the current engine; slides a dead worker failed are read
   * again with a fresh one. Each item is recorded in the batch once, with its final outcome.
   */
  async function runBatch(batchId: string, items: { path: string; seq: number }[], readOptions: ReadOptions, ctx: ReadingContext): Promise<BatchSummary> {
    const seqOf = new Map(items.map((i) => [i.path, i.seq]));
    const controller = new AbortController();
    const total = items.length;
    const finished = new Map<string, BatchItemResult>();
    const started = performance.now();
    let cancelled = false;
    let final: BatchProgress | null = null;
    let pending = items.map((i) => i.path);
    let context = ctx;
    setBatchStatus(options.db, batchId, 'running', null);
    const record = (result: BatchItemResult) => {
      finished.set(result.path, result);
      const seq = seqOf.get(result.path);
      if (seq !== undefined) {
        finishBatchItem(options.db, batchId, seq, { status: result.status, errorCode: result.error?.code, error: result.error?.message, slideId: result.slideId, readingId: result.readingId, atMs: Date.now() });
      }
      readOptions.onItem?.(result);
    };
    running = { batchId, controller, progress: null };
    try {
      for (;;) {
        const crashed: BatchItemResult[] = [];
        const before = [...finished.values()];
        const count = (s: BatchItemResult['status']) => before.filter((i) => i.status === s).length;
        const pass = await readBatch(
          { db: options.db, ...context, profile: options.profileSource ? options.profileSource() : (options.profile ?? null), accessionOf: options.accessionOf, onDecoded: options.onDecoded, batchSize: options.batchSize },
          pending,
          {
            batchId,
            force: readOptions.force,
            signal: controller.signal,
            onItem: (result) => (isWorkerDeath(result) ? crashed.push(result) : record(result)),
            onProgress: (p) => {
              // Progress over the whole batch, not just this pass.
              const whole = { ...p, done: before.length + p.done, failed: count('failed') + p.failed, skipped: count('skipped') + p.skipped, total };
              if (running) running.progress = whole;
              if (whole.currentFile === null) final = whole;
              else readOptions.onProgress?.(whole);
            },
          },
        );
        cancelled ||= pass.cancelled;
        if (crashed.length === 0) {
          restartsInARow = 0;
          break;
        }
        const firstError = crashed[0]!.error!.message;
        await dropEngine();
        if (controller.signal.aborted || closing) {
          reportError(`inference worker stopped while the batch was stopping; ${crashed.length} slide(s) stay unread in batch ${batchId} and are read on resume`);
          cancelled = true; // pending items: the batch must stay resumable
          break;
        }
        if (restartsInARow >= maxRestarts) {
          reportError(`inference worker crashed ${restartsInARow + 1} times in a row; giving up on ${crashed.length} slide(s): ${crashed.map((i) => i.path).join(', ')}`);
          restartsInARow = 0;
          crashed.forEach(record);
          break;
        }
        restartsInARow++;
        restartsTotal++;
        reportError(`inference worker crashed; restarting it (restart ${restartsInARow} of ${maxRestarts}) and reading ${crashed.length} slide(s) again: ${firstError}`);
        pending = crashed.map((i) => i.path);
        context = await service.init();
      }
      setBatchStatus(options.db, batchId, cancelled ? 'cancelled' : 'finished', Date.now());
    } finally {
      running = null;
    }
    if (final) readOptions.onProgress?.({ ...(final as BatchProgress), currentFile: null });
    const results = items.flatMap((i) => finished.get(i.path) ?? []);
    const count = (s: BatchItemResult['status']) => results.filter((i) => i.status === s).length;
    return { batchId, items: results, done: count('done'), skipped: count('skipped'), failed: count('failed'), cancelled, wallMs: performance.now() - started };
  }

  const service: ReadingService = {
    get model() {
      return model;
    },
    get provider() {
      return engine?.provider ?? null;
    },
    get restarts() {
      return restartsTotal;
    },
    init() {
      starting ??= (async () => {
        const pkg = await source();
        // Read before the worker starts: a broken reference then fails without a worker to shut down.
        const familiarityReference = await loadFamiliarityReference(pkg);
        // A provider falling back (no CUDA on this PC) is routine: one line in the operator's log, not a warning.
        const engineOptions = { providers: options.providers, intraOpNumThreads: options.intraOpNumThreads, warn: options.info ?? log };
        const eng = options.useWorker === false ? await createEngine(pkg, engineOptions) : await createWorkerEngine(pkg, { ...engineOptions, workerPath: options.workerPath });
        // Operators read the log to know which model and provider the day was read with.
        options.info?.(`inference ${options.useWorker === false ? 'engine' : 'worker'} started (${eng.provider}), model ${pkg.manifest.id} ${pkg.manifest.version}`);
        // With the model in a worker, the field analysis gets one too: the reading thread then only decodes, cuts and stores.
        const judge = options.useWorker === false ? null : startFieldJudgeWorker({ log });
        model = pkg;
        engine = eng;
        judgeWorker = judge;
        return { model: pkg, engine: eng, familiarityReference, ...(judge ? { fieldJudge: judge.judge } : {}) };
      })();
      starting.catch(() => (starting = null));
      return starting;
    },
    read(paths, readOptions = {}) {
      return enqueue(async () => {
        const ctx = await startBatch();
        const files = await listSlideFiles(paths);
        const batchId = readOptions.batchId ?? `batch-${Date.now().toString(36)}-${Math.floor(performance.now()).toString(36)}`;
        createBatch(options.db, { id: batchId, modelId: ctx.model.manifest.id, modelVersion: ctx.model.manifest.version, startedAtMs: Date.now(), force: readOptions.force }, files);
        return runBatch(batchId, files.map((path, seq) => ({ path, seq })), readOptions, ctx);
      });
    },
    async resume(batchId, readOptions = {}) {
      const batch = batchId ? getBatch(options.db, batchId) : latestUnfinishedBatch(options.db);
      if (!batch) {
        if (batchId) throw new DomainError('not-found', `reading batch '${batchId}' does not exist`);
        return null;
      }
      return enqueue(async () => {
        const ctx = await startBatch();
        const pending = listBatchItems(options.db, batch.id, 'pending');
        // A forced batch stays forced: its pending files were read before and would otherwise be skipped.
        return runBatch(batch.id, pending.map((i) => ({ path: i.path, seq: i.seq })), { ...readOptions, force: readOptions.force || batch.force }, ctx);
      });
    },
    current: () => running?.progress ?? null,
    cancel(batchId) {
      if (!running || running.batchId !== batchId) return false;
      running.controller.abort();
      return true;
    },
    async reload() {
      stale = true;
      // Without a running batch the old worker can go now; otherwise the next batch drops it.
      if (!running) {
        stale = false;
        await dropEngine();
      }
    },
    async shutdown(graceMs) {
      closing = true;
      let outcome: ShutdownOutcome = 'idle';
      if (running) {
        running.controller.abort();
        const settled = await Promise.race([queue.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), graceMs).unref())]);
        outcome = settled ? 'finished' : 'abandoned';
      }
      // An abandoned slide's worker is still busy: terminating it is the process exit's job.
      if (outcome !== 'abandoned') await dropEngine();
      return outcome;
    },
    async close() {
      await service.shutdown(CLOSE_GRACE_MS);
    },
  };
  return service;
}
