/**
 * The reading throughput benchmark (`ana bench read`). On the same synthetic fields it measures
 * three things in one run:
 *   1. the CPU half alone (read + hash + decode + tile, per slide),
 *   2. inference alone (the prepared patches through the same worker engine, per slide),
 *   3. the real pipeline (readBatch, decode of slide i+1 overlapping inference of slide i,
 *      storing every reading in a fresh database),
 * and reports the pipeline's throughput as a ratio of the bottleneck bound 1/max(t_cpu, t_infer),
 * plus peak RSS sampled during the pipeline and RSS at its start and end (memory must stay flat).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../core/db/connection';
import { createWorkerEngine } from '../../core/inference/worker-engine';
import { createEngine, type InferenceEngine } from '../../core/inference/engine';
import type { ProviderName } from '../../core/inference/providers';
import { loadModelPackage } from '../../core/models/model-package';
import { encodeField, generateField } from '../../core/synth';
import { readBatch } from '../../core/reading/batch-reader';
import { hashFile, prepareSlide } from '../../core/reading/prepare-slide';
import { scorePatches } from '../../core/reading/read-slide';

export interface ReadBenchOptions {
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
  log?: (message: string) => void;
  onProgress?: (done: number, total: number) => void;
}

export interface ReadBenchResult {
  fields: number;
  fieldSizePx: string;
  provider: string;
  model: string;
  patchesPerSlide: number;
  slidesPerSecond: number;
  patchesPerSecond: number;
  /** Mean milliseconds per slide and stage inside the pipeline. */
  stageMs: Record<string, number>;
  /** Isolated passes: mean ms per slide. */
  cpuHalfAloneMs: number;
  decodeAloneMs: number;
  tileAloneMs: number;
  inferAloneMs: number;
  bottleneckBoundSlidesPerSecond: number;
  ratioToBound: number;
  peakRssMb: number;
  rssStartMb: number;
  /** RSS when a tenth of the fields were read (after warm-up): end − this shows whether memory stays flat. */
  rssAtTenthMb: number;
  rssEndMb: number;
  wallSeconds: number;
  cpus: number;
}

const MB = 1024 * 1024;

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
  const model = await loadModelPackage(options.modelDir);
  const engineOptions = { providers: options.providers, warn: log };
  const engine: InferenceEngine = options.useWorker === false ? await createEngine(model, engineOptions) : await createWorkerEngine(model, engineOptions);
  const dbPath = join(options.workDir, `bench-${Date.now()}.db`);
  const db = openDatabase(dbPath);
  try {
    const K = model.manifest.labels.length;
    const isolated = Math.min(options.isolatedCount ?? 2 * poolSize, options.count);
    // 1. CPU half alone.
    let decodeMs = 0;
    let tileMs = 0;
    let cpuMs = 0;
    const prepared = [];
    for (let i = 0; i < isolated; i++) {
      const t = performance.now();
      const p = await prepareSlide(await hashFile(pool[i % pool.length]!), model.manifest, null);
      cpuMs += performance.now() - t;
      decodeMs += p.timingsMs.decode;
      tileMs += p.timingsMs.tile;
      if (i < pool.length) prepared.push(p);
    }
    // 2. Inference alone, on the same prepared slides.
    await scorePatches(engine, prepared[0]!, K); // warm-up: first run allocates
    let inferMs = 0;
    for (let i = 0; i < isolated; i++) {
      const t = performance.now();
      await scorePatches(engine, prepared[i % prepared.length]!, K);
      inferMs += performance.now() - t;
    }
    const cpuAlone = cpuMs / isolated;
    const inferAlone = inferMs / isolated;
    log(`isolated: cpu half ${cpuAlone.toFixed(1)} ms/slide (decode ${(decodeMs / isolated).toFixed(1)}, tile ${(tileMs / isolated).toFixed(1)}), inference ${inferAlone.toFixed(1)} ms/slide`);
    prepared.length = 0;

    // 3. The pipeline.
    const paths = Array.from({ length: options.count }, (_, i) => pool[i % pool.length]!);
    global.gc?.();
    const rssStart = process.memoryUsage.rss();
    let peakRss = rssStart;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
    const stageSums: Record<string, number> = {};
    let patches = 0;
    let done = 0;
    let rssAtTenth = 0;
    const tenth = Math.max(1, Math.ceil(options.count / 10));
    const started = performance.now();
    const summary = await readBatch({ db, model, engine }, paths, {
      force: true,
      onItem: (item) => {
        done++;
        if (done === tenth) rssAtTenth = process.memoryUsage.rss();
        patches += item.patchCount - item.skippedPatches;
        for (const [k, v] of Object.entries(item.timingsMs)) stageSums[k] = (stageSums[k] ?? 0) + v;
        options.onProgress?.(done, paths.length);
      },
    });
    const wall = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const rssEnd = process.memoryUsage.rss();
    if (summary.failed > 0) throw new Error(`benchmark: ${summary.failed} slide(s) failed: ${summary.items.find((i) => i.error)?.error?.message}`);
    const slidesPerSecond = options.count / wall;
    const bound = 1000 / Math.max(cpuAlone, inferAlone);
    const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
    return {
      fields: options.count,
      fieldSizePx: `${width}x${height}`,
      provider: engine.provider,
      model: `${model.manifest.id}@${model.manifest.version}`,
      patchesPerSlide: round(patches / options.count),
      slidesPerSecond: round(slidesPerSecond, 3),
      patchesPerSecond: round(patches / wall),
      stageMs: Object.fromEntries(Object.entries(stageSums).map(([k, v]) => [k, round(v / options.count)])),
      cpuHalfAloneMs: round(cpuAlone),
      decodeAloneMs: round(decodeMs / isolated),
      tileAloneMs: round(tileMs / isolated),
      inferAloneMs: round(inferAlone),
      bottleneckBoundSlidesPerSecond: round(bound, 3),
      ratioToBound: round(slidesPerSecond / bound, 3),
      peakRssMb: round(peakRss / MB),
      rssStartMb: round(rssStart / MB),
      rssAtTenthMb: round(rssAtTenth / MB),
      rssEndMb: round(rssEnd / MB),
      wallSeconds: round(wall),
      cpus: (await import('node:os')).availableParallelism(),
    };
  } finally {
    await engine.close();
    db.close();
  }
}
