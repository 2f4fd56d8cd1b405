/**
 * Reports as part of the record. For each signature every signature-scope format of the registry
 * (contract/report-formats.ts: the PDF, the HL7 message) is rendered once, stored (bytes + sha256)
 * and never changed; an amendment's reports supersede the previous version's. Re-rendering a
 * stored report must give the same bytes.
 */
import { SIGNATURE_FORMAT_KEYS, type ReportFormatKey, type SignatureFormatKey } from '../../contract';
import { getCaseById } from '../db/case.repo';
import type { Actor } from '../db/audit.repo';
import type { ReadableDb, WritableDb } from '../db/connection';
import { insertReport, listReportsOfCase, type ReportMeta } from '../db/report.repo';
import { latestSignatureOfCase } from '../db/signature.repo';
import { DomainError } from '../errors';
import { FORMAT_RENDERERS } from './formats';
import type { ReportFonts } from './report-fonts';
import { buildSignedCaseReport, loadReportSettings, reportFileStem, requireSignature, type DisplayRendition } from './report-record';
import type { ReportSettings } from './report-settings';

export interface ReportServiceOptions {
  fonts?: ReportFonts;
  /** Overrides the stored settings (tests, previews). */
  settings?: ReportSettings;
  log?: (message: string) => void;
  nowMs?: () => number;
  /** The viewer's display rendition of a slide (the app's display cache); without it the rendition is made from the file. */
  displayRendition?: DisplayRendition;
}

/** A signature's stored reports, one per signature-scope format. */
export type SignatureReports = Record<SignatureFormatKey, ReportMeta>;

/**
 * The stored report of a signature in a format. A signature's report stays its report after an
 * amendment supersedes it (superseded means "a newer version exists", not "replaced bytes").
 */
export function storedReportOf(db: ReadableDb, caseId: number, signatureId: number, format: ReportFormatKey): ReportMeta | undefined {
  return listReportsOfCase(db, caseId).findLast((r) => r.signatureId === signatureId && r.format === format);
}

/** The report of the case's newest signature that has one and that nothing supersedes yet. */
function currentReportOfCase(db: ReadableDb, caseId: number, format: ReportFormatKey): ReportMeta | undefined {
  return listReportsOfCase(db, caseId)
    .filter((r) => r.format === format && r.supersededById === null && r.signatureId !== null)
    .sort((a, b) => a.signatureId! - b.signatureId! || a.id - b.id)
    .at(-1);
}

/** Renders every signature-scope format of one signature, in registry order (pure: nothing stored). */
export async function renderSignatureReports(db: ReadableDb, signatureId: number, options: ReportServiceOptions = {}): Promise<Record<SignatureFormatKey, Uint8Array> & { fileStem: string }> {
  const settings = options.settings ?? loadReportSettings(db);
  const report = await buildSignedCaseReport(db, signatureId, settings, { log: options.log, displayRendition: options.displayRendition });
  const rendered: Partial<Record<SignatureFormatKey, Uint8Array>> = {};
  for (const format of SIGNATURE_FORMAT_KEYS) rendered[format] = await FORMAT_RENDERERS[format].render(report, settings, { fonts: options.fonts, rendered });
  return { ...(rendered as Record<SignatureFormatKey, Uint8Array>), fileStem: reportFileStem(report.accessionId, report.version) };
}

/**
 * Stores a signature's reports unless they are stored already (idempotent: signing and then
 * asking again returns the same rows).
 */
export async function ensureSignatureReports(db: WritableDb, signatureId: number, actor: Actor, options: ReportServiceOptions = {}): Promise<SignatureReports> {
  const sig = requireSignature(db, signatureId);
  const stored = (format: SignatureFormatKey) => storedReportOf(db, sig.caseId, sig.id, format);
  const already = new Map(SIGNATURE_FORMAT_KEYS.map((format) => [format, stored(format)]));
  if ([...already.values()].every(Boolean)) return reportsByFormat((format) => already.get(format)!);
  const rendered = await renderSignatureReports(db, signatureId, options);
  const nowMs = (options.nowMs ?? Date.now)();
  // Rendering is async; storing happens in one synchronous stretch so two callers cannot interleave.
  const store = (format: SignatureFormatKey, bytes: Uint8Array): ReportMeta => {
    const again = stored(format);
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
  return db.transaction(() => reportsByFormat((format) => store(format, rendered[format]))).immediate();
}

function reportsByFormat(reportOf: (format: SignatureFormatKey) => ReportMeta): SignatureReports {
  return Object.fromEntries(SIGNATURE_FORMAT_KEYS.map((format) => [format, reportOf(format)])) as SignatureReports;
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
