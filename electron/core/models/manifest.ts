/**
 * The model package manifest: the only description of a model. Everything the app needs to know
 * is data here, not constants in code (input name and shape, patch size in µm, normalisation,
 * labels, thresholds, file hashes, provenance), and `kind` says what the model is, with a typed
 * payload per kind:
 *   'extractor-head'  a feature extractor and a linear head (the head can be retrained on cached
 *                     embeddings): `extractor`, `head`
 *   'network'         a whole network trained end to end (it can be trained further on pixels):
 *                     `network`, the layer description the trainer rebuilds it from
 * Manifests written before `kind` existed are read as the kind their content implies.
 */
import { z } from 'zod';
import type { PatchSpec } from '../slides/patches';

export const ModelLabel = z.object({
  key: z.string().min(1),
  displayName: z.string().min(1),
  icapCodes: z.array(z.string()),
});

const ManifestCommon = z.object({
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
  /** Files of the package with their sha256; `reference`: the training fields' embedding statistics (core/quality/familiarity.ts). */
  files: z.array(z.object({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), role: z.enum(['model', 'card', 'reference']) })).min(1),
  provenance: z.record(z.string(), z.unknown()).default({}),
  metrics: z.record(z.string(), z.unknown()).default({}),
});

const ExtractorHeadModel = ManifestCommon.extend({
  kind: z.literal('extractor-head'),
  /**
   * The feature extractor: the sub-graph computing `outputs.embeddings`. Its sha256 (of that
   * sub-graph, see subgraphSha256) is the same for every package sharing the extractor, whatever
   * its head; the trainer keys its embedding cache by it.
   */
  extractor: z.object({ id: z.string().min(1), version: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).nullable().default(null),
  /** Initializers of the classifier head (Gemm weights [labels, dims] with transB=1, bias [labels]). */
  head: z.object({ weights: z.string(), bias: z.string() }).default({ weights: 'head_w', bias: 'head_b' }),
});

/** The network description (input shape and layers) the trainer rebuilds the network from; checked in full there. */
const NetworkDescription = z.looseObject({
  inputShape: z.array(z.number().int()).min(1),
  layers: z.array(z.looseObject({ kind: z.string() })).min(1),
});

const NetworkModel = ManifestCommon.extend({
  kind: z.literal('network'),
  network: NetworkDescription,
});

export const MODEL_KINDS = ['extractor-head', 'network'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** A manifest from before `kind`: a whole network kept its description in provenance.network. */
function withKind(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || 'kind' in raw) return raw;
  const provenance = (raw as { provenance?: Record<string, unknown> }).provenance;
  const network = provenance?.['network'] as { layers?: unknown } | undefined;
  return network && Array.isArray(network.layers) ? { ...raw, kind: 'network', network } : { ...raw, kind: 'extractor-head' };
}

export const ModelManifest = z.preprocess(withKind, z.discriminatedUnion('kind', [ExtractorHeadModel, NetworkModel]));
export type ModelManifest = z.infer<typeof ModelManifest>;
export type ExtractorHeadManifest = Extract<ModelManifest, { kind: 'extractor-head' }>;
export type NetworkManifest = Extract<ModelManifest, { kind: 'network' }>;

/** How a model wants its patches cut: the grid's options plus the pixel size assumed when a file states none. */
export type PatchOptions = PatchSpec & { defaultPixelSizeUm: number };

/** The patch options a manifest implies (grid, input size, normalisation, background cut, fallback pixel size): derived here only. */
export function patchOptionsOf(manifest: ModelManifest): PatchOptions {
  return {
    patchSizeUm: manifest.patch.sizeUm,
    inputPx: manifest.input.shape[2],
    mean: manifest.normalisation.mean,
    std: manifest.normalisation.std,
    backgroundMax: manifest.patch.backgroundMax,
    defaultPixelSizeUm: manifest.patch.defaultPixelSizeUm,
  };
}
