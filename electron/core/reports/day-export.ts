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
import { REPORT_FORMATS, type DayExportFormatKey, type ReportFormatKey, type SignatureFormatKey } from '../../contract';
import type { ExportFailure, ExportSummary, ExportFile } from '../../contract/channels/reports.channels';
import type { Actor } from '../db/audit.repo';
import { getCaseById } from '../db/case.repo';
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

/**
 * Another report already sent (or being sent now) under the same outbox name, compared without
 * case: Windows and macOS outboxes do not tell `a-v1.hl7` from `A-v1.hl7`, and names stored by
 * older versions were lossy (`X|1` and `X^1` both became `X_1`). Writing would replace the other
 * case's result, so the export refuses. A per-day file (the CSV) is replaced on purpose.
 */
function outboxCollision(db: ReadableDb, claimed: Map<string, number>, meta: { id: number; format: ReportFormatKey }, destination: string): number | null {
  if (REPORT_FORMATS[meta.format].dayExport === 'per-day') return null;
  const inThisExport = claimed.get(destination.toLowerCase());
  if (inThisExport !== undefined && inThisExport !== meta.id) return inThisExport;
  const earlier = db
    .prepare(
      `SELECT e.report_id AS reportId FROM report_exports e
       WHERE lower(e.destination) = lower(?) AND e.status = 'ok' AND e.report_id <> ? LIMIT 1`,
    )
    .get(destination, meta.id) as { reportId: number } | undefined;
  return earlier?.reportId ?? null;
}

function caseLabel(db: ReadableDb, caseId: number): string {
  const row = getCaseById(db, caseId);
  return row ? `Case ${JSON.stringify(row.accessionId.length > 40 ? `${row.accessionId.slice(0, 40)}…` : row.accessionId)}` : `Case ${caseId}`;
}

/** One line, whatever was thrown (a stack trace or a multi-line message would break the summary). */
function oneLine(error: unknown): string {
  return errorMessage(error).split('\n')[0]!.trim();
}

/**
 * Sends the day. A case that cannot be sent (its report cannot be made, its file name is taken,
 * the write fails) is reported in `failed`, logged when a file was attempted, and skipped: it never
 * stops the cases after it.
 */
export async function exportDay(db: WritableDb, input: ExportDayInput, actor: Actor, options: ExportDayOptions = {}): Promise<ExportSummary> {
  const settings = options.settings ?? loadReportSettings(db);
  const { startMs, endMs } = dayRangeMs(input.date, settings.timeZone);
  const outboxDir = resolve(input.outboxDir);
  const nowMs = options.nowMs ?? Date.now;
  const signatures = signaturesSignedBetween(db, startMs, endMs);
  prepareOutbox(outboxDir);
  const opts = { ...options, settings };
  const failed: ExportFailure[] = [];
  const skip = (caseIds: number[], error: unknown, report?: { id: number; fileName: string }) =>
    failed.push({ caseIds, fileName: report?.fileName ?? null, reportId: report?.id ?? null, message: `${caseIds.map((id) => caseLabel(db, id)).join(', ')}: ${oneLine(error)}` });

  const toSend: { meta: Pick<ReportMeta, 'id' | 'fileName' | 'sha256' | 'format'>; caseIds: number[] }[] = [];
  const format = input.format;
  if (REPORT_FORMATS[format].dayExport === 'per-signature') {
    for (const sig of signatures) {
      try {
        const stored = await ensureSignatureReports(db, sig.id, actor, opts);
        toSend.push({ meta: stored[format as SignatureFormatKey], caseIds: [sig.caseId] });
      } catch (error) {
        skip([sig.caseId], error);
      }
    }
  } else if (signatures.length > 0) {
    const entries: DayEntry[] = [];
    const inDay: number[] = [];
    for (const sig of signatures) {
      try {
        const stored = await ensureSignatureReports(db, sig.id, actor, opts);
        entries.push({ report: await buildSignedCaseReport(db, sig.id, settings, { withThumbnail: false }), stored });
        inDay.push(sig.caseId);
      } catch (error) {
        skip([sig.caseId], error);
      }
    }
    if (entries.length > 0) {
      const bytes = (FORMAT_RENDERERS[format] as DayFormatRenderer).render(entries, settings);
      const fileName = `ana-results-${input.date}.${format}`;
      const caseIds = [...new Set(inDay)];
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const current = currentDayReport(db, format, fileName);
      const meta =
        current && current.sha256 === sha256
          ? { id: current.id, fileName, sha256, format }
          : insertReport(db, { caseId: null, signatureId: null, format, fileName, bytes, createdBy: actor.userId, createdAtMs: nowMs(), supersedesId: current?.id ?? null }, actor);
      toSend.push({ meta, caseIds });
    }
  }

  const files: ExportFile[] = [];
  const claimed = new Map<string, number>();
  for (const { meta, caseIds } of toSend) {
    const destination = resolve(outboxDir, meta.fileName);
    if (alreadyExported(db, meta.id, destination, meta.sha256)) {
      claimed.set(destination.toLowerCase(), meta.id);
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
      const other = outboxCollision(db, claimed, meta, destination);
      if (other !== null) throw new DomainError('conflict', `${meta.fileName} is already the outbox file of report ${other}; not overwritten (send this report by hand)`);
      claimed.set(destination.toLowerCase(), meta.id);
      if (!sameFileContent(destination, report.bytes)) writeFileAtomic(outboxDir, meta.fileName, report.bytes, options.hooks);
    } catch (error) {
      log('failed', oneLine(error));
      skip(caseIds, error, meta);
      continue;
    }
    log('ok', null);
    files.push({ fileName: meta.fileName, reportId: meta.id, sha256: meta.sha256, caseIds, outcome: 'written' });
  }
  return { date: input.date, format: input.format, outboxDir, signedCases: new Set(signatures.map((s) => s.caseId)).size, files, failed };
}
