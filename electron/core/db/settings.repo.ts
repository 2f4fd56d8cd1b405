/** Lab settings as JSON values by key; every change is audited with its old and new value. */
import { appendAudit, SYSTEM_ACTOR, type Actor } from './audit.repo';
import { runWrite, type ReadableDb, type WritableDb } from './connection';

export function getSetting<T>(db: ReadableDb, key: string): T | undefined {
  const row = db.prepare('SELECT value_json AS valueJson FROM settings WHERE key = ?').get(key) as { valueJson: string } | undefined;
  return row ? (JSON.parse(row.valueJson) as T) : undefined;
}

export function setSetting(db: WritableDb, key: string, value: unknown, actor: Actor = SYSTEM_ACTOR, nowMs = Date.now()): void {
  if (value === undefined) throw new Error(`Setting '${key}': a value is required`);
  runWrite(db, `Changing setting '${key}'`, () => {
    const old = getSetting<unknown>(db, key);
    db.prepare(
      `INSERT INTO settings (key, value_json, updated_at_ms, updated_by) VALUES (?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at_ms = excluded.updated_at_ms, updated_by = excluded.updated_by`,
    ).run(key, JSON.stringify(value), nowMs, actor.userId);
    appendAudit(db, { actor, action: old === undefined ? 'create' : 'update', entity: 'setting', entityId: key, oldValue: old, newValue: value, atMs: nowMs });
  });
}
