/**
 * Issue 18: fields are judged in a worker thread while the reading thread decodes and cuts other
 * slides. The worker's verdict is the reading thread's, field for field; a worker that dies hands
 * its fields back to the reading thread, so no slide fails for it.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { projectRoot } from '../../../electron/core/paths';
import { judgeInProcess, startFieldJudgeWorker } from '../../../electron/core/reading/field-judge';
import { patchRects } from '../../../electron/core/slides/patches';
import { generateField } from '../../../electron/core/synth';
import { ACQUISITION_STATISTICS } from '../../../electron/core/quality/acquisition';

const field = generateField({ widthPx: 768, heightPx: 576, pixelSizeUm: 0.5, labels: ['speckled'], intensity: 0.4 }, 11);
const rects = patchRects(field.widthPx, field.heightPx, field.pixelSizeUm, { patchSizeUm: 128 });
const judgeArgs = [field.fitc, field.widthPx, field.heightPx, field.pixelSizeUm, rects, null, { acquisition: ACQUISITION_STATISTICS }] as const;
const withoutTime = <T extends { analyseMs: number }>({ analyseMs: _, ...rest }: T) => rest;

describe('field judge worker', () => {
  it('gives the verdict the reading thread gives, and leaves the caller its plane', async () => {
    const worker = startFieldJudgeWorker();
    try {
      const before = Float32Array.from(field.fitc);
      const [a, b] = await Promise.all([worker.judge(...judgeArgs), worker.judge(...judgeArgs)]);
      const here = await judgeInProcess(...judgeArgs);
      expect(here.quality.cells).toBeGreaterThan(10);
      expect(withoutTime(a)).toEqual(withoutTime(here));
      expect(withoutTime(b)).toEqual(withoutTime(here));
      expect(field.fitc).toEqual(before);
    } finally {
      await worker.close();
    }
  }, 60_000);

  it('judges in the reading thread when the worker dies, and says so once', async () => {
    const logged: string[] = [];
    const worker = startFieldJudgeWorker({ workerPath: join(projectRoot(), 'test/fixtures/workers/exiting-field-judge.worker.ts'), log: (m) => logged.push(m) });
    try {
      const verdict = await worker.judge(...judgeArgs);
      expect(withoutTime(verdict)).toEqual(withoutTime(await judgeInProcess(...judgeArgs)));
      expect(withoutTime(await worker.judge(...judgeArgs))).toEqual(withoutTime(verdict));
      expect(logged).toEqual([expect.stringMatching(/field analysis worker exited \(code 3\); judging fields in the reading thread/)]);
    } finally {
      await worker.close();
    }
  }, 60_000);
});
