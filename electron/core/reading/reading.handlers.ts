/**
 * Handlers of the reading channels. Import and resume start the batch and answer at once with its
 * id; the batch runs on in the background, pushing 'reading/progress' and 'cases/changed' events.
 * A batch that cannot start at all (no model, a broken package) is reported as 'app/error'.
 */
import type { EventName, EventPayload } from '../../contract';
import { actorOf, type SessionStore } from '../auth/session-store';
import type { WritableDb } from '../db/connection';
import { getBatch, latestUnfinishedBatch, listBatchItems } from '../db/reading-batch.repo';
import { listUnsignedCasesWithAssumedPixelSize } from '../db/slide.repo';
import { DomainError, errorMessage } from '../errors';
import type { HandlersFor } from '../handler';
import { listSlideFiles } from './batch-reader';
import type { BatchItemResult, BatchProgress } from './batch-reader';
import type { ReadingService } from './reading.service';
import { auditReadAgain, filesToReadAgain } from './read-again';

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;
type ReadingChannel = 'reading/import' | 'reading/status' | 'reading/cancel' | 'reading/resume' | 'reading/batch' | 'reading/assumed-pixel-size' | 'reading/read-again';

export function readingHandlers(db: WritableDb, reading: ReadingService, sessions: SessionStore, emit: Emit, log: (m: string) => void): HandlersFor<ReadingChannel> {
  const callbacks = {
    onProgress: (p: BatchProgress) => emit('reading/progress', { batchId: p.batchId, done: p.done, failed: p.failed, total: p.total, etaMs: p.etaMs, currentFile: p.currentFile }),
    onItem: (item: BatchItemResult) => {
      if (item.status === 'done' && item.caseId !== null) emit('cases/changed', { caseIds: [item.caseId] });
    },
  };
  const background = (what: string, run: Promise<unknown>) =>
    run.catch((error: unknown) => {
      log(`${what} failed: ${errorMessage(error)}`);
      emit('app/error', { source: 'reading', message: `${what} failed: ${errorMessage(error)}`, atMs: Date.now() });
    });

  const noBatchRunning = () => {
    if (reading.current()) throw new DomainError('conflict', `a reading batch (${reading.current()!.batchId}) is already running; wait for it or cancel it`);
  };

  return {
    async 'reading/import'(request, ctx) {
      sessions.require(ctx, 'import slides');
      noBatchRunning();
      await reading.init();
      const files = await listSlideFiles(request.paths);
      if (files.length === 0) throw new DomainError('bad-request', `no slide files (PNG, JPEG, TIFF, BMP) in ${request.paths.join(', ')}`);
      const batchId = `batch-${Date.now().toString(36)}`;
      void background(`Reading batch ${batchId}`, reading.read(files, { batchId, force: request.force, ...callbacks }));
      return { batchId, total: files.length };
    },
    'reading/status'(_request, ctx) {
      sessions.require(ctx, 'see reading progress');
      const model = reading.model;
      return { running: reading.current(), provider: reading.provider, model: model ? { id: model.manifest.id, version: model.manifest.version } : null };
    },
    'reading/cancel'(request, ctx) {
      sessions.require(ctx, 'cancel a reading batch');
      return { cancelled: reading.cancel(request.batchId) };
    },
    async 'reading/resume'(request, ctx) {
      sessions.require(ctx, 'resume a reading batch');
      const batch = request.batchId ? getBatch(db, request.batchId) : latestUnfinishedBatch(db);
      if (!batch) {
        if (request.batchId) throw new DomainError('not-found', `reading batch '${request.batchId}' does not exist`);
        return { batchId: null, total: 0 };
      }
      const total = listBatchItems(db, batch.id, 'pending').length;
      void background(`Resuming reading batch ${batch.id}`, reading.resume(batch.id, callbacks));
      return { batchId: batch.id, total };
    },
    'reading/batch'(request, ctx) {
      sessions.require(ctx, 'see a reading batch');
      const batch = getBatch(db, request.batchId);
      if (!batch) throw new DomainError('not-found', `reading batch '${request.batchId}' does not exist`);
      const items = listBatchItems(db, batch.id).map(({ seq, path, status, errorCode, error, slideId, readingId }) => ({ seq, path, status, errorCode, error, slideId, readingId }));
      return { ...batch, items };
    },
    'reading/assumed-pixel-size'(_request, ctx) {
      sessions.require(ctx, 'see which fields were read at an assumed pixel size');
      return { cases: listUnsignedCasesWithAssumedPixelSize(db) };
    },
    async 'reading/read-again'(request, ctx) {
      const user = sessions.require(ctx, 'read cases again');
      noBatchRunning();
      const { cases, notReadAgain } = await filesToReadAgain(db, request.caseIds);
      const paths = cases.flatMap((c) => c.paths);
      if (paths.length === 0) return { batchId: null, total: 0, notReadAgain };
      await reading.init();
      auditReadAgain(db, actorOf(user), cases);
      const batchId = `batch-${Date.now().toString(36)}`;
      void background(`Reading again batch ${batchId}`, reading.read(paths, { batchId, force: true, ...callbacks }));
      return { batchId, total: paths.length, notReadAgain };
    },
  };
}
