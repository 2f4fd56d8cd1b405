/**
 * `ana bench read` at a tiny scale (issue 18): the model and a baseline (the previous default with the
 * reading settings before issue 18) on the same generated fields, each with its model/decode
 * ratios, patches scored and skipped, memory and load average. Figures are not judged (a few
 * small fields on a shared machine), only that they are real, consistent measurements.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PREVIOUS_READ_SETTINGS, runReadBench } from '../../../electron/cli/bench/read-bench';
import { defaultModelDir } from '../../../electron/core/paths';
import { FILTER_BANK_0_4_0_DIR } from '../../fixtures/model-package';

describe('reading throughput benchmark', () => {
  it('measures the model and a baseline on the same fields', { timeout: 180_000 }, async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'ana-read-bench-'));
    try {
      const result = await runReadBench({
        count: 2,
        poolSize: 1,
        widthPx: 512,
        heightPx: 512,
        modelDir: defaultModelDir(),
        workDir,
        providers: ['cpu'],
        useWorker: false,
        // The previous default (0.4.0, a filter-bank extractor) as the baseline, as the bench is used.
        baseline: { modelDir: FILTER_BANK_0_4_0_DIR, count: 1, ...PREVIOUS_READ_SETTINGS },
      });
      expect(result.settings).toEqual({ batchSize: 1, intraOpThreads: expect.any(Number), graphOptimization: 'all', prepareAhead: 2, fieldJudge: 'thread' });
      expect(result.baseline!.settings).toEqual(PREVIOUS_READ_SETTINGS);
      expect([result.fields, result.baseline!.fields]).toEqual([2, 1]);
      // 512 px at 0.5 µm/px: 3×3 patches of 100 µm (the default), 2×2 of 128 µm (0.4.0).
      expect([result.patchesPerSlide, result.baseline!.patchesPerSlide]).toEqual([9, 4]);
      for (const m of [result, result.baseline!]) {
        expect(m.patchesScoredPerSlide + m.patchesSkippedPerSlide).toBe(m.patchesPerSlide);
        expect(m.inferAloneMs).toBeGreaterThan(0);
        expect(m.modelToDecodeRatio / (m.inferAloneMs / m.decodeAloneMs)).toBeCloseTo(1, 1);
        expect(m.modelToDecodeCpuRatio).toBeGreaterThan(0);
        expect(m.peakRssMb).toBeGreaterThanOrEqual(m.rssStartMb);
        expect(m.readingThreadCpuMsPerSlide).toBeGreaterThan(0);
        expect(m.processCpuMsPerSlide).toBeGreaterThanOrEqual(m.readingThreadCpuMsPerSlide);
        expect(m.idleBoundSlidesPerSecond).toBeGreaterThan(0);
        expect(m.loadAverage).toHaveLength(2);
      }
      expect(result.baseline!.inferSpeedup / (result.baseline!.inferAloneMs / result.inferAloneMs)).toBeCloseTo(1, 1);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });
});
