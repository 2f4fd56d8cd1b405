/**
 * The audit chain's entries: their shape, their hash, and the plain insert at the head. Kept free
 * of the connection module so a migration can write entries too (migration 004); application code
 * appends through `appendAudit` (audit.repo.ts), which wraps this in a transaction.
 */
import type { Database } from 'better-sqlite3';
import { canonicalJson, sha256Hex } from './canonical-json';

/** Who did it: a user, or a named part of the system (e.g. the reading pipeline). */
export interface Actor {
  userId: number | null;
  name: string;
}

export const SYSTEM_ACTOR: Actor = { userId: null, name: 'system' };

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditInput {
  actor: Actor;
  /** create | update | delete | sign | amend | login | login-failed | logout | ... */
  action: string;
  /** Table-level noun: case, slide, reading, decision, signature, user, report, setting, ... */
  entity: string;
  entityId?: string | number | null;
  caseId?: number | null;
  oldValue?: unknown;
  newValue?: unknown;
  atMs?: number;
}

export interface AuditEntry {
  id: number;
  atMs: number;
  userId: number | null;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  caseId: number | null;
  oldJson: string | null;
  newJson: string | null;
  prevHash: string;
  hash: string;
}

/** The hash of one entry given its predecessor's hash. Everything but `hash` itself is covered. */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const content = canonicalJson({
    id: entry.id,
    atMs: entry.atMs,
    userId: entry.userId,
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    caseId: entry.caseId,
    old: entry.oldJson,
    new: entry.newJson,
  });
  return sha256Hex(`${entry.prevHash}\n${content}`);
}

/** Inserts one entry at the head of the chain; the caller holds the write transaction. */
export function insertAuditEntry(db: Pick<Database, 'prepare'>, input: AuditInput): AuditEntry {
  const head = db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string } | undefined;
  const entry: Omit<AuditEntry, 'hash'> = {
    id: (head?.id ?? 0) + 1,
    atMs: input.atMs ?? Date.now(),
    userId: input.actor.userId,
    actor: input.actor.name,
    action: input.action,
    entity: input.entity,
    entityId: input.entityId === undefined || input.entityId === null ? null : String(input.entityId),
    caseId: input.caseId ?? null,
    oldJson: input.oldValue === undefined ? null : canonicalJson(input.oldValue),
    newJson: input.newValue === undefined ? null : canonicalJson(input.newValue),
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  const hash = auditEntryHash(entry);
  db.prepare(
    `INSERT INTO audit_log (id, at_ms, user_id, actor, action, entity, entity_id, case_id, old_json, new_json, prev_hash, hash)
     VALUES (@id, @atMs, @userId, @actor, @action, @entity, @entityId, @caseId, @oldJson, @newJson, @prevHash, @hash)`,
  ).run({ ...entry, hash });
  return { ...entry, hash };
}

