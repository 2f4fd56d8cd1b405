/**
 * Local fine-tuning for the Models page: one run at a time (administrators start and cancel it),
 * whose state is also pushed as the 'finetune/state' event (phase progress, loss and validation
 * per epoch, the gate's verdict).
 */
import { z } from 'zod';
import { GateVerdict } from './models.channels';

export const FinetuneEpoch = z.object({ epoch: z.number().int(), loss: z.number(), validationScore: z.number().nullable(), best: z.boolean() });
export type FinetuneEpoch = z.infer<typeof FinetuneEpoch>;

/**
 * What fine-tuning trains: a new head (default); 'adapt' first learns from the lab's own read
 * fields without labels (an extractor's codebooks, or a whole network by self-supervised
 * pre-training), then from the signed cases; for a whole-network model its last blocks or all layers,
 * or 'thresholds': its weights as they are, its thresholds re-fitted on the signed cases (no training).
 */
export const FinetuneMode = z.enum(['head', 'adapt', 'last-blocks', 'all', 'thresholds']);
export type FinetuneMode = z.infer<typeof FinetuneMode>;

export const FinetuneState = z.object({
  status: z.enum(['idle', 'running', 'succeeded', 'failed', 'cancelled']),
  startedAtMs: z.number().nullable(),
  finishedAtMs: z.number().nullable(),
  progress: z.object({ phase: z.string(), done: z.number().int(), total: z.number().int() }).nullable(),
  epochs: z.array(FinetuneEpoch),
  result: z
    .object({
      runId: z.number().int(),
      candidateId: z.number().int(),
      candidateVersion: z.string(),
      promoted: z.boolean(),
      mode: FinetuneMode,
      gate: GateVerdict,
      /** Signed slides left out of the run, their files gone or no longer decoding: how many, the first files with the reason (the run's record has all) and the cases left with no field. */
      leftOut: z.object({ slides: z.number().int(), cases: z.number().int(), files: z.array(z.object({ path: z.string(), reason: z.string() })) }),
    })
    .nullable(),
  error: z.string().nullable(),
});
export type FinetuneState = z.infer<typeof FinetuneState>;

/**
 * A fine-tuning run as the record keeps it, whoever started it (the Models page or `ana finetune`):
 * how it ended, with the candidate it registered or why it failed (an interrupted run included).
 */
export const FinetuneRunSummary = z.object({
  id: z.number().int(),
  /** The recipe; null for a run recorded without one. */
  mode: z.string().nullable(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  startedAtMs: z.number().nullable(),
  finishedAtMs: z.number().nullable(),
  error: z.string().nullable(),
  /** The candidate version it registered, if it got that far. */
  candidateVersion: z.string().nullable(),
  /** Signed slides it left out (files gone or no longer decoding). */
  leftOutSlides: z.number().int(),
});
export type FinetuneRunSummary = z.infer<typeof FinetuneRunSummary>;

/** What the record offers fine-tuning now: its signed cases, the minimum a run needs, and how many the validation gate would keep back. */
export const FinetuneReadiness = z.object({ signedCases: z.number().int(), minimum: z.number().int(), validationCases: z.number().int() });
export type FinetuneReadiness = z.infer<typeof FinetuneReadiness>;

export const finetuneChannels = {
  /** Starts fine-tuning the active model on the signed cases in the background (admin). */
  'finetune/start': { request: z.object({ mode: FinetuneMode.optional() }).strict(), response: FinetuneState },
  'finetune/status': { request: z.object({}).strict(), response: FinetuneState },
  'finetune/cancel': { request: z.object({}).strict(), response: FinetuneState },
  /** What the record offers fine-tuning now: its signed cases, the minimum a run needs, and how many of them the validation gate would keep back (every signed-in user). */
  'finetune/readiness': { request: z.object({}).strict(), response: FinetuneReadiness },
  /** The latest fine-tuning runs in the record, newest first (every signed-in user). */
  'finetune/runs': { request: z.object({}).strict(), response: z.array(FinetuneRunSummary) },
} as const;
