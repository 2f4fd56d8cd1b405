/**
 * Stored reports (the exact PDF/HL7/CSV bytes handed out, with their sha256) and the append-only
 * export log. A report is never changed or deleted; a newer one supersedes it (once).
 */
import type { ReportFormatKey } from '../../contract';
import { appendAudit, type Actor } from './audit.repo';
import { sha256Hex } from './canonical-json';
import { runWrite, type ReadableDb, type WritableDb } from './connection';

/** A format of the registry (contract/report-formats.ts); the database accepts exactly those (report_formats). */
export type ReportFormat = ReportFormatKey;

export interface ReportMeta {
  id: number;
  caseId: number | null;
  signatureId: number | null;
  format: ReportFormat;
  fileName: string;
  sha256: string;
  sizeBytes: number;
  createdBy: number | null;
  createdAtMs: number;
  supersededById: number | null;
}

export interface ReportRow extends ReportMeta {
  bytes: Uint8Array;
}

const META = `id, case_id AS caseId, signature_id AS signatureId, format, file_name AS fileName, sha256,
  length(bytes) AS sizeBytes, created_by AS createdBy, created_at_ms AS createdAtMs, superseded_by_id AS supersededById`;

export function getReport(db: ReadableDb, id: number): ReportRow | undefined {
  return db.prepare(`SELECT ${META}, bytes FROM reports WHERE id = ?`).get(id) as ReportRow | undefined;
}

export function listReportsOfCase(db: ReadableDb, caseId: number): ReportMeta[] {
  return db.prepare(`SELECT ${META} FROM reports WHERE case_id = ? ORDER BY id`).all(caseId) as ReportMeta[];
}

export interface NewReport {
  caseId: number | null;
  signatureId: number | null;
  format: ReportFormat;
  fileName: string;
  bytes: Uint8Array;
  createdBy: number | null;
  createdAtMs: number;
  /** The report this one replaces (marked superseded in the same transaction). */
  supersedesId?: number | null;
}

export function insertReport(db: WritableDb, report: NewReport, actor: Actor): ReportMeta {
  return runWrite(db, `Storing a ${report.format} report${report.caseId === null ? '' : ` of case ${report.caseId}`}`, () => {
    const sha256 = sha256Hex(report.bytes);
    const info = db
      .prepare('INSERT INTO reports (case_id, signature_id, format, file_name, bytes, sha256, created_by, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(report.caseId, report.signatureId, report.format, report.fileName, Buffer.from(report.bytes), sha256, report.createdBy, report.createdAtMs);
    const id = Number(info.lastInsertRowid);
    if (report.supersedesId != null) {
      db.prepare('UPDATE reports SET superseded_by_id = ? WHERE id = ?').run(id, report.supersedesId);
      appendAudit(db, { actor, action: 'update', entity: 'report', entityId: report.supersedesId, caseId: report.caseId, oldValue: { supersededById: null }, newValue: { supersededById: id }, atMs: report.createdAtMs });
    }
    const { bytes: _bytes, ...meta } = getReport(db, id)!;
    appendAudit(db, { actor, action: 'create', entity: 'report', entityId: id, caseId: report.caseId, newValue: meta, atMs: report.createdAtMs });
    return meta;
  });
}

export interface ReportExportRow {
  id: number;
  reportId: number | null;
  format: ReportFormat;
  destination: string;
  sha256: string;
  sizeBytes: number;
  caseIds: number[];
  deidentified: boolean;
  status: 'ok' | 'failed';
  error: string | null;
  exportedBy: number | null;
  exportedAtMs: number;
}

export type NewReportExport = Omit<ReportExportRow, 'id'>;

export function insertReportExport(db: WritableDb, entry: NewReportExport, actor: Actor): ReportExportRow {
  return runWrite(db, `Logging an export to ${entry.destination}`, () => {
    const info = db
      .prepare(
        `INSERT INTO report_exports (report_id, format, destination, sha256, size_bytes, case_ids_json, deidentified, status, error, exported_by, exported_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(entry.reportId, entry.format, entry.destination, entry.sha256, entry.sizeBytes, JSON.stringify(entry.caseIds), entry.deidentified ? 1 : 0, entry.status, entry.error, entry.exportedBy, entry.exportedAtMs);
    const row = { ...entry, id: Number(info.lastInsertRowid) };
    appendAudit(db, { actor, action: 'export', entity: 'report-export', entityId: row.id, caseId: entry.caseIds.length === 1 ? entry.caseIds[0]! : null, newValue: row, atMs: entry.exportedAtMs });
    return row;
  });
}

export function listReportExports(db: ReadableDb, options: { limit?: number } = {}): ReportExportRow[] {
  const rows = db
    .prepare(
      `SELECT id, report_id AS reportId, format, destination, sha256, size_bytes AS sizeBytes, case_ids_json AS caseIdsJson,
         deidentified, status, error, exported_by AS exportedBy, exported_at_ms AS exportedAtMs
       FROM report_exports ORDER BY id DESC LIMIT ?`,
    )
    .all(options.limit ?? 1000) as (Omit<ReportExportRow, 'caseIds' | 'deidentified'> & { caseIdsJson: string; deidentified: number })[];
  return rows.map(({ caseIdsJson, deidentified, ...rest }) => ({ ...rest, caseIds: JSON.parse(caseIdsJson), deidentified: deidentified === 1 }));
}
