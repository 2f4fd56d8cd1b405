/**
 * The model package manifest: everything the app needs to know about a model is data here, not
 * constants in code (input name and shape, patch size in µm, normalisation, labels, thresholds,
 * file hashes, provenance).
 */
import { z } from 'zod';

export const ModelLabel = z.object({
  key: z.string().min(1),
  displayName: z.string().min(1),
  icapCodes: z.array(z.string()),
});

export const ModelManifest = z.object({
  schemaVersion: z.literal(1),
  id: z.string().min(1),
  version: z.string().min(1),
  parentVersion: z.string().nullable(),
  displayName: z.string(),
  labels: z.array(ModelLabel).min(1),
  input: z.object({
    name: z.string(),
    /** [batch, channels, height, width]; -1 for a dynamic batch. */
    shape: z.tuple([z.number().int(), z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
    dtype: z.literal('float32'),
  }),
  outputs: z.object({
    /** Per-patch probabilities, [batch, labels]. */
    probabilities: z.string(),
    /** Optional per-patch embeddings for training heads, [batch, dims]. */
    embeddings: z.string().nullable().default(null),
  }),
  patch: z.object({
    sizeUm: z.number().positive(),
    /** Pixel size assumed when neither the file nor a microscope profile states one. */
    defaultPixelSizeUm: z.number().positive(),
    /** Patches whose mean signal is below this (0..1, after decoding) are skipped as background. */
    backgroundMax: z.number().min(0).max(1).default(0),
  }),
  normalisation: z.object({ mean: z.number(), std: z.number().positive() }),
  aggregation: z.enum(['max', 'mean', 'mean-logit']),
  thresholds: z.record(z.string(), z.number().min(0).max(1)),
  /**
   * The feature extractor: the sub-graph computing `outputs.embeddings`. Its sha256 (of that
   * sub-graph, see subgraphSha256) is the same for every package sharing the extractor, whatever
   * its head; the trainer keys its embedding cache by it.
   */
  extractor: z.object({ id: z.string().min(1), version: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).nullable().default(null),
  /** Initializers of the classifier head (Gemm weights [labels, dims] with transB=1, bias [labels]). */
  head: z.object({ weights: z.string(), bias: z.string() }).default({ weights: 'head_w', bias: 'head_b' }),
  /** Files of the package with their sha256; `reference`: the training fields' embedding statistics (core/quality/familiarity.ts). */
  files: z.array(z.object({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), role: z.enum(['model', 'card', 'reference']) })).min(1),
  provenance: z.record(z.string(), z.unknown()).default({}),
  metrics: z.record(z.string(), z.unknown()).default({}),
});
export type ModelManifest = z.infer<typeof ModelManifest>;
