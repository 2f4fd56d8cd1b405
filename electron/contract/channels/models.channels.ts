/**
 * The model registry for the Models page: versions with their validation verdict, promotion and
 * rollback (administrators). Fine-tuning has its own domain (finetune.channels.ts).
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
  /** Patterns no validation case holds: the gate could not judge whether the candidate still finds them. */
  unjudged: z.array(z.string()),
  /**
   * How much the candidate − active differences would typically move on another set of as many
   * cases (bootstrap standard deviation); null for verdicts recorded before the gate measured it.
   */
  spread: GateMetrics.nullable(),
});
export type GateVerdict = z.infer<typeof GateVerdict>;

/** A fine-tuned version's calls of the patterns it was not trained on, on its `cases` training cases. */
export const UntrainedCallsSummary = z.object({
  cases: z.number().int(),
  calls: z.array(z.object({ key: z.string(), called: z.number().int(), signed: z.number().int() })),
});
export type UntrainedCallsSummary = z.infer<typeof UntrainedCallsSummary>;

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
  /**
   * Patterns fine-tuning left out of the loss because too few of its training cases held them: their
   * thresholds are those of the version it started from, but the layers they share with the trained
   * patterns learnt, so their outputs can differ (empty for other versions).
   */
  untrained: z.array(z.string()),
  /**
   * How often this version calls each of those patterns on the cases it learnt from, at the
   * thresholds it kept, beside how many were signed with it: calls beyond the signed cases are at
   * least as many false calls, calls short of them at least as many misses (null for versions
   * fine-tuned before 2026-12-08 and others).
   */
  untrainedCalls: UntrainedCallsSummary.nullable(),
});
export type ModelVersionSummary = z.infer<typeof ModelVersionSummary>;

/** The lab's learning curve: candidates' validation figures against the signed cases they learned from, per recipe. */
export const LearningCurve = z.object({
  points: z.array(z.object({ versionId: z.number().int(), version: z.string(), mode: z.string(), trainingCases: z.number().int(), validationCases: z.number().int(), f1Macro: z.number(), map: z.number() })),
  /** Per recipe with two or more case counts: the change expected from doubling the signed cases (slope against ln(cases) × ln 2). */
  projections: z.array(z.object({ mode: z.string(), perDoubling: GateMetrics, points: z.number().int() })),
});
export type LearningCurve = z.infer<typeof LearningCurve>;

export const modelsChannels = {
  'models/list': { request: z.object({}).strict(), response: z.array(ModelVersionSummary) },
  'models/curve': { request: z.object({}).strict(), response: LearningCurve },
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
} as const;
