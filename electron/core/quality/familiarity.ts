/**
 * Is this field like the fields the model was trained on? The field's mean patch embedding is
 * compared with reference statistics shipped in the model package (`reference.json`, computed by
 * native-models/recipes/build-familiarity-reference.ts on held-out training-like generated fields): a diagonal Mahalanobis
 * distance (RMS of per-dimension z-scores), divided by the threshold, the 99th percentile of the
 * reference fields' own distances. A reference may also hold the same fields' acquisition
 * statistics (./acquisition.ts: cell size in µm², halo, JPEG blocks), which catch a wrong pixel
 * size and compression that the embedding hardly moves under: their largest robust z-score,
 * over its own threshold. The field's distance is the larger of the two; above 1 the field is
 * `unfamiliar`: suggestions are shown greyed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Familiarity } from '../../contract/quality';
import { DomainError } from '../errors';
import type { ModelPackage } from '../models/model-package';
import { ACQUISITION_STATISTICS, type AcquisitionStatistic, type AcquisitionStatistics } from './acquisition';

export const REFERENCE_FILE = 'reference.json';

const StatisticReference = z.object({ centre: z.number(), scale: z.number().positive() });

/** Acquisition statistics of the reference fields, on the scale of `acquisitionScale` (absent in references built before them). */
export const AcquisitionReference = z.object({
  statistics: z.partialRecord(z.enum(ACQUISITION_STATISTICS), StatisticReference),
  /** Largest |z| at the chosen quantile of the reference fields: the unfamiliar threshold. */
  threshold: z.number().positive(),
});
export type AcquisitionReference = z.infer<typeof AcquisitionReference>;

export const FamiliarityReference = z.object({
  schemaVersion: z.literal(1),
  /** The extractor the statistics belong to (its sub-graph sha256, see the manifest's `extractor`). */
  extractorSha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  fields: z.number().int().positive(),
  mean: z.array(z.number()).min(1),
  /** Per-dimension standard deviation (floored: constant dimensions do not dominate). */
  std: z.array(z.number().positive()).min(1),
  /** Distance at the chosen quantile of the reference fields: the unfamiliar threshold. */
  threshold: z.number().positive(),
  quantile: z.number().min(0).max(1),
  acquisition: AcquisitionReference.optional(),
  provenance: z.record(z.string(), z.unknown()).default({}),
});
export type FamiliarityReference = z.infer<typeof FamiliarityReference>;

/** RMS of per-dimension z-scores of a mean embedding. */
export function embeddingDistance(meanEmbedding: Float32Array, ref: Pick<FamiliarityReference, 'mean' | 'std'>): number {
  if (meanEmbedding.length !== ref.mean.length) throw new RangeError(`embedding has ${meanEmbedding.length} dimensions, the reference ${ref.mean.length}`);
  let sum = 0;
  for (let d = 0; d < meanEmbedding.length; d++) {
    const z = (meanEmbedding[d]! - ref.mean[d]!) / ref.std[d]!;
    sum += z * z;
  }
  return Math.sqrt(sum / meanEmbedding.length);
}

export function familiarity(meanEmbedding: Float32Array, ref: FamiliarityReference, acquisition: AcquisitionStatistics | null = null): Familiarity {
  const embedding = embeddingDistance(meanEmbedding, ref) / ref.threshold;
  const acquired = ref.acquisition && acquisition ? acquisitionDistance(acquisition, ref.acquisition) / ref.acquisition.threshold : 0;
  const distance = Math.max(embedding, acquired);
  return { unfamiliar: distance > 1, distance: Math.round(distance * 1e4) / 1e4 };
}

/** The acquisition statistics a reference judges (none for a reference without them): all a reader needs measured. */
export function judgedBy(ref: FamiliarityReference | null | undefined): AcquisitionStatistic[] {
  return ACQUISITION_STATISTICS.filter((k) => ref?.acquisition?.statistics[k]);
}

/** Cell area and blockiness vary by ratios (log scale); the halo is a share already. */
function acquisitionScale(k: AcquisitionStatistic, v: number): number {
  return k === 'halo' ? v : Math.log(Math.max(v, 1e-6));
}

/** Largest robust z-score of the field's measured acquisition statistics against the reference. */
export function acquisitionDistance(a: AcquisitionStatistics, ref: Pick<AcquisitionReference, 'statistics'>): number {
  let worst = 0;
  for (const k of ACQUISITION_STATISTICS) {
    const v = a[k];
    const r = ref.statistics[k];
    if (v === null || !r) continue;
    worst = Math.max(worst, Math.abs(acquisitionScale(k, v) - r.centre) / r.scale);
  }
  return worst;
}

/**
 * The acquisition statistics a reference judges by default: those whose shift was measured to
 * cost the model's reading (docs/field-quality.md, "Which acquisition statistics are judged").
 * A statistic whose shift costs nothing would only raise false alarms.
 */
export const JUDGED_ACQUISITION_STATISTICS: readonly AcquisitionStatistic[] = ['cellAreaUm2', 'blockiness'];

/** Median and 1.4826·MAD (floored) of each judged statistic over the reference fields; threshold at `quantile` of their own distances. */
export function fitAcquisitionReference(fields: AcquisitionStatistics[], quantile: number, judged: readonly AcquisitionStatistic[] = JUDGED_ACQUISITION_STATISTICS): AcquisitionReference {
  const statistics: Partial<Record<AcquisitionStatistic, { centre: number; scale: number }>> = {};
  for (const k of judged) {
    const values = fields.map((f) => f[k]).filter((v): v is number => v !== null).map((v) => acquisitionScale(k, v));
    if (values.length < 2) continue;
    const centre = quantileOf(values, 0.5);
    const mad = quantileOf(values.map((v) => Math.abs(v - centre)), 0.5);
    statistics[k] = { centre, scale: Math.max(1.4826 * mad, ACQUISITION_SCALE_FLOOR[k]) };
  }
  const distances = fields.map((f) => acquisitionDistance(f, { statistics }));
  return { statistics, threshold: Math.max(quantileOf(distances, quantile), 1e-6) };
}

/** Smallest scale per statistic, so that near-identical reference fields do not make every other field "far". */
const ACQUISITION_SCALE_FLOOR: Record<AcquisitionStatistic, number> = { cellAreaUm2: 0.05, halo: 0.01, blockiness: 0.01 };

function quantileOf(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Fits the reference on mean embeddings of training-like fields; threshold at `quantile` of their own distances. */
export function fitFamiliarityReference(
  embeddings: Float32Array[],
  quantile: number,
  extractorSha256: string | null,
  provenance: Record<string, unknown> = {},
  acquisition: AcquisitionStatistics[] = [],
  judged: readonly AcquisitionStatistic[] = JUDGED_ACQUISITION_STATISTICS,
): FamiliarityReference {
  if (embeddings.length < 2) throw new RangeError('a familiarity reference needs at least two fields');
  const dims = embeddings[0]!.length;
  const mean = new Array<number>(dims).fill(0);
  const sq = new Array<number>(dims).fill(0);
  for (const e of embeddings) for (let d = 0; d < dims; d++) mean[d]! += e[d]! / embeddings.length;
  for (const e of embeddings) for (let d = 0; d < dims; d++) sq[d]! += (e[d]! - mean[d]!) ** 2 / (embeddings.length - 1);
  const spreads = sq.map(Math.sqrt);
  // Floor at a tenth of the median spread: a dimension that never moved must not make every new field "far".
  const floor = Math.max(1e-6, 0.1 * [...spreads].sort((a, b) => a - b)[dims >> 1]!);
  const std = spreads.map((s) => Math.max(s, floor));
  const distances = embeddings.map((e) => embeddingDistance(e, { mean, std })).sort((a, b) => a - b);
  const threshold = quantileOf(distances, quantile);
  const reference: FamiliarityReference = { schemaVersion: 1, extractorSha256, fields: embeddings.length, mean, std, threshold, quantile, provenance };
  return acquisition.length >= 2 && judged.length > 0 ? { ...reference, acquisition: fitAcquisitionReference(acquisition, quantile, judged) } : reference;
}

/**
 * The reference listed in a loaded package's manifest (role `reference`; its sha256 was checked
 * when the package was loaded), or null when the package lists none: familiarity is then not judged.
 */
export async function loadFamiliarityReference(pkg: ModelPackage): Promise<FamiliarityReference | null> {
  const listed = pkg.manifest.files.find((f) => f.role === 'reference');
  if (!listed) return null;
  const path = join(pkg.dir, listed.path);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new DomainError('model-invalid', `${path}: cannot read the familiarity reference (${error.message})`, { cause: error });
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DomainError('model-invalid', `${path}: not JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = FamiliarityReference.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DomainError('model-invalid', `${path}: ${issue.path.join('.') || 'reference'}: ${issue.message}`);
  }
  const extractor = pkg.manifest.kind === 'extractor-head' ? (pkg.manifest.extractor?.sha256 ?? null) : null;
  if (parsed.data.extractorSha256 && extractor && parsed.data.extractorSha256 !== extractor) {
    throw new DomainError('model-invalid', `${path}: made for extractor ${parsed.data.extractorSha256.slice(0, 12)}…, but the model's extractor is ${extractor.slice(0, 12)}…`);
  }
  return parsed.data;
}
