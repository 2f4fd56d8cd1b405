/**
 * Reading one slide file: import it into the record (case + slide, idempotent by sha256), decode,
 * cut the patch grid, run the model in batches, aggregate, and store the reading.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { DomainError } from '../errors';
import { inTransaction, type WritableDb } from '../db/connection';
import { ensureCase, getCaseById, setCaseStatus } from '../db/case.repo';
import { getSlideBySha256, insertSlide, type SlideRow } from '../db/slide.repo';
import { insertReading, listReadingsOfSlide, type PatchEntry, type ReadingRow } from '../db/reading.repo';
import { decodeSlide } from '../slides/decode';
import { patchGrid, patchSizePx } from '../slides/grid';
import { meanOf, normalise, resamplePatch } from '../slides/patches';
import { aggregate, predictedLabels } from '../inference/aggregate';
import type { InferenceEngine } from '../inference/engine';
import type { ModelPackage } from '../models/model-package';

export interface ReadSlideContext {
  db: WritableDb;
  model: ModelPackage;
  engine: InferenceEngine;
  nowMs?: () => number;
  batchSize?: number;
}

export interface ReadSlideResult {
  slide: SlideRow;
  reading: ReadingRow;
  /** True when this file (same sha256) had already been read by this model version. */
  alreadyRead: boolean;
}

/** Default accession id: the file name up to the first underscore or dot (e.g. `A2026-0042_f1.png`). */
export function accessionFromFileName(fileName: string): string {
  return basename(fileName).split(/[_.]/)[0] || basename(fileName);
}

export async function readSlideFile(ctx: ReadSlideContext, path: string): Promise<ReadSlideResult> {
  const now = ctx.nowMs ?? Date.now;
  const absPath = resolve(path);
  const bytes = await readFile(absPath).catch((error: NodeJS.ErrnoException) => {
    throw new DomainError('slide-unreadable', `${absPath}: cannot read file (${error.code ?? error.message})`, { cause: error });
  });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const { manifest } = ctx.model;

  const known = getSlideBySha256(ctx.db, sha256);
  if (known) {
    const done = listReadingsOfSlide(ctx.db, known.id).find((r) => r.status === 'done' && r.modelId === manifest.id && r.modelVersion === manifest.version);
    if (done) return { slide: known, reading: done, alreadyRead: true };
  }

  const timingsMs: Record<string, number> = {};
  let t = performance.now();
  const decoded = await decodeSlide(absPath);
  timingsMs.decode = performance.now() - t;

  t = performance.now();
  const pixelSizeUm = decoded.pixelSizeUm ?? manifest.patch.defaultPixelSizeUm;
  const rects = patchGrid(decoded.widthPx, decoded.heightPx, patchSizePx(manifest.patch.sizeUm, pixelSizeUm));
  const [, , inputPx] = manifest.input.shape;
  const patchLength = inputPx * inputPx;
  const pixels = new Float32Array(rects.length * patchLength);
  rects.forEach((rect, i) => resamplePatch(decoded.fitc, decoded.widthPx, rect, inputPx, pixels, i * patchLength));
  const kept = rects.map((_, i) => meanOf(pixels, i * patchLength, (i + 1) * patchLength) >= manifest.patch.backgroundMax);
  normalise(pixels, manifest.normalisation.mean, manifest.normalisation.std);
  timingsMs.tile = performance.now() - t;

  t = performance.now();
  const labels = manifest.labels.map((l) => l.key);
  const scores = new Float32Array(rects.length * labels.length);
  const batchSize = ctx.batchSize ?? 32;
  const keptIndex = rects.map((_, i) => i).filter((i) => kept[i]);
  for (let start = 0; start < keptIndex.length; start += batchSize) {
    const batch = keptIndex.slice(start, start + batchSize);
    const input = new Float32Array(batch.length * patchLength);
    batch.forEach((p, j) => input.set(pixels.subarray(p * patchLength, (p + 1) * patchLength), j * patchLength));
    const { probabilities } = await ctx.engine.run(input, batch.length);
    batch.forEach((p, j) => scores.set(probabilities.subarray(j * labels.length, (j + 1) * labels.length), p * labels.length));
  }
  timingsMs.infer = performance.now() - t;

  t = performance.now();
  const keptScores = new Float32Array(keptIndex.length * labels.length);
  keptIndex.forEach((p, j) => keptScores.set(scores.subarray(p * labels.length, (p + 1) * labels.length), j * labels.length));
  const probabilities = aggregate(keptScores, keptIndex.length, labels.length, manifest.aggregation);
  const predicted = predictedLabels(labels, probabilities, manifest.thresholds);
  timingsMs.aggregate = performance.now() - t;

  t = performance.now();
  const fileSize = (await stat(absPath)).size;
  const result = inTransaction(ctx.db, () => {
    const slide =
      known ??
      insertSlide(ctx.db, {
        caseId: ensureCase(ctx.db, accessionFromFileName(absPath), now(), now()).id,
        path: absPath,
        fileName: basename(absPath),
        sha256,
        sizeBytes: fileSize,
        widthPx: decoded.widthPx,
        heightPx: decoded.heightPx,
        pixelSizeUm,
        format: decoded.format,
        createdAtMs: now(),
      });
    const reading = insertReading(ctx.db, {
      slideId: slide.id,
      modelId: manifest.id,
      modelVersion: manifest.version,
      provider: ctx.engine.provider,
      status: 'done',
      error: null,
      labels,
      probabilities,
      predicted,
      patchCount: rects.length,
      patches: rects.map((r, i): PatchEntry => [r.x, r.y, r.width, r.height, kept[i] ? 0 : 1]),
      patchScores: scores,
      timingsMs,
      createdAtMs: now(),
    });
    const kase = getCaseById(ctx.db, slide.caseId)!;
    if (kase.status === 'new') setCaseStatus(ctx.db, kase.id, 'read');
    return { slide, reading };
  });
  timingsMs.store = performance.now() - t;
  return { ...result, alreadyRead: false };
}
