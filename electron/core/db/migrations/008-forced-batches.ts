import type { Migration } from './migration';

/**
 * Whether a reading batch reads its files again even when the model version has read them
 * (`ana read --force`, the app's "read again" with the microscope profile). Recorded with the
 * batch so a forced batch that a crash, kill or cancel interrupted is resumed as forced: without
 * it, resuming would skip every file still pending as "already read" and the re-reading would
 * silently not happen. Batches stored before keep 0, as they were started.
 */
export const migration008: Migration = {
  name: 'forced-batches',
  up(db) {
    db.exec(`ALTER TABLE reading_batches ADD COLUMN force INTEGER NOT NULL DEFAULT 0 CHECK (force IN (0, 1));`);
  },
};
