/**
 * The day's results as CSV (RFC 4180: comma-separated, CRLF line ends, fields holding a comma,
 * quote, CR or LF are quoted and quotes doubled; UTF-8 without BOM). One row per reported pattern
 * (a negative case is one AC-0 row) so a spreadsheet or LIS import can filter by pattern; the case
 * columns repeat on each row. Amendments carry result_status 'C' and the report they replace.
 * Cells a spreadsheet would run as a formula are defused (`guardFormulaCell`).
 */
import { csvField } from '../csv';
import { NEGATIVE_ICAP_CODE, type SignedCaseReport } from './report-model';
import { overallWording, patternWording, type ReportSettings } from './report-settings';
import { isoDateTime } from './report-time';

export const CSV_COLUMNS = [
  'report_id',
  'result_status',
  'amends_report_id',
  'amendment_reason',
  'accession_id',
  'patient_id',
  'patient_name',
  'patient_birth_date',
  'received_at',
  'signed_at',
  'signer_name',
  'signature_meaning',
  'overall_result',
  'pattern',
  'icap_code',
  'intensity',
  'titer',
  'interpretation',
  'model_id',
  'model_version',
  'model_suggested',
  'comment',
  'signed_content_sha256',
  'pdf_sha256',
] as const;

/**
 * OWASP's CSV-injection rule: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
 * is prefixed with a single quote and quoted, so Excel, LibreOffice or Sheets show it as text
 * instead of running it (`=HYPERLINK(...)`, `@SUM(...)`, DDE). The quote is visible in the value;
 * a comment `-see above` reads `'-see above`. Accessions, dates, codes and hashes never start so.
 */
export function guardFormulaCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `"'${value.replaceAll('"', '""')}"` : csvField(value);
}

export function csvLine(values: string[]): string {
  return values.map(guardFormulaCell).join(',') + '\r\n';
}

export interface CsvEntry {
  report: SignedCaseReport;
  pdfSha256: string | null;
}

export function renderDayCsv(entries: CsvEntry[], settings: ReportSettings): string {
  const tz = settings.timeZone;
  let out = csvLine([...CSV_COLUMNS]);
  for (const { report, pdfSha256 } of entries) {
    const common = {
      report_id: report.reportId,
      result_status: report.amends ? 'C' : 'F',
      amends_report_id: report.amends?.reportId ?? '',
      amendment_reason: report.amends?.reason ?? '',
      accession_id: report.accessionId,
      patient_id: report.patient.id ?? '',
      patient_name: report.patient.name ?? '',
      patient_birth_date: report.patient.birthDate ?? '',
      received_at: isoDateTime(report.receivedAtMs, tz),
      signed_at: isoDateTime(report.signature.signedAtMs, tz),
      signer_name: report.signature.signerName,
      signature_meaning: report.signature.meaning,
      overall_result: overallWording(report.results, settings),
      model_id: report.suggestion?.modelId ?? '',
      model_version: report.suggestion?.modelVersion ?? '',
      model_suggested: report.suggestion ? report.suggestion.predicted.join(' ') || NEGATIVE_ICAP_CODE : '',
      comment: report.comment ?? '',
      signed_content_sha256: report.signature.contentSha256,
      pdf_sha256: pdfSha256 ?? '',
    };
    const patterns =
      report.results.length === 0
        ? [{ pattern: 'Negative', icap_code: NEGATIVE_ICAP_CODE, intensity: '', titer: '', interpretation: settings.wording.negative }]
        : report.results.map((r) => ({
            pattern: r.displayName,
            icap_code: r.icapCode,
            intensity: r.intensity ?? '',
            titer: r.titer ?? '',
            interpretation: patternWording(r, settings),
          }));
    for (const p of patterns) {
      const row: Record<string, string> = { ...common, ...p };
      out += csvLine(CSV_COLUMNS.map((c) => row[c]!));
    }
  }
  return out;
}
