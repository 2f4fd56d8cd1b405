/**
 * The one typed API between renderer and main. Each channel has a request and a response schema
 * (zod); every request is validated by the transport before it reaches a handler. Types are
 * derived from the schemas so the two cannot drift apart.
 *
 * Slide pixels never travel as JSON: the renderer loads them from `slideImagePath(slideId)`,
 * served by the `app://` protocol in Electron and by the same path on the loopback test host.
 */
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

export const AppInfo = z.object({
  version: z.string(),
  activeModel: z.object({ id: z.string(), version: z.string() }).nullable(),
  executionProvider: z.string().nullable(),
});
export type AppInfo = z.infer<typeof AppInfo>;

const Empty = z.object({}).strict();

/** Channel name → request and response schema. Add channels here; handlers live in core/app.ts. */
export const channels = {
  'app/info': { request: Empty, response: AppInfo },
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

export type Channels = typeof channels;
export type Channel = keyof Channels;
export type RequestOf<C extends Channel> = z.input<Channels[C]['request']>;
export type ResponseOf<C extends Channel> = z.infer<Channels[C]['response']>;

export const CHANNEL_NAMES = Object.keys(channels) as Channel[];

export function isChannel(name: string): name is Channel {
  return Object.hasOwn(channels, name);
}

/** Relative URL of a slide's display image; both transports serve it at this path. */
export function slideImagePath(slideId: number): string {
  return `slides/${slideId}/image`;
}
