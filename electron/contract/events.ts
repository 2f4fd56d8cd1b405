/**
 * Push events from main to renderer (one typed map). Transports forward every event to every
 * window; listeners pick by name.
 */
import { z } from 'zod';
import { FinetuneState } from './channels/finetune.channels';

export const events = {
  /** Batch reading progress: done/total slides, estimated milliseconds left. */
  'reading/progress': z.object({
    batchId: z.string(),
    done: z.number().int(),
    failed: z.number().int(),
    total: z.number().int(),
    etaMs: z.number().nullable(),
    currentFile: z.string().nullable(),
  }),
  /** Cases were added or changed; the worklist should refresh. */
  'cases/changed': z.object({ caseIds: z.array(z.number().int()) }),
  /** The fine-tuning run's state changed (phase progress, an epoch finished, the gate decided, failure). */
  'finetune/state': FinetuneState,
  /** Something failed in the background (a worker crashed, the import folder vanished): show it. */
  'app/error': z.object({ source: z.string(), message: z.string(), atMs: z.number() }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;
