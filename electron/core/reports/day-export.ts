/**
 * The day export: every signature made on a calendar day (in the lab's time zone) goes to the
 * outbox, as the format's registry entry says (contract/report-formats.ts): one file per signed
 * report version (HL7 ORU^R01), or one file for the day (CSV).
 *
 * - Only signed results: the query joins signatures to signed decisions of signed/amended cases.
 * - Amendments: their own file, sent as corrections (status C) naming the report they replace.
 * - Atomic: temp file + fsync + rename (outbox.ts), so the LIS never reads a partial file.
 * - Idempotent and logged: what is sent is a stored report row; the export log records
 *   (report, destination, sha256). Asking again sends nothing new — even after the LIS has
 *   consumed and deleted the file — and a crash between rename and log is healed by logging the
 *   file found in place with the same bytes.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { REPORT_FORMATS, type DayExportFormatKey, type SignatureFormatKey } from '../../contract';
import type { ExportSummary, ExportFile } from '../../contract/channels/reports.channels';
import type { Actor } from '../db/audit.repo';
import type { ReadableDb, WritableDb } from '../db/connection';
import { getReport, insertReport, insertReportExport, type ReportMeta } from '../db/report.repo';
import { DomainError, errorMessage } from '../errors';
import { FORMAT_RENDERERS, type DayEntry, type DayFormatRenderer } from './formats';
import { prepareOutbox, sameFileContent, writeFileAtomic, type AtomicWriteHooks } from './outbox';
import { buildSignedCaseReport, loadReportSettings } from './report-record';
import { ensureSignatureReports, type ReportServiceOptions } from './report.service';
import { dayRangeMs } from './report-time';

export interface ExportDayInput {
  date: string;
  format: DayExportFormatKey;
  outboxDir: string;
}

export interface ExportDayOptions extends ReportServiceOptions {
  hooks?: AtomicWriteHooks;
}

/** Signatures of signed decisions made in [startMs, endMs), oldest first. */
export function signaturesSignedBetween(db: ReadableDb, startMs: number, endMs: number): { id: number; caseId: number }[] {
  return db
    .prepare(
      `SELECT s.id AS id, s.case_id AS caseId FROM signatures s
         JOIN decisions d ON d.id = s.decision_id
         JOIN cases c ON c.id = s.case_id
       WHERE s.signed_at_ms >= ? AND s.signed_at_ms < ? AND d.state = 'signed' AND c.status IN ('signed', 'amended')
       ORDER BY s.signed_at_ms, s.id`,
    )
    .all(startMs, endMs) as { id: number; caseId: number }[];
}

function alreadyExported(db: ReadableDb, reportId: number, destination: string, sha256: string): boolean {
  return (
    db
      .prepare(`SELECT 1 FROM report_exports WHERE report_id = ? AND destination = ? AND sha256 = ? AND status = 'ok' LIMIT 1`)
      .get(reportId, destination, sha256) !== undefined
  );
}

function currentDayReport(db: ReadableDb, format: DayExportFormatKey, fileName: string): { id: number; sha256: string } | undefined {
  return db
    .prepare(`SELECT id, sha256 FROM reports WHERE format = ? AND case_id IS NULL AND file_name = ? AND superseded_by_id IS NULL ORDER BY id DESC LIMIT 1`)
    .get(format, fileName) as { id: number; sha256: string } | undefined;
}

export async function exportDay(db: WritableDb, input: ExportDayInput, actor: Actor, options: ExportDayOptions = {}): Promise<ExportSummary> {
  const settings = options.settings ?? loadReportSettings(db);
  const { startMs, endMs } = dayRangeMs(input.date, settings.timeZone);
  const outboxDir = resolve(input.outboxDir);
  const nowMs = options.nowMs ?? Date.now;
  const signatures = signaturesSignedBetween(db, startMs, endMs);
  prepareOutbox(outboxDir);
  const opts = { ...options, settings };

  const toSend: { meta: Pick<ReportMeta, 'id' | 'fileName' | 'sha256' | 'format'>; caseIds: number[] }[] = [];
  const format = input.format;
  if (REPORT_FORMATS[format].dayExport === 'per-signature') {
    for (const sig of signatures) {
      const stored = await ensureSignatureReports(db, sig.id, actor, opts);
      toSend.push({ meta: stored[format as SignatureFormatKey], caseIds: [sig.caseId] });
    }
  } else if (signatures.length > 0) {
    const entries: DayEntry[] = [];
    for (const sig of signatures) {
      const stored = await ensureSignatureReports(db, sig.id, actor, opts);
      entries.push({ report: await buildSignedCaseReport(db, sig.id, settings, { withThumbnail: false }), stored });
    }
    const bytes = (FORMAT_RENDERERS[format] as DayFormatRenderer).render(entries, settings);
    const fileName = `ana-results-${input.date}.${format}`;
    const caseIds = [...new Set(signatures.map((s) => s.caseId))];
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const current = currentDayReport(db, format, fileName);
    const meta =
      current && current.sha256 === sha256
        ? { id: current.id, fileName, sha256, format }
        : insertReport(db, { caseId: null, signatureId: null, format, fileName, bytes, createdBy: actor.userId, createdAtMs: nowMs(), supersedesId: current?.id ?? null }, actor);
    toSend.push({ meta, caseIds });
  }

  const files: ExportFile[] = [];
  for (const { meta, caseIds } of toSend) {
    const destination = resolve(outboxDir, meta.fileName);
    if (alreadyExported(db, meta.id, destination, meta.sha256)) {
      files.push({ fileName: meta.fileName, reportId: meta.id, sha256: meta.sha256, caseIds, outcome: 'unchanged' });
      continue;
    }
    const report = getReport(db, meta.id);
    if (!report) throw new DomainError('db-corrupt', `Report ${meta.id} vanished during the export`);
    const log = (status: 'ok' | 'failed', error: string | null) =>
      insertReportExport(
        db,
        { reportId: meta.id, format: meta.format, destination, sha256: meta.sha256, sizeBytes: report.bytes.length, caseIds, deidentified: false, status, error, exportedBy: actor.userId, exportedAtMs: nowMs() },
        actor,
      );
    try {
      if (!sameFileContent(destination, report.bytes)) writeFileAtomic(outboxDir, meta.fileName, report.bytes, options.hooks);
    } catch (error) {
      log('failed', errorMessage(error));
      throw error;
    }
    log('ok', null);
    files.push({ fileName: meta.fileName, reportId: meta.id, sha256: meta.sha256, caseIds, outcome: 'written' });
  }
  return { date: input.date, format: input.format, outboxDir, signedCases: new Set(signatures.map((s) => s.caseId)).size, files };
}
