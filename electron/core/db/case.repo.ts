import type { CaseStatus } from '../../contract';
import { appendAudit, SYSTEM_ACTOR, type Actor } from './audit.repo';
import { runWrite, type ReadableDb, type WritableDb } from './connection';

export interface CaseRow {
  id: number;
  accessionId: string;
  status: CaseStatus;
  receivedAtMs: number;
  createdAtMs: number;
  patientId: string | null;
  patientName: string | null;
  /** ISO date (YYYY-MM-DD) as given by the lab system; never parsed into a time zone. */
  patientBirthDate: string | null;
  /** The run (plate / batch of the day) the case was processed in. */
  runId: string | null;
}

/** Identifiers an import may attach to a new case. */
export interface CaseDetails {
  patientId?: string | null;
  patientName?: string | null;
  patientBirthDate?: string | null;
  runId?: string | null;
}

export interface CaseFilter {
  status?: CaseStatus;
  statuses?: CaseStatus[];
  receivedFromMs?: number;
  /** Exclusive upper bound. */
  receivedToMs?: number;
  runId?: string;
  /** Substring of the accession id or patient id (matched literally: % and _ are not wildcards). */
  search?: string;
}

const SELECT_CASE = `SELECT id, accession_id AS accessionId, status, received_at_ms AS receivedAtMs,
  created_at_ms AS createdAtMs, patient_id AS patientId, patient_name AS patientName,
  patient_birth_date AS patientBirthDate, run_id AS runId FROM cases`;

export function getCaseById(db: ReadableDb, id: number): CaseRow | undefined {
  return db.prepare(`${SELECT_CASE} WHERE id = ?`).get(id) as CaseRow | undefined;
}

export function getCaseByAccession(db: ReadableDb, accessionId: string): CaseRow | undefined {
  return db.prepare(`${SELECT_CASE} WHERE accession_id = ?`).get(accessionId) as CaseRow | undefined;
}

/** Cases, newest received first. Every value is bound; only fixed SQL fragments are joined. */
export function listCases(db: ReadableDb, filter: CaseFilter = {}): CaseRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  const statuses = [...(filter.status ? [filter.status] : []), ...(filter.statuses ?? [])];
  if (statuses.length > 0) {
    where.push(`status IN (${statuses.map(() => '?').join(',')})`);
    params.push(...statuses);
  }
  if (filter.receivedFromMs !== undefined) {
    where.push('received_at_ms >= ?');
    params.push(filter.receivedFromMs);
  }
  if (filter.receivedToMs !== undefined) {
    where.push('received_at_ms < ?');
    params.push(filter.receivedToMs);
  }
  if (filter.runId !== undefined) {
    where.push('run_id = ?');
    params.push(filter.runId);
  }
  if (filter.search) {
    where.push("(instr(accession_id, ?) > 0 OR instr(coalesce(patient_id, ''), ?) > 0)");
    params.push(filter.search, filter.search);
  }
  const sql = `${SELECT_CASE}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY received_at_ms DESC, id DESC`;
  return db.prepare(sql).all(...params) as CaseRow[];
}

/** Returns the existing case for this accession id, or creates it (audited). */
export function ensureCase(
  db: WritableDb,
  accessionId: string,
  receivedAtMs: number,
  nowMs: number,
  details: CaseDetails = {},
  actor: Actor = SYSTEM_ACTOR,
): CaseRow {
  return runWrite(db, `Creating case ${accessionId}`, () => {
    const existing = getCaseByAccession(db, accessionId);
    if (existing) return existing;
    const info = db
      .prepare(
        `INSERT INTO cases (accession_id, status, received_at_ms, created_at_ms, patient_id, patient_name, patient_birth_date, run_id)
         VALUES (?, 'new', ?, ?, ?, ?, ?, ?)`,
      )
      .run(accessionId, receivedAtMs, nowMs, details.patientId ?? null, details.patientName ?? null, details.patientBirthDate ?? null, details.runId ?? null);
    const row = getCaseById(db, Number(info.lastInsertRowid))!;
    appendAudit(db, { actor, action: 'create', entity: 'case', entityId: row.id, caseId: row.id, newValue: row, atMs: nowMs });
    return row;
  });
}

export function setCaseStatus(db: WritableDb, id: number, status: CaseStatus, actor: Actor = SYSTEM_ACTOR): void {
  runWrite(db, `Setting case ${id} to ${status}`, () => {
    const before = getCaseById(db, id);
    if (!before || before.status === status) return;
    db.prepare('UPDATE cases SET status = ? WHERE id = ?').run(status, id);
    appendAudit(db, { actor, action: 'update', entity: 'case', entityId: id, caseId: id, oldValue: { status: before.status }, newValue: { status } });
  });
}

/** Patient identifiers and run of a case that is not signed yet (the database refuses otherwise). */
export function updateCaseDetails(db: WritableDb, id: number, details: CaseDetails, actor: Actor = SYSTEM_ACTOR): CaseRow {
  return runWrite(db, `Updating case ${id}`, () => {
    const before = getCaseById(db, id);
    if (!before) throw new Error(`Case ${id} does not exist`);
    const after = { ...before, ...Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined)) } as CaseRow;
    db.prepare('UPDATE cases SET patient_id = ?, patient_name = ?, patient_birth_date = ?, run_id = ? WHERE id = ?').run(
      after.patientId,
      after.patientName,
      after.patientBirthDate,
      after.runId,
      id,
    );
    const changed = (['patientId', 'patientName', 'patientBirthDate', 'runId'] as const).filter((k) => before[k] !== after[k]);
    if (changed.length > 0) {
      appendAudit(db, {
        actor,
        action: 'update',
        entity: 'case',
        entityId: id,
        caseId: id,
        oldValue: Object.fromEntries(changed.map((k) => [k, before[k]])),
        newValue: Object.fromEntries(changed.map((k) => [k, after[k]])),
      });
    }
    return after;
  });
}
