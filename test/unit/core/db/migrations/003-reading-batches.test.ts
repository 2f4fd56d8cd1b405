import { describe, expect, it } from 'vitest';
import { openDatabase, openUnmigrated } from '../../../../../electron/core/db/connection';
import { migration001 } from '../../../../../electron/core/db/migrations/001-initial';
import { migration003 } from '../../../../../electron/core/db/migrations/003-reading-batches';
import { batchCounts, createBatch, finishBatchItem, latestUnfinishedBatch, listBatchItems, setBatchStatus } from '../../../../../electron/core/db/reading-batch.repo';

describe('migration 003 (reading batches)', () => {
  it('creates STRICT batch tables that refuse unknown states and dangling items', () => {
    const db = openUnmigrated(':memory:');
    db.pragma('foreign_keys = ON');
    migration001.up(db);
    migration003.up(db);
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name LIKE 'reading_batch%' ORDER BY name").all() as { name: string; sql: string }[];
    expect(tables.map((t) => t.name)).toEqual(['reading_batch_items', 'reading_batches']);
    for (const t of tables) expect(t.sql).toMatch(/STRICT\s*$/);
    expect(() => db.prepare("INSERT INTO reading_batches (id, model_id, model_version, status, total, started_at_ms) VALUES ('b', 'm', '1', 'paused', 1, 1)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO reading_batch_items (batch_id, seq, path) VALUES ('nope', 0, '/x.png')").run()).toThrow(/FOREIGN KEY/);
  });

  it('keeps a batch queue across reopening: pending, finished and failed items with their errors', () => {
    const db = openDatabase(':memory:');
    createBatch(db, { id: 'b1', modelId: 'm', modelVersion: '1', startedAtMs: 5 }, ['/a.png', '/b.png', '/c.png']);
    finishBatchItem(db, 'b1', 0, { status: 'failed', errorCode: 'slide-unreadable', error: '/a.png: file is empty', atMs: 6 });
    expect(batchCounts(db, 'b1')).toEqual({ pending: 2, done: 0, skipped: 0, failed: 1 });
    expect(listBatchItems(db, 'b1', 'pending').map((i) => i.path)).toEqual(['/b.png', '/c.png']);
    expect(listBatchItems(db, 'b1', 'failed')[0]).toMatchObject({ errorCode: 'slide-unreadable', error: '/a.png: file is empty' });
    expect(latestUnfinishedBatch(db)?.id).toBe('b1');
    setBatchStatus(db, 'b1', 'finished', 9);
    expect(latestUnfinishedBatch(db)).toBeUndefined();
    db.close();
  });
});
