/**
 * Batch reading of a day's slides. A two-stage pipeline: while the model (in the inference worker)
 * scores slide i, this thread reads, hashes, decodes, judges and tiles slides i+1 and i+2
 * (PREPARE_AHEAD); so a batch runs at the pace of its slower stage, not the sum of both. Each
 * slide is stored in its own transaction as soon as it is scored: killing the process loses at
 * most the slide in flight, and reading the same files again skips every file (by sha256) this
 * model version has already read. A failing file is reported with its error and the batch goes
 * on; cancelling stops after the current slide.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { DomainError, errorMessage, type ErrorCode } from '../errors';
import { accessionFromFileName, checkAccession } from './accession';
import { hashFile, prepareSlide, type PreparedSlide } from './prepare-slide';
import { findDoneReading, scoreAndStore, type ReadSlideContext } from './read-slide';
import type { Familiarity, FieldQuality, PixelSizeSource, Screening } from '../../contract/quality';
import { unreadableFileQuality } from '../quality/readability';
import { judgedBy } from '../quality/familiarity';
import { withheldByScreening } from './withheld';

export const SLIDE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.bmp'] as const;

export interface BatchItemResult {
  path: string;
  /** done: read now; skipped: already read by this model version; failed: see error. */
  status: 'done' | 'skipped' | 'failed';
  error: { code: ErrorCode; message: string } | null;
  accessionId: string | null;
  caseId: number | null;
  slideId: number | null;
  readingId: number | null;
  labels: string[];
  probabilities: number[];
  predicted: string[];
  /** Patterns the model called that screening withheld (the field screened negative): withheld.ts. */
  withheld: string[];
  patchCount: number;
  skippedPatches: number;
  provider: string | null;
  pixelSizeUm: number | null;
  /** Where the pixel size came from ('model-default': assumed, the file states none and no profile was given). */
  pixelSizeSource: PixelSizeSource | null;
  /** Milliseconds per stage: decode, tile, analyse, infer, aggregate, store; total is wall time from dequeue to stored. */
  timingsMs: Record<string, number>;
  /** The field's verdict; a file that could not be decoded is `not-readable` / `unreadable-file`. Null for other failures. */
  quality: FieldQuality | null;
  screening: Screening | null;
  familiarity: Familiarity | null;
}

export interface BatchProgress {
  batchId: string;
  /** Files finished, whatever their outcome. */
  done: number;
  failed: number;
  skipped: number;
  total: number;
  etaMs: number | null;
  currentFile: string | null;
}

export interface BatchOptions {
  batchId?: string;
  /** Read again files this model version has already read (benchmarks, re-reads). */
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: BatchProgress) => void;
  onItem?: (result: BatchItemResult) => void;
  /** Slides prepared ahead of the one being scored (default PREPARE_AHEAD; benchmarks compare). */
  prepareAhead?: number;
}

export interface BatchSummary {
  batchId: string;
  items: BatchItemResult[];
  done: number;
  skipped: number;
  failed: number;
  cancelled: boolean;
  wallMs: number;
}

/**
 * The slide files under `paths`: files as given (so a wrong file gets a clear error), folders
 * walked recursively for slide extensions, sorted by path for a stable order.
 */
export async function listSlideFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.')) continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) await walk(path);
      else if ((SLIDE_EXTENSIONS as readonly string[]).includes(extname(e.name).toLowerCase())) out.push(path);
    }
  };
  for (const p of paths) {
    const abs = resolve(p);
    const info = await stat(abs).catch(() => null);
    if (info?.isDirectory()) await walk(abs);
    else out.push(abs);
  }
  return [...new Set(out)];
}

type Prepared =
  | { kind: 'ready'; prepared: PreparedSlide; accessionId: string; startedMs: number }
  | { kind: 'skipped'; result: BatchItemResult }
  | { kind: 'failed'; result: BatchItemResult };

let batchCounter = 0;

/**
 * Slides prepared ahead of the one being scored. Two: with a cheap model the CPU half is the
 * bottleneck, and while one slide's field analysis runs in its worker (./field-judge.ts) the
 * second is decoded and cut here; each holds one decoded field more in memory (≈ 12 MB at
 * 2048×1536). Alone, with the analysis on this thread, it showed no gain at the load we could
 * measure at (`ana bench read --prepare-ahead 1|2`, docs/results.md, "Reading throughput").
 */
export const PREPARE_AHEAD = 2;

export async function readBatch(ctx: ReadSlideContext, paths: string[], options: BatchOptions = {}): Promise<BatchSummary> {
  const batchId = options.batchId ?? `batch-${Date.now().toString(36)}-${(batchCounter++).toString(36)}`;
  const accessionOf = ctx.accessionOf ?? accessionFromFileName;
  const total = paths.length;
  const items: BatchItemResult[] = [];
  const counts = { done: 0, skipped: 0, failed: 0 };
  const startMs = performance.now();
  let readMs = 0;
  let readCount = 0;

  const progress = (currentFile: string | null) => {
    const finished = items.length;
    const remaining = total - finished;
    const perSlide = readCount > 0 ? readMs / readCount : null;
    options.onProgress?.({ batchId, done: finished, failed: counts.failed, skipped: counts.skipped, total, etaMs: perSlide === null ? null : Math.round(perSlide * remaining), currentFile });
  };
  const finish = (result: BatchItemResult) => {
    items.push(result);
    counts[result.status]++;
    options.onItem?.(result);
  };

  const prepare = async (path: string): Promise<Prepared> => {
    const startedMs = performance.now();
    let accessionId: string | null = null;
    try {
      // Whatever parser the lab configured, the accession rule holds (reading/accession.ts).
      accessionId = checkAccession(accessionOf(path), path);
      const file = await hashFile(path, ctx.profile ?? null);
      if (!options.force) {
        const done = findDoneReading(ctx.db, file.sha256, ctx.model);
        if (done) {
          return {
            kind: 'skipped',
            result: {
              ...emptyResult(file.path, accessionId),
              status: 'skipped',
              caseId: done.slide.caseId,
              slideId: done.slide.id,
              readingId: done.reading.id,
              labels: done.reading.labels,
              probabilities: done.reading.probabilities,
              predicted: done.reading.predicted,
              withheld: withheldByScreening(done.reading),
              patchCount: done.reading.patchCount,
              skippedPatches: done.reading.patches.filter((p) => p[4] === 1).length,
              provider: done.reading.provider,
              pixelSizeUm: done.slide.pixelSizeUm,
              pixelSizeSource: done.slide.pixelSizeSource,
              quality: done.reading.quality,
              screening: done.reading.screening,
              familiarity: done.reading.familiarity,
            },
          };
        }
      }
      return { kind: 'ready', prepared: await prepareSlide(file, ctx.model.manifest, ctx.profile ?? null, ctx.onDecoded, { acquisition: judgedBy(ctx.familiarityReference) }, ctx.fieldJudge), accessionId, startedMs };
    } catch (error) {
      return { kind: 'failed', result: failedResult(resolve(path), accessionId, error) };
    }
  };

  progress(paths[0] ?? null);
  // Slides being prepared, in order: while the model scores one, the next ones (PREPARE_AHEAD) are read,
  // decoded (in libvips' threads) and judged here, so one slide's decoding also overlaps the
  // previous one's analysis on this thread.
  const ahead: Promise<Prepared>[] = [];
  let started = 0;
  const prepareAhead = () => {
    while (started < paths.length && ahead.length < Math.max(1, options.prepareAhead ?? PREPARE_AHEAD)) ahead.push(prepare(paths[started++]!));
  };
  prepareAhead();
  let cancelled = false;
  for (let i = 0; i < paths.length; i++) {
    if (options.signal?.aborted) {
      cancelled = true;
      break;
    }
    const current = await ahead.shift()!;
    prepareAhead();
    if (current.kind !== 'ready') {
      finish(current.result);
      progress(paths[i + 1] ?? null);
      continue;
    }
    const { prepared, accessionId, startedMs } = current;
    try {
      const { image, timingsMs: stageMs, familiarity, ...stored } = await scoreAndStore(ctx, accessionId, prepared);
      const timingsMs = { ...stageMs, total: performance.now() - startedMs };
      readMs = performance.now() - startMs;
      readCount++;
      finish({
        path: prepared.path,
        status: 'done',
        error: null,
        accessionId,
        caseId: stored.slide.caseId,
        slideId: stored.slide.id,
        readingId: stored.reading.id,
        labels: image.labels,
        probabilities: image.probabilities,
        predicted: image.predicted,
        withheld: withheldByScreening({ ...image, thresholds: ctx.model.manifest.thresholds, screening: prepared.verdict.screening }),
        patchCount: prepared.patches.rects.length,
        skippedPatches: prepared.patches.kept.filter((k) => !k).length,
        provider: ctx.engine.provider,
        pixelSizeUm: prepared.pixelSizeUm,
        pixelSizeSource: prepared.pixelSizeSource,
        timingsMs,
        quality: prepared.verdict.quality,
        screening: prepared.verdict.screening,
        familiarity,
      });
    } catch (error) {
      finish(failedResult(prepared.path, accessionId, error));
    }
    progress(paths[i + 1] ?? null);
  }
  // A cancelled batch may leave prepared slides behind: let them settle so nothing dangles.
  await Promise.all(ahead);
  progress(null);
  return { batchId, items, ...counts, cancelled, wallMs: performance.now() - startMs };
}

function emptyResult(path: string, accessionId: string | null): BatchItemResult {
  return {
    path,
    status: 'done',
    error: null,
    accessionId,
    caseId: null,
    slideId: null,
    readingId: null,
    labels: [],
    probabilities: [],
    predicted: [],
    withheld: [],
    patchCount: 0,
    skippedPatches: 0,
    provider: null,
    pixelSizeUm: null,
    pixelSizeSource: null,
    timingsMs: {},
    quality: null,
    screening: null,
    familiarity: null,
  };
}

function failedResult(path: string, accessionId: string | null, error: unknown): BatchItemResult {
  const code: ErrorCode = error instanceof DomainError ? error.code : 'internal';
  const message = errorMessage(error);
  // A file that cannot be decoded is a field nobody can read: say so in the field's own terms too.
  const quality = code === 'slide-unreadable' || code === 'slide-unsupported' ? unreadableFileQuality() : null;
  return { ...emptyResult(path, accessionId), status: 'failed', error: { code, message: message.includes(path) ? message : `${path}: ${message}` }, quality };
}
