/**
 * What a report format's renderer is: per signature (stored with the record) or per day (the day
 * export). The formats themselves are the contract's registry (contract/report-formats.ts); this
 * folder holds one renderer per entry, gathered in index.ts.
 */
import type { SignatureFormatKey } from '../../../contract';
import type { ReportMeta } from '../../db/report.repo';
import type { ReportFonts } from '../report-fonts';
import type { SignedCaseReport } from '../report-model';
import type { ReportSettings } from '../report-settings';

export interface SignatureRenderContext {
  fonts?: ReportFonts;
  /** The bytes of the formats rendered before this one, for the same signature (registry order). */
  rendered: Partial<Record<SignatureFormatKey, Uint8Array>>;
}

export interface SignatureFormatRenderer {
  scope: 'signature';
  render(report: SignedCaseReport, settings: ReportSettings, context: SignatureRenderContext): Promise<Uint8Array> | Uint8Array;
}

/** One signature of the day: its report and its stored signature-scope reports. */
export interface DayEntry {
  report: SignedCaseReport;
  stored: Record<SignatureFormatKey, ReportMeta>;
}

export interface DayFormatRenderer {
  scope: 'day';
  render(entries: DayEntry[], settings: ReportSettings): Uint8Array;
}
