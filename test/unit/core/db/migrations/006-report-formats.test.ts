import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPORT_FORMAT_KEYS } from '../../../../../electron/contract';
import { openDatabase, openUnmigrated } from '../../../../../electron/core/db/connection';
import { MIGRATIONS } from '../../../../../electron/core/db/migrations';
import { migration006 } from '../../../../../electron/core/db/migrations/006-report-formats';

const before006 = MIGRATIONS.slice(0, MIGRATIONS.indexOf(migration006));

/** A record at the version just before 006 with a stored, superseded and exported report (raw SQL: the repositories speak the new schema). */
function recordBefore006(path: string) {
  const db = openUnmigrated(path);
  for (const m of before006) m.up(db);
  db.pragma(`user_version = ${before006.length}`);
  const sha = 'a'.repeat(64);
  db.exec(`
    INSERT INTO reports (id, case_id, signature_id, format, file_name, bytes, sha256, created_at_ms) VALUES (1, NULL, NULL, 'csv', 'day-1.csv', x'01', '${sha}', 1), (2, NULL, NULL, 'csv', 'day-1.csv', x'02', '${sha}', 2);
    UPDATE reports SET superseded_by_id = 2 WHERE id = 1;
    INSERT INTO report_exports (report_id, format, destination, sha256, size_bytes, case_ids_json, status, exported_at_ms) VALUES (2, 'csv', '/outbox/day-1.csv', '${sha}', 1, '[]', 'ok', 3);
  `);
  db.close();
}

describe('migration 006 (report formats from the registry)', () => {
  it('keeps every stored report, its supersession and its export, and keeps the record append-only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ana-m006-'));
    try {
      const path = join(dir, 'ana.db');
      recordBefore006(path);
      const db = openDatabase(path);
      expect(db.prepare('SELECT id, format, superseded_by_id AS supersededBy FROM reports ORDER BY id').all()).toEqual([
        { id: 1, format: 'csv', supersededBy: 2 },
        { id: 2, format: 'csv', supersededBy: null },
      ]);
      expect(db.prepare('SELECT report_id AS reportId FROM report_exports').all()).toEqual([{ reportId: 2 }]);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(() => db.prepare('DELETE FROM reports WHERE id = 2').run()).toThrow(/reports cannot be deleted/);
      expect(() => db.prepare("UPDATE reports SET file_name = 'x' WHERE id = 2").run()).toThrow(/only superseded once/);
      expect(() => db.prepare('DELETE FROM report_exports').run()).toThrow(/append-only/);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts exactly the registry formats: the table is the registry, and an unknown format is refused', () => {
    const db = openDatabase(':memory:');
    expect((db.prepare('SELECT key FROM report_formats ORDER BY key').all() as { key: string }[]).map((r) => r.key)).toEqual([...REPORT_FORMAT_KEYS].sort());
    const insert = db.prepare("INSERT INTO reports (case_id, signature_id, format, file_name, bytes, sha256, created_at_ms) VALUES (NULL, NULL, ?, 'f', x'00', ?, 1)");
    for (const key of REPORT_FORMAT_KEYS) expect(() => insert.run(key, 'b'.repeat(64))).not.toThrow();
    expect(() => insert.run('docx', 'b'.repeat(64))).toThrow(/FOREIGN KEY/);
    // A format added to the registry is listed on the next open, without a migration.
    db.prepare("INSERT INTO report_formats (key) VALUES ('docx')").run();
    expect(() => insert.run('docx', 'b'.repeat(64))).not.toThrow();
    db.close();
  });
});
