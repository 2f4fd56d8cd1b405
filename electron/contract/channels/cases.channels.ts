/** Worklist and case detail channels. */
import { z } from 'zod';

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
});
export type ReadingSummary = z.infer<typeof ReadingSummary>;

export const SlideSummary = z.object({
  id: z.number().int(),
  caseId: z.number().int(),
  fileName: z.string(),
  sha256: z.string(),
  widthPx: z.number().int(),
  heightPx: z.number().int(),
  pixelSizeUm: z.number().nullable(),
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
});
export type CaseListItem = z.infer<typeof CaseListItem>;

export const CaseDetail = z.object({
  id: z.number().int(),
  accessionId: z.string(),
  status: CaseStatus,
  receivedAtMs: z.number(),
  slides: z.array(SlideSummary),
  readings: z.array(ReadingSummary),
});
export type CaseDetail = z.infer<typeof CaseDetail>;

export const casesChannels = {
  'cases/list': {
    request: z
      .object({
        status: CaseStatus.optional(),
      })
      .strict(),
    response: z.array(CaseListItem),
  },
  'cases/get': {
    request: z.object({ caseId: z.number().int().positive() }).strict(),
    response: CaseDetail,
  },
} as const;
