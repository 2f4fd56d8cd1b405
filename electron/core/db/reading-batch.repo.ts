import type { ReadableDb, WritableDb } from './connection';

export type BatchStatus = 'running' | 'finished' | 'cancelled';
export type BatchItemStatus = 'pending' | 'done' | 'skipped' | 'failed';

export interface ReadingBatchRow {
  id: string;
  modelId: string;
  modelVersion: string;
  status: BatchStatus;
  total: number;
  startedAtMs: number;
  finishedAtMs: number | null;
  /** Files this model version has read are read again (a resumed batch keeps it). */
  force: boolean;
}

export interface ReadingBatchItemRow {
  batchId: string;
  seq: number;
  path: string;
  status: BatchItemStatus;
  errorCode: string | null;
  error: string | null;
  slideId: number | null;
  readingId: number | null;
  finishedAtMs: number | null;
}

const SELECT_BATCH = `SELECT id, model_id AS modelId, model_version AS modelVersion, status, total,
  started_at_ms AS startedAtMs, finished_at_ms AS finishedAtMs, force FROM reading_batches`;
const SELECT_ITEM = `SELECT batch_id AS batchId, seq, path, status, error_code AS errorCode, error, slide_id AS slideId,
  reading_id AS readingId, finished_at_ms AS finishedAtMs FROM reading_batch_items`;

/** Creates a batch and its pending items in one transaction. */
export function createBatch(db: WritableDb, batch: { id: string; modelId: string; modelVersion: string; startedAtMs: number; force?: boolean }, paths: string[]): ReadingBatchRow {
  db.transaction(() => {
    db.prepare(`INSERT INTO reading_batches (id, model_id, model_version, status, total, started_at_ms, force) VALUES (?, ?, ?, 'running', ?, ?, ?)`).run(
      batch.id,
      batch.modelId,
      batch.modelVersion,
      paths.length,
      batch.startedAtMs,
      batch.force ? 1 : 0,
    );
    const insert = db.prepare('INSERT INTO reading_batch_items (batch_id, seq, path) VALUES (?, ?, ?)');
    paths.forEach((path, seq) => insert.run(batch.id, seq, path));
  }).immediate();
  return getBatch(db, batch.id)!;
}

type StoredBatchRow = Omit<ReadingBatchRow, 'force'> & { force: number };
const batchRow = (row: StoredBatchRow | undefined): ReadingBatchRow | undefined => (row ? { ...row, force: row.force === 1 } : undefined);

export function getBatch(db: ReadableDb, id: string): ReadingBatchRow | undefined {
  return batchRow(db.prepare(`${SELECT_BATCH} WHERE id = ?`).get(id) as StoredBatchRow | undefined);
}

/** The newest batch that did not finish (crashed, killed or cancelled), if any. */
export function latestUnfinishedBatch(db: ReadableDb): ReadingBatchRow | undefined {
  return batchRow(db.prepare(`${SELECT_BATCH} WHERE status != 'finished' ORDER BY started_at_ms DESC, rowid DESC LIMIT 1`).get() as StoredBatchRow | undefined);
}

export function listBatchItems(db: ReadableDb, batchId: string, status?: BatchItemStatus): ReadingBatchItemRow[] {
  if (status) return db.prepare(`${SELECT_ITEM} WHERE batch_id = ? AND status = ? ORDER BY seq`).all(batchId, status) as ReadingBatchItemRow[];
  return db.prepare(`${SELECT_ITEM} WHERE batch_id = ? ORDER BY seq`).all(batchId) as ReadingBatchItemRow[];
}

export function finishBatchItem(
  db: WritableDb,
  batchId: string,
  seq: number,
  outcome: { status: Exclude<BatchItemStatus, 'pending'>; errorCode?: string | null; error?: string | null; slideId?: number | null; readingId?: number | null; atMs: number },
): void {
  db.prepare('UPDATE reading_batch_items SET status = ?, error_code = ?, error = ?, slide_id = ?, reading_id = ?, finished_at_ms = ? WHERE batch_id = ? AND seq = ?').run(
    outcome.status,
    outcome.errorCode ?? null,
    outcome.error ?? null,
    outcome.slideId ?? null,
    outcome.readingId ?? null,
    outcome.atMs,
    batchId,
    seq,
  );
}

export function setBatchStatus(db: WritableDb, id: string, status: BatchStatus, atMs: number | null): void {
  db.prepare('UPDATE reading_batches SET status = ?, finished_at_ms = ? WHERE id = ?').run(status, atMs, id);
}

export function batchCounts(db: ReadableDb, batchId: string): Record<BatchItemStatus, number> {
  const rows = db.prepare('SELECT status, COUNT(*) AS n FROM reading_batch_items WHERE batch_id = ? GROUP BY status').all(batchId) as { status: BatchItemStatus; n: number }[];
  const out: Record<BatchItemStatus, number> = { pending: 0, done: 0, skipped: 0, failed: 0 };
  for (const r of rows) out[r.status] = r.n;
  return out;
}
