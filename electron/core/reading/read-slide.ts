/**
 * Reading one prepared slide (the stage after prepare-slide.ts, which decodes, cuts the grid and
 * judges the field; driven by batch-reader.ts, the one reading pipeline): run the model in batches
 * on the patches with cells, aggregate, and store case, slide and reading in one transaction (a
 * crash leaves either the whole reading or none of it). A field that is not readable is not scored at all and gets no pattern;
 * a readable field screened negative keeps the model's probabilities as evidence but no pattern.
 */
import { inTransaction, type WritableDb } from '../db/connection';
import { ensureCase, getCaseById, setCaseStatus } from '../db/case.repo';
import type { Actor } from '../db/audit.repo';
import { getSlideBySha256, insertSlide, updateSlidePixelSize, type SlideRow } from '../db/slide.repo';
import type { PatchEntry } from '../../contract';
import { insertReading, listReadingsOfSlide, type ReadingRow } from '../db/reading.repo';
import { aggregate, predictedLabels } from '../inference/aggregate';
import type { InferenceEngine } from '../inference/engine';
import type { ModelPackage } from '../models/model-package';
import type { MicroscopeProfile } from '../slides/microscope-profile';
import type { Familiarity } from '../../contract/quality';
import { familiarity, type FamiliarityReference } from '../quality/familiarity';
import type { OnDecoded, PreparedSlide } from './prepare-slide';
import type { FieldJudge } from './field-judge';


/** The reading pipeline's name in the audit log. */
const READING_ACTOR: Actor = { userId: null, name: 'system:reading' };

export interface ReadSlideContext {
  db: WritableDb;
  model: ModelPackage;
  engine: InferenceEngine;
  nowMs?: () => number;
  batchSize?: number;
  profile?: MicroscopeProfile | null;
  /** Accession id of a file (default: from its name). */
  accessionOf?: (path: string) => string;
  /** Sees each decoded slide before tiling is done with it (the app stores the display rendition). */
  onDecoded?: OnDecoded;
  /** The model package's training-field statistics (reference.json); null: familiarity is not judged. */
  familiarityReference?: FamiliarityReference | null;
  /** Where fields are judged (./field-judge.ts): a worker thread, or by default this thread. */
  fieldJudge?: FieldJudge;
}

/**
 * Patches per inference call. ONNX Runtime's CPU arena grows to the largest batch it has seen:
 * with the 0.3.0 extractor (256 px patches) 64 per call peaked at 1.9 GB RSS against 0.94 GB at 16,
 * at the same throughput (`ana bench read --count 40`: 1.50 vs 1.56 slides/s). The 3.0.0 extractor's
 * codebook maps (128 channels at 125² per patch) took 16 to 1.21 GB; 8 peak at 0.86 GB at the same
 * inference time (`ana bench read --count 20`: 1,682 vs 1,667 ms per slide). Turning the arena off
 * instead kept 0.87 GB but cost a quarter more time. On the CPU one patch per call is cheaper still
 * (issue 18: 5–13 % less CPU time per patch than 8 in three side-by-side runs, its maps stay in
 * cache); a GPU provider keeps 8.
 */
export const DEFAULT_BATCH_SIZE = 8;
export const CPU_BATCH_SIZE = 1;

/** Patches per call for an engine: CPU_BATCH_SIZE on the CPU provider, else DEFAULT_BATCH_SIZE. */
export function defaultBatchSize(engine: Pick<InferenceEngine, 'provider'>): number {
  return engine.provider === 'cpu' ? CPU_BATCH_SIZE : DEFAULT_BATCH_SIZE;
}

/** The finished reading of this file content by this model version, if any. */
export function findDoneReading(db: WritableDb, sha256: string, model: ModelPackage): { slide: SlideRow; reading: ReadingRow } | null {
  const slide = getSlideBySha256(db, sha256);
  if (!slide) return null;
  const { id, version } = model.manifest;
  const reading = listReadingsOfSlide(db, slide.id).find((r) => r.status === 'done' && r.modelId === id && r.modelVersion === version);
  return reading ? { slide, reading } : null;
}

/**
 * Per-patch probabilities [patches, labels]; background patches are not run and score 0.
 * All batches are queued at once: the worker answers them in order without idle gaps.
 */
export async function scorePatches(engine: InferenceEngine, prepared: PreparedSlide, labelCount: number, batchSize = defaultBatchSize(engine)): Promise<Float32Array> {
  return (await scorePatchesWithEmbedding(engine, prepared, labelCount, batchSize)).scores;
}

/** As scorePatches, plus the mean embedding of the scored patches (null when the model has none or none was scored). */
export async function scorePatchesWithEmbedding(
  engine: InferenceEngine,
  prepared: PreparedSlide,
  labelCount: number,
  batchSize = defaultBatchSize(engine),
): Promise<{ scores: Float32Array; meanEmbedding: Float32Array | null }> {
  const { rects, pixels, kept } = prepared.patches;
  const patchLength = pixels.length / Math.max(1, rects.length);
  const scores = new Float32Array(rects.length * labelCount);
  let embeddingSum: Float64Array | null = null;
  const keptIndex = rects.map((_, i) => i).filter((i) => kept[i]);
  const runs: Promise<void>[] = [];
  for (let start = 0; start < keptIndex.length; start += batchSize) {
    const batch = keptIndex.slice(start, start + batchSize);
    const input = new Float32Array(batch.length * patchLength);
    batch.forEach((p, j) => input.set(pixels.subarray(p * patchLength, (p + 1) * patchLength), j * patchLength));
    runs.push(
      engine.run(input, batch.length).then(({ probabilities, embeddings, embeddingDims }) => {
        batch.forEach((p, j) => scores.set(probabilities.subarray(j * labelCount, (j + 1) * labelCount), p * labelCount));
        if (!embeddings || embeddingDims === 0) return;
        embeddingSum ??= new Float64Array(embeddingDims);
        for (let j = 0; j < batch.length * embeddingDims; j++) embeddingSum[j % embeddingDims]! += embeddings[j]!;
      }),
    );
  }
  await Promise.all(runs);
  const sum = embeddingSum as Float64Array | null;
  const meanEmbedding = sum && keptIndex.length > 0 ? Float32Array.from(sum, (v) => v / keptIndex.length) : null;
  return { scores, meanEmbedding };
}

export interface ImageScores {
  labels: string[];
  probabilities: number[];
  predicted: string[];
}

/** Image-level probabilities from the kept patches, per label, by the manifest's aggregation (max, mean or mean-logit; docs/method.md §aggregation). */
export function aggregateSlide(model: ModelPackage, prepared: PreparedSlide, scores: Float32Array): ImageScores {
  const { manifest } = model;
  const labels = manifest.labels.map((l) => l.key);
  const K = labels.length;
  const keptIndex = prepared.patches.kept.flatMap((k, i) => (k ? [i] : []));
  const keptScores = new Float32Array(keptIndex.length * K);
  keptIndex.forEach((p, j) => keptScores.set(scores.subarray(p * K, (p + 1) * K), j * K));
  const probabilities = aggregate(keptScores, keptIndex.length, K, manifest.aggregation);
  return { labels, probabilities, predicted: predictedLabels(labels, probabilities, manifest.thresholds) };
}

/** Stores slide (if new, in the case `accessionId`), reading and the case's status in one transaction. */
export function storeReading(
  ctx: Pick<ReadSlideContext, 'db' | 'model' | 'nowMs'>,
  accessionId: string,
  prepared: PreparedSlide,
  scores: Float32Array,
  image: ImageScores,
  provider: string,
  timingsMs: Record<string, number>,
  fieldFamiliarity: Familiarity | null = null,
): { slide: SlideRow; reading: ReadingRow } {
  const now = ctx.nowMs ?? Date.now;
  const { manifest } = ctx.model;
  return inTransaction(ctx.db, () => {
    const stored = getSlideBySha256(ctx.db, prepared.sha256);
    const slide = stored
      ? withPixelSizeOf(ctx.db, stored, prepared)
      : insertSlide(ctx.db, {
        caseId: ensureCase(ctx.db, accessionId, now(), now(), {}, READING_ACTOR).id,
        path: prepared.path,
        fileName: prepared.fileName,
        sha256: prepared.sha256,
        sizeBytes: prepared.sizeBytes,
        widthPx: prepared.decoded.widthPx,
        heightPx: prepared.decoded.heightPx,
        pixelSizeUm: prepared.pixelSizeUm,
        pixelSizeSource: prepared.pixelSizeSource,
        format: prepared.decoded.format,
        createdAtMs: now(),
      }, READING_ACTOR);
    const reading = insertReading(ctx.db, {
      slideId: slide.id,
      modelId: manifest.id,
      modelVersion: manifest.version,
      provider,
      status: 'done',
      error: null,
      labels: image.labels,
      probabilities: image.probabilities,
      predicted: image.predicted,
      patchCount: prepared.patches.rects.length,
      patches: prepared.patches.rects.map((r, i): PatchEntry => [r.x, r.y, r.width, r.height, prepared.patches.kept[i] ? 0 : 1]),
      patchScores: scores,
      timingsMs,
      thresholds: manifest.thresholds,
      quality: prepared.verdict.quality,
      screening: prepared.verdict.screening,
      familiarity: fieldFamiliarity,
      cells: prepared.verdict.cells,
      createdAtMs: now(),
    }, READING_ACTOR);
    const kase = getCaseById(ctx.db, slide.caseId)!;
    if (kase.status === 'new') setCaseStatus(ctx.db, kase.id, 'read', READING_ACTOR);
    return { slide, reading };
  });
}

/**
 * A slide read again records the pixel size this reading was cut at (read first at the model's
 * assumed size, then with a microscope profile, say), unless its case is signed: the signed record
 * keeps the slide it was signed on.
 */
function withPixelSizeOf(db: WritableDb, slide: SlideRow, prepared: PreparedSlide): SlideRow {
  if (slide.pixelSizeUm === prepared.pixelSizeUm && slide.pixelSizeSource === prepared.pixelSizeSource) return slide;
  const status = getCaseById(db, slide.caseId)!.status;
  if (status === 'signed' || status === 'amended') return slide;
  return updateSlidePixelSize(db, slide.id, prepared.pixelSizeUm, prepared.pixelSizeSource, READING_ACTOR);
}

/**
 * Scores a prepared slide, aggregates it and stores the reading in the case `accessionId` (computed
 * once, by the batch reader). The stored timings cover decode to aggregate; the returned ones add
 * the store itself.
 */
export async function scoreAndStore(
  ctx: ReadSlideContext,
  accessionId: string,
  prepared: PreparedSlide,
): Promise<{ slide: SlideRow; reading: ReadingRow; image: ImageScores; familiarity: Familiarity | null; timingsMs: Record<string, number> }> {
  const labelCount = ctx.model.manifest.labels.length;
  const readable = prepared.verdict.quality.verdict === 'readable';
  let t = performance.now();
  // A field that is not readable is not shown to the model: no score can say more than the image.
  const { scores, meanEmbedding } = readable
    ? await scorePatchesWithEmbedding(ctx.engine, prepared, labelCount, ctx.batchSize)
    : { scores: new Float32Array(prepared.patches.rects.length * labelCount), meanEmbedding: null };
  const inferMs = performance.now() - t;
  t = performance.now();
  const aggregated = readable ? aggregateSlide(ctx.model, prepared, scores) : { labels: ctx.model.manifest.labels.map((l) => l.key), probabilities: new Array<number>(labelCount).fill(0), predicted: [] };
  // Patterns are suggested only on screened-positive fields; a negative keeps its probabilities as evidence.
  const image = prepared.verdict.screening?.call === 'positive' ? aggregated : { ...aggregated, predicted: [] };
  const reference = ctx.familiarityReference;
  // A reference of another extractor (other dimensions) cannot judge this model's embeddings.
  const fieldFamiliarity = meanEmbedding && reference && reference.mean.length === meanEmbedding.length ? familiarity(meanEmbedding, reference, prepared.verdict.acquisition) : null;
  const aggregateMs = performance.now() - t;
  t = performance.now();
  const timingsMs = { ...prepared.timingsMs, infer: inferMs, aggregate: aggregateMs };
  const stored = storeReading(ctx, accessionId, prepared, scores, image, ctx.engine.provider, timingsMs, fieldFamiliarity);
  return { ...stored, image, familiarity: fieldFamiliarity, timingsMs: { ...timingsMs, store: performance.now() - t } };
}
