/**
 * The audit anchor: the head of the audit hash chain (row count and hash), appended as one JSON
 * line to a file beside the database at every signing and every verification. The chain proves
 * that no row inside the log was changed; only something outside the database can prove that
 * none was cut off its end. Verification checks the log against every anchor line: a log shorter
 * than an anchor, or whose row at an anchor's count has another hash, was truncated or rewritten.
 *
 * The file is append-only by use (opened with O_APPEND, fsynced, never rewritten) and lies in the
 * data folder: `<database file>.audit-anchor`. Copies kept elsewhere (a daily e-mail, the lab's
 * document system) make it stronger; docs/audit-trail.md says how.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { DomainError } from '../errors';
import type { ReadableDb } from './connection';
import { GENESIS_HASH } from './audit.repo';

export const ANCHOR_SUFFIX = '.audit-anchor';

export interface AuditAnchor {
  atMs: number;
  /** What wrote it: a signing, an amendment or a verification. */
  event: 'sign' | 'amend' | 'verify';
  /** Rows in the log (the head's id) and the head's hash. */
  entries: number;
  headHash: string;
  /** For verifications: whether the record passed. Anchors of failed verifications are not used as references. */
  verified?: boolean;
}

/** The anchor file of a database file; null for an in-memory database. */
export function anchorPathOf(dbPath: string): string | null {
  return dbPath === '' || dbPath === ':memory:' ? null : `${dbPath}${ANCHOR_SUFFIX}`;
}

export function auditHead(db: ReadableDb): { entries: number; headHash: string } {
  const head = db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string } | undefined;
  return { entries: head?.id ?? 0, headHash: head?.hash ?? GENESIS_HASH };
}

/** Appends one anchor line and forces it to disk. */
export function appendAnchor(anchorPath: string, anchor: AuditAnchor): void {
  try {
    const fd = openSync(anchorPath, 'a', 0o644);
    try {
      appendFileSync(fd, `${JSON.stringify(anchor)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new DomainError('internal', `Cannot write the audit anchor ${anchorPath}: ${(error as Error).message}. Check that the data folder is writable.`, { cause: error });
  }
}

/** Anchors the current head of `db` (a file database) after a signing. */
export function anchorHead(db: ReadableDb & { readonly name: string }, event: AuditAnchor['event'], nowMs = Date.now()): void {
  const path = anchorPathOf(db.name);
  if (path) appendAnchor(path, { atMs: nowMs, event, ...auditHead(db) });
}

function isAnchor(value: unknown): value is AuditAnchor {
  const a = value as AuditAnchor;
  return (
    typeof a === 'object' && a !== null && Number.isSafeInteger(a.atMs) && ['sign', 'amend', 'verify'].includes(a.event) &&
    Number.isSafeInteger(a.entries) && a.entries >= 0 && typeof a.headHash === 'string' && /^[0-9a-f]{64}$/.test(a.headHash)
  );
}

/** The anchor lines of a file (none if it does not exist), and the lines that are not anchors. */
export function readAnchors(anchorPath: string): { anchors: AuditAnchor[]; problems: string[] } {
  if (!existsSync(anchorPath)) return { anchors: [], problems: [] };
  const anchors: AuditAnchor[] = [];
  const problems: string[] = [];
  const lines = readFileSync(anchorPath, 'utf8').split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    if (isAnchor(parsed)) anchors.push(parsed);
    else problems.push(`anchor file ${anchorPath} line ${index + 1} is not a valid anchor (the file was edited)`);
  });
  return { anchors, problems };
}

function describe(anchor: AuditAnchor): string {
  return `the anchor written ${new Date(anchor.atMs).toISOString()} (${anchor.event})`;
}

/**
 * Checks the log against every anchor that records a good state: the log must reach each anchor's
 * row count, and the row there must still have the anchored hash. Reports the longest anchor the
 * log falls short of, and the earliest anchor it no longer matches (where rewriting began).
 */
export function anchorProblems(db: ReadableDb, anchors: AuditAnchor[]): string[] {
  const head = auditHead(db);
  const references = anchors.filter((a) => a.verified !== false);
  const problems: string[] = [];
  const longest = references.reduce<AuditAnchor | undefined>((best, a) => (a.entries > (best?.entries ?? head.entries) ? a : best), undefined);
  if (longest) {
    const missing = longest.entries === head.entries + 1 ? `row ${longest.entries} was` : `rows ${head.entries + 1}..${longest.entries} were`;
    problems.push(`the audit log ends at row ${head.entries}, but ${describe(longest)} recorded ${longest.entries} rows: ${missing} cut off`);
  }
  const hashAt = db.prepare('SELECT hash FROM audit_log WHERE id = ?');
  for (const anchor of references) {
    if (anchor.entries === 0 || anchor.entries > head.entries) continue;
    const row = hashAt.get(anchor.entries) as { hash: string } | undefined;
    if (row?.hash !== anchor.headHash) {
      problems.push(`audit row ${anchor.entries} does not match ${describe(anchor)} (the log was rewritten)`);
      break;
    }
  }
  return problems;
}
