/** Signed reports (PDF, HL7) stored with the record, the day export to the outbox, and report settings. */
import { z } from 'zod';
import { DAY_EXPORT_FORMAT_KEYS, REPORT_FORMAT_KEYS } from '../report-formats';

/** The formats of report-formats.ts (the registry); the day export sends those with a dayExport rule. */
export const ReportFormat = z.enum(REPORT_FORMAT_KEYS);
export type ReportFormat = z.infer<typeof ReportFormat>;
export const DayExportFormat = z.enum(DAY_EXPORT_FORMAT_KEYS);
export type DayExportFormat = z.infer<typeof DayExportFormat>;

export const ReportMetaSummary = z.object({
  id: z.number().int(),
  caseId: z.number().int().nullable(),
  signatureId: z.number().int().nullable(),
  format: ReportFormat,
  fileName: z.string(),
  sha256: z.string(),
  sizeBytes: z.number().int(),
  createdAtMs: z.number(),
  supersededById: z.number().int().nullable(),
});
export type ReportMetaSummary = z.infer<typeof ReportMetaSummary>;

export const ExportFile = z.object({
  fileName: z.string(),
  reportId: z.number().int(),
  sha256: z.string(),
  caseIds: z.array(z.number().int()),
  /** written: new in the outbox; unchanged: already sent with these exact bytes (logged before). */
  outcome: z.enum(['written', 'unchanged']),
});
export type ExportFile = z.infer<typeof ExportFile>;

/** A case the export could not send: reported, logged when a file was attempted, and skipped (the others still go). */
export const ExportFailure = z.object({
  caseIds: z.array(z.number().int()),
  /** The report's outbox file name, when the report exists. */
  fileName: z.string().nullable(),
  reportId: z.number().int().nullable(),
  /** One line: which case or file, and what went wrong. */
  message: z.string(),
});
export type ExportFailure = z.infer<typeof ExportFailure>;

export const ExportSummary = z.object({
  date: z.string(),
  format: DayExportFormat,
  outboxDir: z.string(),
  signedCases: z.number().int(),
  files: z.array(ExportFile),
  failed: z.array(ExportFailure),
});
export type ExportSummary = z.infer<typeof ExportSummary>;

const line = (max: number) => z.string().max(max).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters or line breaks');

/** What a lab may configure (everything optional; the defaults fill the rest). */
export const ReportSettingsPatch = z
  .object({
    lab: z.object({ name: line(200).min(1), headerLines: z.array(line(200)).max(8), facilityId: line(40).min(1) }).partial().strict(),
    timeZone: z.string().min(1).max(64),
    screeningDilution: z.string().regex(/^1:[1-9]\d{0,6}$/, 'must be a dilution such as "1:80"').nullable(),
    wording: z
      .object({
        positive: line(200).min(1),
        negative: line(200).min(1),
        nonNuclearOnly: line(200).min(1),
        cytoplasmicCountsAsPositive: z.boolean(),
        mitoticCountsAsPositive: z.boolean(),
        patternCounted: line(200).min(1),
        patternNotCounted: z.object({ cytoplasmic: line(200).min(1), mitotic: line(200).min(1) }).partial().strict(),
      })
      .partial()
      .strict(),
    hl7: z
      .object({
        sendingApplication: line(60).min(1),
        receivingApplication: line(60).min(1),
        receivingFacility: line(60).min(1),
        observationCode: line(60).min(1),
        observationText: line(200).min(1),
        observationCodingSystem: line(20).min(1),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();
export type ReportSettingsPatch = z.infer<typeof ReportSettingsPatch>;

const CaseId = z.number().int().positive();
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const reportsChannels = {
  /** The stored reports of a case, oldest first (superseded ones included: they are the record). */
  'reports/list': { request: z.object({ caseId: CaseId }).strict(), response: z.array(ReportMetaSummary) },
  /** Makes (or returns, if already stored) the signature-scope reports (PDF, HL7) of the case's latest signature. */
  'reports/generate': { request: z.object({ caseId: CaseId }).strict(), response: z.array(ReportMetaSummary) },
  /** One stored report's bytes, base64-encoded, to show or save. */
  'reports/get': {
    request: z.object({ reportId: z.number().int().positive() }).strict(),
    response: ReportMetaSummary.extend({ base64: z.string() }),
  },
  /** Writes the day's signed cases to the outbox (atomically, idempotently, logged). */
  'reports/export-day': {
    request: z.object({ date: IsoDate, format: DayExportFormat }).strict(),
    response: ExportSummary,
  },
  /** The lab's report settings as in force (defaults filled in). */
  'reports/settings': { request: z.object({}).strict(), response: z.object({ settings: z.unknown() }) },
  /** Changes report settings (admin); audited like every setting. */
  'reports/update-settings': { request: z.object({ patch: ReportSettingsPatch }).strict(), response: z.object({ settings: z.unknown() }) },
} as const;
