/** Batch reading: import files or folders, follow progress (also pushed as 'reading/progress'), cancel, resume. */
import { z } from 'zod';

export const ReadingProgress = z.object({
  batchId: z.string(),
  done: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  total: z.number().int(),
  etaMs: z.number().nullable(),
  currentFile: z.string().nullable(),
});
export type ReadingProgress = z.infer<typeof ReadingProgress>;

export const ReadingBatchItem = z.object({
  seq: z.number().int(),
  path: z.string(),
  status: z.enum(['pending', 'done', 'skipped', 'failed']),
  errorCode: z.string().nullable(),
  error: z.string().nullable(),
  slideId: z.number().int().nullable(),
  readingId: z.number().int().nullable(),
});

export const ReadingBatch = z.object({
  id: z.string(),
  modelId: z.string(),
  modelVersion: z.string(),
  status: z.enum(['running', 'finished', 'cancelled']),
  total: z.number().int(),
  startedAtMs: z.number(),
  finishedAtMs: z.number().nullable(),
  /** Files this model version had read were read again (a resumed batch keeps it). */
  force: z.boolean(),
  items: z.array(ReadingBatchItem),
});
export type ReadingBatch = z.infer<typeof ReadingBatch>;

/** A field or case that was not read again, and why (moved or changed file, signed case); `path` is null when the reason is the case's. */
export const NotReadAgain = z.object({ accessionId: z.string(), path: z.string().nullable(), reason: z.string() });
export type NotReadAgain = z.infer<typeof NotReadAgain>;

export const readingChannels = {
  /** Starts reading files and folders (walked for slide files) in the background; progress comes as events. */
  'reading/import': {
    request: z.object({ paths: z.array(z.string().min(1)).min(1), force: z.boolean().default(false) }).strict(),
    response: z.object({ batchId: z.string(), total: z.number().int() }),
  },
  'reading/status': {
    request: z.object({}).strict(),
    response: z.object({ running: ReadingProgress.nullable(), provider: z.string().nullable(), model: z.object({ id: z.string(), version: z.string() }).nullable() }),
  },
  'reading/cancel': {
    request: z.object({ batchId: z.string() }).strict(),
    response: z.object({ cancelled: z.boolean() }),
  },
  /** Reads the unfinished files of a batch (the newest unfinished one when no id is given). */
  'reading/resume': {
    request: z.object({ batchId: z.string().optional() }).strict(),
    response: z.object({ batchId: z.string().nullable(), total: z.number().int() }),
  },
  'reading/batch': {
    request: z.object({ batchId: z.string() }).strict(),
    response: ReadingBatch,
  },
  /** Cases not yet signed with a field read at the model's assumed pixel size (no size in the file, no microscope profile then). */
  'reading/assumed-pixel-size': {
    request: z.object({}).strict(),
    response: z.object({ cases: z.array(z.object({ caseId: z.number().int(), accessionId: z.string(), fields: z.number().int() })) }),
  },
  /**
   * Reads the fields of unsigned cases again from their files, with the active model and the
   * microscope profile now in force, in the background like an import. Signed cases and files
   * moved or changed since they were read are not read; each is listed with its reason.
   */
  'reading/read-again': {
    request: z.object({ caseIds: z.array(z.number().int()).min(1) }).strict(),
    response: z.object({ batchId: z.string().nullable(), total: z.number().int(), notReadAgain: z.array(NotReadAgain) }),
  },
} as const;
