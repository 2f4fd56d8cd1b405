/**
 * The model registry and local fine-tuning for the Models page: versions with their validation
 * verdict, promotion and rollback (administrators), and one fine-tuning run at a time whose state
 * is also pushed as the 'finetune/state' event (phase progress, loss and validation per epoch).
 */
import { z } from 'zod';
import { lineText } from './text';

export const GateMetrics = z.object({ f1Macro: z.number(), map: z.number() });

/** The validation gate's verdict on a candidate, compared with the version active at training time. */
export const GateVerdict = z.object({
  passed: z.boolean(),
  reasons: z.array(z.string()),
  candidate: GateMetrics,
  active: GateMetrics,
  validationCases: z.number().int(),
});
export type GateVerdict = z.infer<typeof GateVerdict>;

export const ModelVersionSummary = z.object({
  id: z.number().int(),
  modelId: z.string(),
  version: z.string(),
  status: z.string(),
  source: z.string(),
  active: z.boolean(),
  parentId: z.number().int().nullable(),
  trainingRunId: z.number().int().nullable(),
  createdAtMs: z.number(),
  releasedAtMs: z.number().nullable(),
  /** Label keys the model outputs, from its manifest. */
  labels: z.array(z.string()),
  /** Free-text description from the manifest's card, when it has one. */
  description: z.string().nullable(),
  gate: GateVerdict.nullable(),
});
export type ModelVersionSummary = z.infer<typeof ModelVersionSummary>;

export const FinetuneEpoch = z.object({ epoch: z.number().int(), loss: z.number(), validationScore: z.number().nullable(), best: z.boolean() });
export type FinetuneEpoch = z.infer<typeof FinetuneEpoch>;

/** What fine-tuning trains: a new head (default), or for a whole-network model its last blocks or all layers. */
export const FinetuneMode = z.enum(['head', 'last-blocks', 'all']);
export type FinetuneMode = z.infer<typeof FinetuneMode>;

export const FinetuneState = z.object({
  status: z.enum(['idle', 'running', 'succeeded', 'failed', 'cancelled']),
  startedAtMs: z.number().nullable(),
  finishedAtMs: z.number().nullable(),
  progress: z.object({ phase: z.string(), done: z.number().int(), total: z.number().int() }).nullable(),
  epochs: z.array(FinetuneEpoch),
  result: z
    .object({ runId: z.number().int(), candidateId: z.number().int(), candidateVersion: z.string(), promoted: z.boolean(), mode: FinetuneMode, gate: GateVerdict })
    .nullable(),
  error: z.string().nullable(),
});
export type FinetuneState = z.infer<typeof FinetuneState>;

export const modelsChannels = {
  'models/list': { request: z.object({}).strict(), response: z.array(ModelVersionSummary) },
  /** Makes a version active (admin). A version the gate did not pass needs a written justification. */
  'models/promote': {
    request: z.object({ versionId: z.number().int().positive(), justification: lineText(1000).optional() }).strict(),
    response: ModelVersionSummary,
  },
  /** Re-activates the previously active version (admin). */
  'models/rollback': {
    request: z.object({ reason: lineText(1000) }).strict(),
    response: z.object({ from: ModelVersionSummary, to: ModelVersionSummary }),
  },
  /** Starts fine-tuning the active model on the signed cases in the background (admin). */
  'finetune/start': { request: z.object({ mode: FinetuneMode.optional() }).strict(), response: FinetuneState },
  'finetune/status': { request: z.object({}).strict(), response: FinetuneState },
  'finetune/cancel': { request: z.object({}).strict(), response: FinetuneState },
} as const;
