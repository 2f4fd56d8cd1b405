/**
 * The report formats, as data: the one list the contract's enums, the database's constraint
 * (the report_formats table, seeded from this list on every open) and the renderers
 * (electron/core/reports/formats/<key>.ts, one per entry) are derived from. Adding a format is an
 * entry here and its renderer there; nothing else names a format.
 *   scope 'signature'  rendered once per signature and stored with the record (in this order: a
 *                      format may embed the hash of one listed before it)
 *   scope 'day'        rendered for a day's signatures by the day export
 *   dayExport          how the day export sends it: one file per signature, or one for the day
 */
export interface ReportFormatInfo {
  scope: 'signature' | 'day';
  /** Media type when the renderer saves or shows the bytes. */
  mediaType: string;
  dayExport: 'per-signature' | 'per-day' | null;
  description: string;
}

export const REPORT_FORMATS = {
  pdf: { scope: 'signature', mediaType: 'application/pdf', dayExport: null, description: 'the signed report, for print and the patient file' },
  hl7: { scope: 'signature', mediaType: 'text/plain', dayExport: 'per-signature', description: 'HL7 v2 ORU^R01 result message for the laboratory system' },
  csv: { scope: 'day', mediaType: 'text/csv', dayExport: 'per-day', description: "a day's signed results as one table" },
} as const satisfies Record<string, ReportFormatInfo>;

export type ReportFormatKey = keyof typeof REPORT_FORMATS;
type KeysWhere<C> = { [K in ReportFormatKey]: (typeof REPORT_FORMATS)[K] extends C ? K : never }[ReportFormatKey];
/** Formats stored per signature (pdf, hl7). */
export type SignatureFormatKey = KeysWhere<{ scope: 'signature' }>;
/** Formats the day export can send (hl7, csv). */
export type DayExportFormatKey = Exclude<ReportFormatKey, KeysWhere<{ dayExport: null }>>;

const keysWhere = (keep: (f: ReportFormatInfo) => boolean) => (Object.keys(REPORT_FORMATS) as ReportFormatKey[]).filter((k) => keep(REPORT_FORMATS[k]));
export const REPORT_FORMAT_KEYS = keysWhere(() => true) as [ReportFormatKey, ...ReportFormatKey[]];
export const SIGNATURE_FORMAT_KEYS = keysWhere((f) => f.scope === 'signature') as [SignatureFormatKey, ...SignatureFormatKey[]];
export const DAY_EXPORT_FORMAT_KEYS = keysWhere((f) => f.dayExport !== null) as [DayExportFormatKey, ...DayExportFormatKey[]];
