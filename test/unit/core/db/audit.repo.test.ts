import { describe, expect, it } from 'vitest';
import { openDatabase, openUnmigrated, type WritableDb } from '../../../../electron/core/db/connection';
import { appendAudit, auditEntryHash, GENESIS_HASH, listAudit, SYSTEM_ACTOR, verifyAuditChain } from '../../../../electron/core/db/audit.repo';
import { ensureCase, setCaseStatus } from '../../../../electron/core/db/case.repo';
import { verifyRecord } from '../../../../electron/core/review/record-verify';
import { seedReadCase, seedTestUsers, tempDbPath } from '../../../support/record-fixtures';

function seeded(): { path: string; db: WritableDb } {
  const path = tempDbPath();
  const db = openDatabase(path);
  for (let i = 1; i <= 5; i++) appendAudit(db, { actor: SYSTEM_ACTOR, action: 'note', entity: 'test', entityId: i, newValue: { n: i }, atMs: 1000 + i });
  return { path, db };
}

/** What someone with a plain SQLite client could do: drop the guards, then change rows. */
function tamper(path: string, sql: string): void {
  const raw = openUnmigrated(path);
  raw.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DROP TRIGGER audit_extends_head;');
  raw.exec(sql);
  raw.close();
}

describe('audit log', () => {
  it('chains each entry to the previous one from the genesis hash', () => {
    const { db } = seeded();
    const rows = listAudit(db);
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    for (const row of rows) expect(auditEntryHash(row)).toBe(row.hash);
    expect(verifyAuditChain(db)).toMatchObject({ entries: 5, problems: [] });
  });

  it('records old and new values of a change', () => {
    const db = openDatabase(tempDbPath());
    const kase = ensureCase(db, 'A-1', 1, 1);
    setCaseStatus(db, kase.id, 'read', { userId: null, name: 'system:reading' });
    const last = listAudit(db).at(-1)!;
    expect(last).toMatchObject({ actor: 'system:reading', action: 'update', entity: 'case', entityId: String(kase.id), caseId: kase.id });
    expect(JSON.parse(last.oldJson!)).toEqual({ status: 'new' });
    expect(JSON.parse(last.newJson!)).toEqual({ status: 'read' });
  });

  it('is append-only in the database itself: UPDATE and DELETE are refused', () => {
    const { db } = seeded();
    expect(() => db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE id = 2").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE id = 5').run()).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM audit_log')).toThrow(/append-only/);
    expect(verifyAuditChain(db).problems).toEqual([]);
  });

  it('refuses an insert that does not extend the head of the chain', () => {
    const { db } = seeded();
    const head = listAudit(db).at(-1)!;
    const insert = db.prepare(
      "INSERT INTO audit_log (id, at_ms, actor, action, entity, prev_hash, hash) VALUES (?, 1, 'x', 'note', 'test', ?, ?)",
    );
    expect(() => insert.run(6, GENESIS_HASH, 'f'.repeat(64))).toThrow(/extend the head/);
    expect(() => insert.run(9, head.hash, 'f'.repeat(64))).toThrow(/extend the head/);
    expect(() => insert.run(3, head.hash, 'f'.repeat(64))).toThrow(/extend the head/);
  });

  it('names the row that was edited behind its back', () => {
    const { path, db } = seeded();
    db.close();
    tamper(path, `UPDATE audit_log SET new_json = '{"n":333}' WHERE id = 3`);
    const problems = verifyAuditChain(openDatabase(path, { readonly: true })).problems;
    expect(problems).toEqual([expect.objectContaining({ rowId: 3, kind: 'edited' })]);
  });

  it('names where a row was deleted', () => {
    const { path, db } = seeded();
    db.close();
    tamper(path, 'DELETE FROM audit_log WHERE id = 3');
    const problems = verifyAuditChain(openDatabase(path, { readonly: true })).problems;
    expect(problems.map((p) => [p.rowId, p.kind])).toEqual([
      [4, 'gap'],
      [4, 'deleted-or-reordered'],
    ]);
  });

  it('names reordered rows', () => {
    const { path, db } = seeded();
    db.close();
    // Swap the contents (and their hashes) of rows 2 and 3, keeping the ids in place.
    tamper(
      path,
      `UPDATE audit_log SET id = -2 WHERE id = 2; UPDATE audit_log SET id = 2 WHERE id = 3; UPDATE audit_log SET id = 3 WHERE id = -2;`,
    );
    const problems = verifyAuditChain(openDatabase(path, { readonly: true })).problems;
    expect(problems.map((p) => `${p.rowId} ${p.kind}`)).toEqual(['2 deleted-or-reordered', '2 edited', '3 deleted-or-reordered', '3 edited', '4 deleted-or-reordered']);
  });

  it('catches a cut-off tail through records that lost their audit entry', async () => {
    const path = tempDbPath();
    const db = openDatabase(path);
    await seedTestUsers(db);
    seedReadCase(db, { accessionId: 'T-1' });
    expect(verifyRecord(db).ok).toBe(true);
    const userEntry = listAudit(db).find((e) => e.entity === 'user' && e.entityId === '3')!;
    db.close();
    tamper(path, `DELETE FROM audit_log WHERE id >= ${userEntry.id}`);
    const result = verifyRecord(openDatabase(path, { readonly: true }));
    expect(result.ok).toBe(false);
    expect(result.problems).toContain('user 3 has no creation entry in the audit log (entries were removed)');
  });
});
