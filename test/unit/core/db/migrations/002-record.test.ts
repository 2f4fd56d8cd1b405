import { describe, expect, it } from 'vitest';
import { migration001 } from '../../../../../electron/core/db/migrations/001-initial';
import { migration002 } from '../../../../../electron/core/db/migrations/002-record';
import { openDatabase, openUnmigrated, SCHEMA_VERSION } from '../../../../../electron/core/db/connection';
import { tempDbPath } from '../../../../support/record-fixtures';

describe('migration 002 (the clinical record)', () => {
  it('upgrades a version-1 database without losing its cases, slides and readings', () => {
    const path = tempDbPath();
    const v1 = openUnmigrated(path);
    migration001.up(v1);
    v1.pragma('user_version = 1');
    v1.prepare("INSERT INTO cases (accession_id, status, received_at_ms, created_at_ms) VALUES ('A-1', 'read', 10, 11)").run();
    v1.prepare("INSERT INTO slides (case_id, path, file_name, sha256, size_bytes, width_px, height_px, format, created_at_ms) VALUES (1, '/p.png', 'p.png', 'abc', 5, 2, 2, 'png', 12)").run();
    v1.prepare(
      `INSERT INTO readings (slide_id, model_id, model_version, provider, status, labels_json, probabilities_json, predicted_json, patch_count, patches_json, timings_json, created_at_ms)
       VALUES (1, 'm', '1', 'cpu', 'done', '["homogeneous"]', '[0.7]', '["homogeneous"]', 1, '[]', '{}', 13)`,
    ).run();
    v1.close();

    const db = openDatabase(path);
    // Later migrations (003 reading batches, ...) apply on top; 002 itself is what this test checks.
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(2);
    expect(db.prepare('SELECT accession_id AS a, status, patient_id AS p, run_id AS r FROM cases').get()).toEqual({ a: 'A-1', status: 'read', p: null, r: null });
    expect(db.prepare('SELECT thresholds_json AS t, probabilities_json AS p FROM readings').get()).toEqual({ t: null, p: '[0.7]' });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    for (const t of ['users', 'decisions', 'signatures', 'reports', 'report_exports', 'model_versions', 'training_runs', 'settings', 'audit_log']) expect(tables).toContain(t);
    const strict = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE '%STRICT'").all();
    expect(strict).toEqual([]);
    const triggers = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]).map((t) => t.name);
    for (const t of ['audit_no_update', 'audit_no_delete', 'audit_extends_head', 'signatures_physician_only', 'cases_signed_frozen', 'decisions_signed_frozen']) expect(triggers).toContain(t);
    db.close();
  });

  it('runs inside one transaction: a failure part-way leaves no half-made schema', () => {
    const db = openUnmigrated(':memory:');
    migration001.up(db);
    db.exec('CREATE TABLE audit_log (x INTEGER) STRICT'); // makes 002 fail at its last table
    expect(() => db.transaction(() => migration002.up(db)).immediate()).toThrow(/already exists/);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('users','decisions')").get()).toEqual({ n: 0 });
  });
});
