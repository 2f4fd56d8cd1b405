/**
 * The audit log: every create, change and deletion in the record, with who, when, and the old
 * and new values. Append-only (triggers refuse UPDATE and DELETE) and hash-chained: each entry's
 * hash is sha256(previous hash + "\n" + canonical JSON of its own content, id included), so an
 * edited, deleted or reordered entry breaks the chain at that row. The database refuses an
 * insert that does not extend the current head; the hashes themselves are computed here because
 * SQLite has no sha256, and are re-checked by `verifyAuditChain` (`ana audit verify`).
 */
import { auditEntryHash, GENESIS_HASH, insertAuditEntry, type AuditEntry, type AuditInput } from './audit-chain';
import { inTransaction, type ReadableDb, type WritableDb } from './connection';

export { auditEntryHash, GENESIS_HASH, SYSTEM_ACTOR, type Actor, type AuditEntry, type AuditInput } from './audit-chain';

/** Appends one entry at the head of the chain, inside the caller's write transaction if any. */
export function appendAudit(db: WritableDb, input: AuditInput): AuditEntry {
  return inTransaction(db, () => insertAuditEntry(db, input));
}

const SELECT_AUDIT = `SELECT id, at_ms AS atMs, user_id AS userId, actor, action, entity, entity_id AS entityId,
  case_id AS caseId, old_json AS oldJson, new_json AS newJson, prev_hash AS prevHash, hash FROM audit_log`;

export function listAuditOfCase(db: ReadableDb, caseId: number): AuditEntry[] {
  return db.prepare(`${SELECT_AUDIT} WHERE case_id = ? ORDER BY id`).all(caseId) as AuditEntry[];
}

export function listAuditOfEntity(db: ReadableDb, entity: string, entityId: string | number): AuditEntry[] {
  return db.prepare(`${SELECT_AUDIT} WHERE entity = ? AND entity_id = ? ORDER BY id`).all(entity, String(entityId)) as AuditEntry[];
}

export function listAudit(db: ReadableDb, options: { afterId?: number; limit?: number } = {}): AuditEntry[] {
  return db
    .prepare(`${SELECT_AUDIT} WHERE id > ? ORDER BY id LIMIT ?`)
    .all(options.afterId ?? 0, options.limit ?? 1000) as AuditEntry[];
}

export interface AuditProblem {
  /** The audit row where the chain breaks (its id as stored now). */
  rowId: number;
  kind: 'edited' | 'deleted-or-reordered' | 'gap';
  message: string;
}

/**
 * Walks the whole chain. An edited row fails its own hash; a deleted or moved row breaks the
 * link (prev_hash) of the row after it; ids must run 1, 2, 3... so a removed row also leaves a gap.
 * Each row is then checked against its stored hash, so one edit is reported once, not for every
 * later row.
 */
export function verifyAuditChain(db: ReadableDb): { entries: number; headHash: string; problems: AuditProblem[] } {
  const problems: AuditProblem[] = [];
  let prevHash = GENESIS_HASH;
  let prevId = 0;
  let entries = 0;
  for (const row of db.prepare(`${SELECT_AUDIT} ORDER BY id`).iterate() as Iterable<AuditEntry>) {
    entries++;
    if (row.id !== prevId + 1) {
      problems.push({
        rowId: row.id,
        kind: 'gap',
        message: `audit row ${row.id}: expected id ${prevId + 1}; rows ${prevId + 1}..${row.id - 1} are missing (deleted)`,
      });
    }
    if (row.prevHash !== prevHash) {
      problems.push({
        rowId: row.id,
        kind: 'deleted-or-reordered',
        message: `audit row ${row.id}: does not follow ${prevId === 0 ? 'the start of the log' : `row ${prevId}`} (an entry before it was deleted, inserted or moved)`,
      });
    }
    if (auditEntryHash(row) !== row.hash) {
      problems.push({
        rowId: row.id,
        kind: 'edited',
        message: `audit row ${row.id} (${row.action} ${row.entity} ${row.entityId ?? ''}): content does not match its hash (edited)`,
      });
    }
    prevHash = row.hash;
    prevId = row.id;
  }
  return { entries, headHash: prevHash, problems };
}

/** Id of the newest entry by `actor` with one of `actions`, or 0. */
export function lastAuditIdOfActor(db: ReadableDb, actor: string, actions: readonly string[]): number {
  const marks = actions.map(() => '?').join(', ');
  return (db.prepare(`SELECT coalesce(max(id), 0) AS id FROM audit_log WHERE actor = ? AND action IN (${marks})`).get(actor, ...actions) as { id: number }).id;
}

/** Id of the newest password change (by anyone) of a user, or 0. */
export function lastPasswordChangeId(db: ReadableDb, userId: number): number {
  return (db.prepare("SELECT coalesce(max(id), 0) AS id FROM audit_log WHERE entity = 'user' AND entity_id = ? AND action = 'password-change'").get(String(userId)) as { id: number }).id;
}

/** How many times `actor` did `action` after entry `afterId` and at or after `sinceMs`. */
export function countAuditActionsAfter(db: ReadableDb, actor: string, action: string, afterId: number, sinceMs: number): number {
  return (db.prepare('SELECT count(*) AS n FROM audit_log WHERE actor = ? AND action = ? AND id > ? AND at_ms >= ?').get(actor, action, afterId, sinceMs) as { n: number }).n;
}
