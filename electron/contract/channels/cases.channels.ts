/** Worklist and case detail channels. */
import { z } from 'zod';
import { AuditEntrySummary, DecisionSummary, SignatureSummary } from './review.channels';
import { lineText } from './text';
import { Familiarity, FieldQuality, NotReadableReason, PixelSizeSource, Screening, ScreeningCall } from '../quality';

export const CaseStatus = z.enum(['new', 'read', 'in_review', 'signed', 'amended']);
export type CaseStatus = z.infer<typeof CaseStatus>;

export const LabelProbability = z.object({ key: z.string(), probability: z.number() });

export const ReadingSummary = z.object({
  id: z.number().int(),
  slideId: z.number().int(),
  modelId: z.string(),
  modelVersion: z.string(),
  provider: z.string(),
  status: z.enum(['done', 'failed']),
  error: z.string().nullable(),
  probabilities: z.array(LabelProbability),
  predictedLabels: z.array(z.string()),
  patchCount: z.number().int(),
  createdAtMs: z.number(),
  /** The field-quality analysis and readability gate; null for readings stored before it existed. */
  quality: FieldQuality.nullable(),
  /** Negative/positive screening; null when the field is not readable (or for older readings). */
  screening: Screening.nullable(),
  /** Distance from the model's training fields; null when not readable or the model has no reference statistics. */
  familiarity: Familiarity.nullable(),
  /**
   * Patterns the model called on this field that were not suggested because screening called the
   * field negative (core/reading/withheld.ts): shown so the physician looks before signing negative.
   */
  withheldLabels: z.array(z.string()),
});
export type ReadingSummary = z.infer<typeof ReadingSummary>;

export const SlideSummary = z.object({
  id: z.number().int(),
  caseId: z.number().int(),
  fileName: z.string(),
  sha256: z.string(),
  widthPx: z.number().int(),
  heightPx: z.number().int(),
  /** The pixel size the field was cut at. */
  pixelSizeUm: z.number().nullable(),
  pixelSizeSource: PixelSizeSource.nullable(),
  format: z.string(),
});
export type SlideSummary = z.infer<typeof SlideSummary>;

export const CaseListItem = z.object({
  id: z.number().int(),
  accessionId: z.string(),
  status: CaseStatus,
  receivedAtMs: z.number(),
  slideCount: z.number().int(),
  suggestedLabels: z.array(LabelProbability),
  patientId: z.string().nullable(),
  patientName: z.string().nullable(),
  runId: z.string().nullable(),
  /** Union of the labels predicted by the latest reading of each slide. */
  predictedLabels: z.array(z.string()),
  /** Smallest distance of any label's probability from its threshold; null without a reading. */
  uncertaintyMargin: z.number().nullable(),
  /** The margin is below the lab's setting `review.uncertainMargin` (default 0.15). */
  uncertain: z.boolean(),
  /** Slides whose latest reading is not readable, with the reason (the worklist shows it). */
  notReadable: z.array(z.object({ slideId: z.number().int(), reason: NotReadableReason })),
  /** Positive when any readable slide screened positive, negative when all screened negative; null without a screened slide. */
  screening: ScreeningCall.nullable(),
  /** Patterns the model called on slides screening called negative (not suggested; the worklist flags the case). */
  withheldLabels: z.array(z.string()),
  /** Any slide's latest reading is flagged unfamiliar to the model (review with care). */
  unfamiliar: z.boolean(),
});
export type CaseListItem = z.infer<typeof CaseListItem>;

export const CaseDetail = z.object({
  id: z.number().int(),
  accessionId: z.string(),
  status: CaseStatus,
  receivedAtMs: z.number(),
  patientId: z.string().nullable(),
  patientName: z.string().nullable(),
  patientBirthDate: z.string().nullable(),
  runId: z.string().nullable(),
  slides: z.array(SlideSummary),
  readings: z.array(ReadingSummary),
  /** Every decision version, oldest first (at most one draft). */
  decisions: z.array(DecisionSummary),
  signatures: z.array(SignatureSummary),
  /** The case's audit trail, oldest first. */
  audit: z.array(AuditEntrySummary),
});
export type CaseDetail = z.infer<typeof CaseDetail>;

export const casesChannels = {
  'cases/list': {
    request: z
      .object({
        status: CaseStatus.optional(),
        statuses: z.array(CaseStatus).max(5).optional(),
        /** Received on or after this time (ms since epoch). */
        receivedFromMs: z.number().int().nonnegative().optional(),
        /** Received before this time (exclusive). */
        receivedToMs: z.number().int().nonnegative().optional(),
        runId: lineText(200).optional(),
        /** Only cases whose latest readings predict this label key. */
        predictedLabel: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a label key such as "homogeneous"').optional(),
        /** Uncertain cases (smallest margin) first, then the usual newest-first order. */
        uncertainFirst: z.boolean().optional(),
        /** Literal substring of the accession id or patient id. */
        search: lineText(200).optional(),
      })
      .strict(),
    response: z.array(CaseListItem),
  },
  'cases/get': {
    request: z.object({ caseId: z.number().int().positive() }).strict(),
    response: CaseDetail,
  },
  /** Corrects the patient identifiers or run of a case not yet signed (technologist, physician); null clears. */
  'cases/update-details': {
    request: z
      .object({
        caseId: z.number().int().positive(),
        patientId: lineText(200).nullable().optional(),
        patientName: lineText(200).nullable().optional(),
        patientBirthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').nullable().optional(),
        runId: lineText(200).nullable().optional(),
      })
      .strict(),
    response: z.object({
      id: z.number().int(),
      patientId: z.string().nullable(),
      patientName: z.string().nullable(),
      patientBirthDate: z.string().nullable(),
      runId: z.string().nullable(),
    }),
  },
} as const;
