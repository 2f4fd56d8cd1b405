import { describe, expect, it } from 'vitest';
import { openUnmigrated } from '../../../../../electron/core/db/connection';
import { migration001 } from '../../../../../electron/core/db/migrations/001-initial';

describe('migration 001 (cases, slides, readings)', () => {
  it('creates STRICT tables that refuse wrongly typed values and dangling references', () => {
    const db = openUnmigrated(':memory:');
    db.pragma('foreign_keys = ON');
    migration001.up(db);
    const tables = (db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string }[]);
    expect(tables.map((t) => t.name)).toEqual(['cases', 'readings', 'slides']);
    for (const t of tables) expect(t.sql).toMatch(/STRICT\s*$/);
    expect(() => db.prepare("INSERT INTO cases (accession_id, received_at_ms, created_at_ms) VALUES ('A', 'yesterday', 1)").run()).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(() => db.prepare("INSERT INTO cases (accession_id, status, received_at_ms, created_at_ms) VALUES ('A', 'done', 1, 1)").run()).toThrow(/CHECK constraint/);
    db.prepare("INSERT INTO cases (accession_id, received_at_ms, created_at_ms) VALUES ('A', 1, 1)").run();
    expect(() => db.prepare("INSERT INTO cases (accession_id, received_at_ms, created_at_ms) VALUES ('A', 2, 2)").run()).toThrow(/UNIQUE/);
    expect(() =>
      db.prepare("INSERT INTO slides (case_id, path, file_name, sha256, size_bytes, width_px, height_px, format, created_at_ms) VALUES (99, 'p', 'f', 's', 1, 1, 1, 'png', 1)").run(),
    ).toThrow(/FOREIGN KEY/);
  });
});
