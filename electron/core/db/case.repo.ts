import type { CaseStatus } from '../../contract';
import type { ReadableDb, WritableDb } from './connection';

export interface CaseRow {
  id: number;
  accessionId: string;
  status: CaseStatus;
  receivedAtMs: number;
  createdAtMs: number;
}

const SELECT_CASE = `SELECT id, accession_id AS accessionId, status, received_at_ms AS receivedAtMs,
  created_at_ms AS createdAtMs FROM cases`;

export function getCaseById(db: ReadableDb, id: number): CaseRow | undefined {
  return db.prepare(`${SELECT_CASE} WHERE id = ?`).get(id) as CaseRow | undefined;
}

export function getCaseByAccession(db: ReadableDb, accessionId: string): CaseRow | undefined {
  return db.prepare(`${SELECT_CASE} WHERE accession_id = ?`).get(accessionId) as CaseRow | undefined;
}

export function listCases(db: ReadableDb, filter: { status?: CaseStatus } = {}): CaseRow[] {
  if (filter.status) {
    return db.prepare(`${SELECT_CASE} WHERE status = ? ORDER BY received_at_ms DESC, id DESC`).all(filter.status) as CaseRow[];
  }
  return db.prepare(`${SELECT_CASE} ORDER BY received_at_ms DESC, id DESC`).all() as CaseRow[];
}

/** Returns the existing case for this accession id, or creates it. */
export function ensureCase(db: WritableDb, accessionId: string, receivedAtMs: number, nowMs: number): CaseRow {
  const existing = getCaseByAccession(db, accessionId);
  if (existing) return existing;
  const info = db
    .prepare('INSERT INTO cases (accession_id, status, received_at_ms, created_at_ms) VALUES (?, ?, ?, ?)')
    .run(accessionId, 'new', receivedAtMs, nowMs);
  return getCaseById(db, Number(info.lastInsertRowid))!;
}

export function setCaseStatus(db: WritableDb, id: number, status: CaseStatus): void {
  db.prepare('UPDATE cases SET status = ? WHERE id = ?').run(status, id);
}
