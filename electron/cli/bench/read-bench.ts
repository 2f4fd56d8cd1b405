/**
 * The reading throughput benchmark (`ana bench read`). On the same synthetic fields it measures
 * three things in one run:
 *   1. the CPU half alone (read + hash + decode + tile, per slide),
 *   2. inference alone (the prepared patches through the same worker engine, per slide),
 *   3. the real pipeline (readBatch, decode of slide i+1 overlapping inference of slide i,
 *      storing every reading in a fresh database),
 * and reports the pipeline's throughput as a ratio of the bottleneck bound 1/max(t_cpu, t_infer),
 * the model's cost against decoding's (inferAloneMs / decodeAloneMs, machine-independent: both are
 * measured in the same run), patches scored and skipped, plus peak RSS sampled during the pipeline
 * and RSS at its start and end (memory must stay flat). With a baseline (another package, or the
 * same one with the previous reading settings) the same measurements run again on the same fields,
 * so the two compare at the same machine load (the load average is printed beside them).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { openDatabase } from '../../core/db/connection';
import { createWorkerEngine } from '../../core/inference/worker-engine';
import { createEngine, defaultGraphOptimization, defaultIntraOpThreads, type GraphOptimization, type InferenceEngine } from '../../core/inference/engine';
import type { ProviderName } from '../../core/inference/providers';
import { loadModelPackage } from '../../core/models/model-package';
import { judgedBy, loadFamiliarityReference } from '../../core/quality/familiarity';
import { encodeField, generateField } from '../../core/synth';
import { PREPARE_AHEAD, readBatch } from '../../core/reading/batch-reader';
import { startFieldJudgeWorker } from '../../core/reading/field-judge';
import { hashFile, prepareSlide } from '../../core/reading/prepare-slide';
import { decodeSlideBytes } from '../../core/slides/decode';
import { defaultBatchSize, scorePatches } from '../../core/reading/read-slide';

/** How the model runs: the reading defaults unless given. */
export interface ReadSettings {
  /** Patches per inference call (default: the reader's, defaultBatchSize). */
  batchSize?: number;
  /** ONNX Runtime threads per call (default: the engine's, all cores but one). */
  intraOpThreads?: number;
  /** Default: the engine's choice for the package (defaultGraphOptimization). */
  graphOptimization?: GraphOptimization;
  /** Slides the batch reader prepares ahead of the one being scored (default: the reader's, PREPARE_AHEAD). */
  prepareAhead?: number;
  /** Where the pipeline judges fields: a worker thread (the reading service's default with a worker engine) or the reading thread. */
  fieldJudge?: 'worker' | 'thread';
}

/**
 * The settings the reader used before issue 18 (8 patches per call, one thread on two cores,
 * ONNX Runtime's 'all' optimisation level, one slide prepared ahead, fields judged in the reading
 * thread): a baseline package runs with these by default.
 */
export const PREVIOUS_READ_SETTINGS: Required<ReadSettings> = { batchSize: 8, intraOpThreads: 1, graphOptimization: 'all', prepareAhead: 1, fieldJudge: 'thread' };

export interface ReadBenchOptions extends ReadSettings {
  count: number;
  modelDir: string;
  workDir: string;
  widthPx?: number;
  heightPx?: number;
  /** Distinct fields generated; the pipeline cycles through them (each read is forced). */
  poolSize?: number;
  /** Slides measured in the decode-alone and inference-alone passes. */
  isolatedCount?: number;
  providers?: ProviderName[];
  useWorker?: boolean;
  seed?: number;
  /** Measured again on the same fields after the model: another package and/or other settings. */
  baseline?: { modelDir: string; count?: number } & ReadSettings;
  log?: (message: string) => void;
  onProgress?: (done: number, total: number) => void;
}

export interface ReadBenchMeasurement {
  model: string;
  modelDir: string;
  settings: Required<ReadSettings>;
  provider: string;
  fields: number;
  /** Patches in a field's grid, and per slide on average: scored by the model, skipped (no cells). */
  patchesPerSlide: number;
  patchesScoredPerSlide: number;
  patchesSkippedPerSlide: number;
  slidesPerSecond: number;
  patchesPerSecond: number;
  /** Mean milliseconds per slide and stage inside the pipeline. */
  stageMs: Record<string, number>;
  /** Isolated passes: mean ms per slide. */
  cpuHalfAloneMs: number;
  decodeAloneMs: number;
  tileAloneMs: number;
  inferAloneMs: number;
  /** inferAloneMs / decodeAloneMs: the model's cost in units of decoding the field (issue 18: ≤ 4). */
  modelToDecodeRatio: number;
  /**
   * The same two costs in CPU time of this process (all its threads), which a loaded machine
   * inflates far less than wall time: decoding alone, the model alone, and their ratio.
   */
  decodeAloneCpuMs: number;
  inferAloneCpuMs: number;
  modelToDecodeCpuRatio: number;
  bottleneckBoundSlidesPerSecond: number;
  ratioToBound: number;
  /**
   * CPU time per slide in the pipeline, which other jobs on a loaded machine inflate far less than
   * wall time: of the reading thread alone (read, hash, decode's hand-off, cut, store, and the
   * analysis when judged there), and of the whole process (all its threads: libvips, the workers).
   */
  readingThreadCpuMsPerSlide: number;
  processCpuMsPerSlide: number;
  /**
   * What the pipeline could reach on an idle machine with this many cores, from those CPU times:
   * 1000 / max(reading thread, process ÷ cores). An estimate, not a measurement: it assumes the
   * other threads keep up (the model in its worker, libvips) and that nothing else runs.
   */
  idleBoundSlidesPerSecond: number;
  peakRssMb: number;
  rssStartMb: number;
  /** RSS when a tenth of the fields were read (after warm-up): end − this shows whether memory stays flat. */
  rssAtTenthMb: number;
  rssEndMb: number;
  wallSeconds: number;
  /** 1-minute load average before and after this measurement (the machine may be shared). */
  loadAverage: [number, number];
}

export interface ReadBenchResult extends ReadBenchMeasurement {
  fieldSizePx: string;
  cpus: number;
  /** The baseline on the same fields, and how the model compares: baseline ÷ model time (> 1: faster). */
  baseline?: ReadBenchMeasurement & { inferSpeedup: number; inferCpuSpeedup: number; pipelineSpeedup: number };
}

const MB = 1024 * 1024;

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

export async function runReadBench(options: ReadBenchOptions): Promise<ReadBenchResult> {
  const log = options.log ?? (() => undefined);
  const width = options.widthPx ?? 2048;
  const height = options.heightPx ?? 1536;
  const poolSize = Math.min(options.poolSize ?? 8, options.count);
  const seed = options.seed ?? 7;
  const fieldsDir = join(options.workDir, `fields-${width}x${height}-seed${seed}`);
  await mkdir(fieldsDir, { recursive: true });
  const pool: string[] = [];
  for (let i = 0; i < poolSize; i++) {
    const path = join(fieldsDir, `B${String(i).padStart(4, '0')}_F1.png`);
    if (!existsSync(path)) {
      log(`generating synthetic field ${i + 1}/${poolSize} (${width}×${height})`);
      await writeFile(path, await encodeField(generateField({ widthPx: width, heightPx: height, pixelSizeUm: 0.5 }, seed * 1000 + i), 'png-rgb8'));
    }
    pool.push(path);
  }
  const main = await measure(options, options.modelDir, options, options.count, pool);
  const result: ReadBenchResult = { ...main, fieldSizePx: `${width}x${height}`, cpus: availableParallelism() };
  if (options.baseline) {
    const { modelDir, count, ...settings } = options.baseline;
    log(`baseline: ${modelDir}`);
    const base = await measure(options, modelDir, settings, count ?? Math.min(options.count, 50), pool);
    result.baseline = { ...base, inferSpeedup: round(base.inferAloneMs / main.inferAloneMs, 2), inferCpuSpeedup: round(base.inferAloneCpuMs / main.inferAloneCpuMs, 2), pipelineSpeedup: round(main.slidesPerSecond / base.slidesPerSecond, 2) };
  }
  return result;
}

async function measure(options: ReadBenchOptions, modelDir: string, given: ReadSettings, count: number, pool: string[]): Promise<ReadBenchMeasurement> {
  const log = options.log ?? (() => undefined);
  const loadBefore = loadavg()[0]!;
  const model = await loadModelPackage(modelDir);
  // Read as the app reads: the package's familiarity reference is judged, so its acquisition statistics are measured.
  const familiarityReference = await loadFamiliarityReference(model);
  const engineOptions = { providers: options.providers, warn: log, intraOpNumThreads: given.intraOpThreads, graphOptimization: given.graphOptimization };
  const engine: InferenceEngine = options.useWorker === false ? await createEngine(model, engineOptions) : await createWorkerEngine(model, engineOptions);
  const settings: Required<ReadSettings> = {
    batchSize: given.batchSize ?? defaultBatchSize(engine),
    intraOpThreads: given.intraOpThreads ?? defaultIntraOpThreads(),
    graphOptimization: given.graphOptimization ?? defaultGraphOptimization(model),
    prepareAhead: given.prepareAhead ?? PREPARE_AHEAD,
    fieldJudge: given.fieldJudge ?? (options.useWorker === false ? 'thread' : 'worker'),
  };
  const judgeWorker = settings.fieldJudge === 'worker' ? startFieldJudgeWorker({ log }) : null;
  const dbPath = join(options.workDir, `bench-${Date.now()}.db`);
  const db = openDatabase(dbPath);
  try {
    const K = model.manifest.labels.length;
    const isolated = Math.min(options.isolatedCount ?? 2 * pool.length, count);
    // 1. CPU half alone.
    let decodeMs = 0;
    let tileMs = 0;
    let cpuMs = 0;
    let decodeCpuMs = 0;
    const prepared = [];
    for (let i = 0; i < isolated; i++) {
      const file = await hashFile(pool[i % pool.length]!);
      const c = process.cpuUsage();
      await decodeSlideBytes(file.path, file.bytes, { profile: null });
      decodeCpuMs += cpuMsSince(c);
      const t = performance.now();
      const p = await prepareSlide(file, model.manifest, null, undefined, { acquisition: judgedBy(familiarityReference) });
      cpuMs += performance.now() - t;
      decodeMs += p.timingsMs.decode;
      tileMs += p.timingsMs.tile;
      if (i < pool.length) prepared.push(p);
    }
    // 2. Inference alone, on the same prepared slides.
    await scorePatches(engine, prepared[0]!, K, settings.batchSize); // warm-up: first run allocates
    let inferMs = 0;
    const inferCpu = process.cpuUsage();
    for (let i = 0; i < isolated; i++) {
      const t = performance.now();
      await scorePatches(engine, prepared[i % prepared.length]!, K, settings.batchSize);
      inferMs += performance.now() - t;
    }
    const inferCpuMs = cpuMsSince(inferCpu);
    const cpuAlone = cpuMs / isolated;
    const inferAlone = inferMs / isolated;
    log(`isolated: cpu half ${cpuAlone.toFixed(1)} ms/slide (decode ${(decodeMs / isolated).toFixed(1)}, tile ${(tileMs / isolated).toFixed(1)}), inference ${inferAlone.toFixed(1)} ms/slide`);
    prepared.length = 0;

    // 3. The pipeline.
    const paths = Array.from({ length: count }, (_, i) => pool[i % pool.length]!);
    global.gc?.();
    const rssStart = process.memoryUsage.rss();
    let peakRss = rssStart;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
    const stageSums: Record<string, number> = {};
    let scored = 0;
    let skipped = 0;
    let gridPatches = 0;
    let done = 0;
    let rssAtTenth = 0;
    const tenth = Math.max(1, Math.ceil(count / 10));
    const threadCpuStart = process.threadCpuUsage();
    const processCpuStart = process.cpuUsage();
    const started = performance.now();
    const summary = await readBatch({ db, model, engine, batchSize: settings.batchSize, familiarityReference, ...(judgeWorker ? { fieldJudge: judgeWorker.judge } : {}) }, paths, {
      force: true,
      prepareAhead: settings.prepareAhead,
      onItem: (item) => {
        done++;
        if (done === tenth) rssAtTenth = process.memoryUsage.rss();
        gridPatches += item.patchCount;
        skipped += item.skippedPatches;
        // A field that is not readable is not shown to the model at all.
        if (item.quality?.verdict === 'readable') scored += item.patchCount - item.skippedPatches;
        for (const [k, v] of Object.entries(item.timingsMs)) stageSums[k] = (stageSums[k] ?? 0) + v;
        options.onProgress?.(done, paths.length);
      },
    });
    const wall = (performance.now() - started) / 1000;
    const threadCpu = process.threadCpuUsage(threadCpuStart);
    const readingThreadCpuMs = (threadCpu.user + threadCpu.system) / 1000 / count;
    const processCpuMs = cpuMsSince(processCpuStart) / count;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const rssEnd = process.memoryUsage.rss();
    if (summary.failed > 0) throw new Error(`benchmark: ${summary.failed} slide(s) failed: ${summary.items.find((i) => i.error)?.error?.message}`);
    const slidesPerSecond = count / wall;
    const bound = 1000 / Math.max(cpuAlone, inferAlone);
    return {
      model: `${model.manifest.id}@${model.manifest.version}`,
      modelDir: model.dir,
      settings,
      provider: engine.provider,
      fields: count,
      patchesPerSlide: round(gridPatches / count),
      patchesScoredPerSlide: round(scored / count),
      patchesSkippedPerSlide: round(skipped / count),
      slidesPerSecond: round(slidesPerSecond, 3),
      patchesPerSecond: round(scored / wall),
      stageMs: Object.fromEntries(Object.entries(stageSums).map(([k, v]) => [k, round(v / count)])),
      cpuHalfAloneMs: round(cpuAlone),
      decodeAloneMs: round(decodeMs / isolated),
      tileAloneMs: round(tileMs / isolated),
      inferAloneMs: round(inferAlone),
      modelToDecodeRatio: round(inferAlone / (decodeMs / isolated), 2),
      decodeAloneCpuMs: round(decodeCpuMs / isolated),
      inferAloneCpuMs: round(inferCpuMs / isolated),
      modelToDecodeCpuRatio: round(inferCpuMs / decodeCpuMs, 2),
      bottleneckBoundSlidesPerSecond: round(bound, 3),
      ratioToBound: round(slidesPerSecond / bound, 3),
      readingThreadCpuMsPerSlide: round(readingThreadCpuMs),
      processCpuMsPerSlide: round(processCpuMs),
      idleBoundSlidesPerSecond: round(1000 / Math.max(readingThreadCpuMs, processCpuMs / availableParallelism()), 2),
      peakRssMb: round(peakRss / MB),
      rssStartMb: round(rssStart / MB),
      rssAtTenthMb: round(rssAtTenth / MB),
      rssEndMb: round(rssEnd / MB),
      wallSeconds: round(wall),
      loadAverage: [round(loadBefore, 2), round(loadavg()[0]!, 2)],
    };
  } finally {
    await engine.close();
    await judgeWorker?.close();
    db.close();
  }
}
