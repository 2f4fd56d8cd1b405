import type { Database } from 'better-sqlite3';
import { REPORT_FORMAT_KEYS } from '../../../contract/report-formats';
import type { Migration } from './migration';

/**
 * Report formats from the registry (contract/report-formats.ts), not from a CHECK written into
 * the schema: the `report_formats` table lists the formats the record accepts, and `reports` and
 * `report_exports` reference it. The table is brought up to the registry on every writable open
 * (`seedReportFormats`), so a new format needs no migration; a format dropped from the registry
 * stays listed, because stored reports in it remain part of the record.
 *
 * SQLite cannot change a CHECK in place: both tables are rebuilt (new table, copy, drop, rename,
 * indexes and triggers again) with foreign-key enforcement off for this migration and a
 * foreign_key_check before it commits (the procedure of SQLite's ALTER TABLE documentation).
 */
export const migration006: Migration = {
  name: 'report-formats',
  rebuildsTables: true,
  up(db) {
    db.exec(`
      CREATE TABLE report_formats (key TEXT PRIMARY KEY) STRICT;
      INSERT INTO report_formats (key) VALUES ('pdf'), ('hl7'), ('csv');

      CREATE TABLE reports_rebuilt (
        id INTEGER PRIMARY KEY,
        case_id INTEGER REFERENCES cases(id),        -- null for multi-case exports (e.g. a run's CSV)
        signature_id INTEGER REFERENCES signatures(id),
        format TEXT NOT NULL REFERENCES report_formats(key),
        file_name TEXT NOT NULL,
        bytes BLOB NOT NULL,
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        created_by INTEGER REFERENCES users(id),
        created_at_ms INTEGER NOT NULL,
        superseded_by_id INTEGER REFERENCES reports(id)
      ) STRICT;
      INSERT INTO reports_rebuilt SELECT id, case_id, signature_id, format, file_name, bytes, sha256, created_by, created_at_ms, superseded_by_id FROM reports;
      DROP TABLE reports;
      ALTER TABLE reports_rebuilt RENAME TO reports;
      CREATE INDEX reports_case ON reports(case_id);
      CREATE TRIGGER reports_only_supersede BEFORE UPDATE ON reports
      WHEN OLD.superseded_by_id IS NOT NULL OR NEW.superseded_by_id IS NULL
        OR NEW.id IS NOT OLD.id OR NEW.case_id IS NOT OLD.case_id OR NEW.signature_id IS NOT OLD.signature_id
        OR NEW.format IS NOT OLD.format OR NEW.file_name IS NOT OLD.file_name OR NEW.bytes IS NOT OLD.bytes
        OR NEW.sha256 IS NOT OLD.sha256 OR NEW.created_by IS NOT OLD.created_by OR NEW.created_at_ms IS NOT OLD.created_at_ms
      BEGIN SELECT RAISE(ABORT, 'a report cannot be changed, only superseded once'); END;
      CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports
      BEGIN SELECT RAISE(ABORT, 'reports cannot be deleted'); END;

      CREATE TABLE report_exports_rebuilt (
        id INTEGER PRIMARY KEY,
        report_id INTEGER REFERENCES reports(id),
        format TEXT NOT NULL REFERENCES report_formats(key),
        destination TEXT NOT NULL,                   -- file path or LIS endpoint
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        size_bytes INTEGER NOT NULL,
        case_ids_json TEXT NOT NULL,
        deidentified INTEGER NOT NULL DEFAULT 0 CHECK (deidentified IN (0,1)),
        status TEXT NOT NULL CHECK (status IN ('ok','failed')),
        error TEXT,
        exported_by INTEGER REFERENCES users(id),
        exported_at_ms INTEGER NOT NULL
      ) STRICT;
      INSERT INTO report_exports_rebuilt SELECT id, report_id, format, destination, sha256, size_bytes, case_ids_json, deidentified, status, error, exported_by, exported_at_ms FROM report_exports;
      DROP TABLE report_exports;
      ALTER TABLE report_exports_rebuilt RENAME TO report_exports;
      CREATE TRIGGER report_exports_no_update BEFORE UPDATE ON report_exports
      BEGIN SELECT RAISE(ABORT, 'the export log is append-only'); END;
      CREATE TRIGGER report_exports_no_delete BEFORE DELETE ON report_exports
      BEGIN SELECT RAISE(ABORT, 'the export log is append-only'); END;
    `);
  },
};

/** Lists every registry format in report_formats (idempotent; runs on every writable open once 006 is applied). */
export function seedReportFormats(db: Database): void {
  const insert = db.prepare('INSERT OR IGNORE INTO report_formats (key) VALUES (?)');
  for (const key of REPORT_FORMAT_KEYS) insert.run(key);
}
