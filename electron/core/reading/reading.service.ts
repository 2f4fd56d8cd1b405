/**
 * The reading service: owns the model package and the inference worker (loaded on first use,
 * explicitly), runs one batch at a time over files and folders, reports progress, and lets a
 * running batch be cancelled. The CLI, the import channel and the watched folder all read
 * through it, so every reading records the provider that produced it.
 */
import type { WritableDb } from '../db/connection';
import { createBatch, finishBatchItem, getBatch, latestUnfinishedBatch, listBatchItems, setBatchStatus } from '../db/reading-batch.repo';
import { DomainError } from '../errors';
import type { InferenceEngine } from '../inference/engine';
import type { ProviderName } from '../inference/providers';
import { createWorkerEngine } from '../inference/worker-engine';
import { createEngine } from '../inference/engine';
import { loadModelPackage, type ModelPackage } from '../models/model-package';
import type { MicroscopeProfile } from '../slides/microscope-profile';
import { listSlideFiles, readBatch, type BatchItemResult, type BatchProgress, type BatchSummary } from './batch-reader';

export interface ReadingServiceOptions {
  db: WritableDb;
  modelDir: string;
  providers?: ProviderName[];
  profile?: MicroscopeProfile | null;
  accessionOf?: (path: string) => string;
  /** Run the model in a worker thread (default) or on the calling thread. */
  useWorker?: boolean;
  intraOpNumThreads?: number;
  batchSize?: number;
  log?: (message: string) => void;
}

export interface ReadOptions {
  force?: boolean;
  batchId?: string;
  onProgress?: (progress: BatchProgress) => void;
  onItem?: (result: BatchItemResult) => void;
}

export interface ReadingService {
  /** Loads the model and starts the engine (idempotent). */
  init(): Promise<{ model: ModelPackage; engine: InferenceEngine }>;
  readonly model: ModelPackage | null;
  readonly provider: ProviderName | null;
  /** Expands folders into slide files and reads them as one batch (persisted: see `resume`). */
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
  close(): Promise<void>;
}

export function createReadingService(options: ReadingServiceOptions): ReadingService {
  let model: ModelPackage | null = null;
  let engine: InferenceEngine | null = null;
  let starting: Promise<{ model: ModelPackage; engine: InferenceEngine }> | null = null;
  let running: { batchId: string; controller: AbortController; progress: BatchProgress | null } | null = null;
  const log = options.log ?? ((m: string) => console.warn(m));

  async function runBatch(batchId: string, items: { path: string; seq: number }[], readOptions: ReadOptions): Promise<BatchSummary> {
    if (running) throw new DomainError('conflict', `a reading batch (${running.batchId}) is already running; wait for it or cancel it`);
    const ctx = await service.init();
    const seqOf = new Map(items.map((i) => [i.path, i.seq]));
    const controller = new AbortController();
    running = { batchId, controller, progress: null };
    setBatchStatus(options.db, batchId, 'running', null);
    // The last progress event (no current file) is held back until the batch is recorded as
    // finished, so a listener that reacts to it sees the final state.
    let final: BatchProgress | null = null;
    try {
      const summary = await readBatch(
        { db: options.db, ...ctx, profile: options.profile ?? null, accessionOf: options.accessionOf, batchSize: options.batchSize },
        items.map((i) => i.path),
        {
          batchId,
          force: readOptions.force,
          signal: controller.signal,
          onItem: (result) => {
            const seq = seqOf.get(result.path);
            if (seq !== undefined) {
              finishBatchItem(options.db, batchId, seq, {
                status: result.status,
                errorCode: result.error?.code,
                error: result.error?.message,
                slideId: result.slideId,
                readingId: result.readingId,
                atMs: Date.now(),
              });
            }
            readOptions.onItem?.(result);
          },
          onProgress: (p) => {
            if (running) running.progress = p;
            if (p.currentFile === null) final = p;
            else readOptions.onProgress?.(p);
          },
        },
      );
      setBatchStatus(options.db, batchId, summary.cancelled ? 'cancelled' : 'finished', Date.now());
      running = null;
      if (final) readOptions.onProgress?.(final);
      return summary;
    } finally {
      running = null;
    }
  }

  const service: ReadingService = {
    get model() {
      return model;
    },
    get provider() {
      return engine?.provider ?? null;
    },
    init() {
      starting ??= (async () => {
        const pkg = await loadModelPackage(options.modelDir);
        const engineOptions = { providers: options.providers, intraOpNumThreads: options.intraOpNumThreads, warn: log };
        const eng = options.useWorker === false ? await createEngine(pkg, engineOptions) : await createWorkerEngine(pkg, engineOptions);
        model = pkg;
        engine = eng;
        return { model: pkg, engine: eng };
      })();
      starting.catch(() => (starting = null));
      return starting;
    },
    async read(paths, readOptions = {}) {
      const ctx = await service.init();
      const files = await listSlideFiles(paths);
      const batchId = readOptions.batchId ?? `batch-${Date.now().toString(36)}-${Math.floor(performance.now()).toString(36)}`;
      createBatch(options.db, { id: batchId, modelId: ctx.model.manifest.id, modelVersion: ctx.model.manifest.version, startedAtMs: Date.now() }, files);
      return runBatch(batchId, files.map((path, seq) => ({ path, seq })), readOptions);
    },
    async resume(batchId, readOptions = {}) {
      await service.init();
      const batch = batchId ? getBatch(options.db, batchId) : latestUnfinishedBatch(options.db);
      if (!batch) {
        if (batchId) throw new DomainError('not-found', `reading batch '${batchId}' does not exist`);
        return null;
      }
      const pending = listBatchItems(options.db, batch.id, 'pending');
      return runBatch(batch.id, pending.map((i) => ({ path: i.path, seq: i.seq })), readOptions);
    },
    current: () => running?.progress ?? null,
    cancel(batchId) {
      if (!running || running.batchId !== batchId) return false;
      running.controller.abort();
      return true;
    },
    async close() {
      running?.controller.abort();
      const eng = engine;
      engine = null;
      starting = null;
      await eng?.close();
    },
  };
  return service;
}
