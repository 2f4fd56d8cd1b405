import type { Migration } from './migration';

/**
 * Reading batches: the queue of a day's files, persisted so a batch survives a crash or kill.
 * Items move pending → done | skipped | failed as the reader finishes them; a failed item keeps
 * its error so the lab sees which file failed and why. Operational state, not clinical record:
 * readings themselves stay in `readings` (audited there).
 */
export const migration003: Migration = {
  name: 'reading-batches',
  up(db) {
    db.exec(`
      CREATE TABLE reading_batches (
        id TEXT PRIMARY KEY,
        model_id TEXT NOT NULL,
        model_version TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running','finished','cancelled')),
        total INTEGER NOT NULL,
        started_at_ms INTEGER NOT NULL,
        finished_at_ms INTEGER
      ) STRICT;

      CREATE TABLE reading_batch_items (
        batch_id TEXT NOT NULL REFERENCES reading_batches(id),
        seq INTEGER NOT NULL,
        path TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','done','skipped','failed')),
        error_code TEXT,
        error TEXT,
        slide_id INTEGER REFERENCES slides(id),
        reading_id INTEGER REFERENCES readings(id),
        finished_at_ms INTEGER,
        PRIMARY KEY (batch_id, seq)
      ) STRICT;
      CREATE INDEX reading_batch_items_status ON reading_batch_items(batch_id, status);
    `);
  },
};
