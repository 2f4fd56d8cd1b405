/**
 * Reports as part of the record. For each signature the PDF and the HL7 message are rendered
 * once, stored (bytes + sha256) and never changed; an amendment's reports supersede the previous
 * version's. Re-rendering a stored report must give the same bytes — `verifyStoredReport` checks it.
 */
import { createHash } from 'node:crypto';
import { getCaseById } from '../db/case.repo';
import type { Actor } from '../db/audit.repo';
import type { ReadableDb, WritableDb } from '../db/connection';
import { insertReport, listReportsOfCase, type ReportFormat, type ReportMeta } from '../db/report.repo';
import { latestSignatureOfCase } from '../db/signature.repo';
import { DomainError } from '../errors';
import { renderOruR01 } from './hl7-oru';
import { renderReportPdf } from './pdf-report';
import type { ReportFonts } from './report-fonts';
import { buildSignedCaseReport, loadReportSettings, reportFileStem, requireSignature } from './report-record';
import type { ReportSettings } from './report-settings';

export interface ReportServiceOptions {
  fonts?: ReportFonts;
  /** Overrides the stored settings (tests, previews). */
  settings?: ReportSettings;
  log?: (message: string) => void;
  nowMs?: () => number;
}

export interface SignatureReports {
  pdf: ReportMeta;
  hl7: ReportMeta;
}

/**
 * The stored report of a signature in a format. A signature's report stays its report after an
 * amendment supersedes it (superseded means "a newer version exists", not "replaced bytes").
 */
export function storedReportOf(db: ReadableDb, caseId: number, signatureId: number, format: ReportFormat): ReportMeta | undefined {
  return listReportsOfCase(db, caseId).findLast((r) => r.signatureId === signatureId && r.format === format);
}

/** The report of the case's newest signature that has one and that nothing supersedes yet. */
function currentReportOfCase(db: ReadableDb, caseId: number, format: ReportFormat): ReportMeta | undefined {
  return listReportsOfCase(db, caseId)
    .filter((r) => r.format === format && r.supersededById === null && r.signatureId !== null)
    .sort((a, b) => a.signatureId! - b.signatureId! || a.id - b.id)
    .at(-1);
}

/** Renders the PDF and HL7 of one signature (pure: nothing stored). */
export async function renderSignatureReports(db: ReadableDb, signatureId: number, options: ReportServiceOptions = {}): Promise<{ pdf: Uint8Array; hl7: Uint8Array; fileStem: string }> {
  const settings = options.settings ?? loadReportSettings(db);
  const report = await buildSignedCaseReport(db, signatureId, settings, { log: options.log });
  const pdf = await renderReportPdf(report, settings, options.fonts);
  const pdfSha256 = createHash('sha256').update(pdf).digest('hex');
  const hl7 = Buffer.from(renderOruR01(report, settings, { pdfSha256 }), 'utf8');
  return { pdf, hl7, fileStem: reportFileStem(report.accessionId, report.version) };
}

/**
 * Stores the PDF and HL7 of a signature unless they are stored already (idempotent: signing
 * and then asking again returns the same rows).
 */
export async function ensureSignatureReports(db: WritableDb, signatureId: number, actor: Actor, options: ReportServiceOptions = {}): Promise<SignatureReports> {
  const sig = requireSignature(db, signatureId);
  const existingPdf = storedReportOf(db, sig.caseId, sig.id, 'pdf');
  const existingHl7 = storedReportOf(db, sig.caseId, sig.id, 'hl7');
  if (existingPdf && existingHl7) return { pdf: existingPdf, hl7: existingHl7 };
  const rendered = await renderSignatureReports(db, signatureId, options);
  const nowMs = (options.nowMs ?? Date.now)();
  // Rendering is async; storing happens in one synchronous stretch so two callers cannot interleave.
  const store = (format: 'pdf' | 'hl7', bytes: Uint8Array, existing: ReportMeta | undefined): ReportMeta => {
    if (existing) return existing;
    const again = storedReportOf(db, sig.caseId, sig.id, format);
    if (again) return again;
    const previous = currentReportOfCase(db, sig.caseId, format);
    return insertReport(
      db,
      {
        caseId: sig.caseId,
        signatureId: sig.id,
        format,
        fileName: `${rendered.fileStem}.${format}`,
        bytes,
        createdBy: actor.userId,
        createdAtMs: nowMs,
        // Only a newer signature supersedes; an older version rendered late supersedes nothing.
        supersedesId: previous && previous.signatureId! < sig.id ? previous.id : null,
      },
      actor,
    );
  };
  return db.transaction(() => ({ pdf: store('pdf', rendered.pdf, existingPdf), hl7: store('hl7', rendered.hl7, existingHl7) })).immediate();
}

/** The reports of the case's latest signature, made now if missing. */
export async function ensureCaseReports(db: WritableDb, caseId: number, actor: Actor, options: ReportServiceOptions = {}): Promise<SignatureReports> {
  const kase = getCaseById(db, caseId);
  if (!kase) throw new DomainError('not-found', `Case ${caseId} does not exist`);
  const sig = latestSignatureOfCase(db, caseId);
  if (!sig || (kase.status !== 'signed' && kase.status !== 'amended')) {
    throw new DomainError('conflict', `Case ${kase.accessionId} is not signed; a report is made only for a signed case`);
  }
  return ensureSignatureReports(db, sig.id, actor, options);
}
