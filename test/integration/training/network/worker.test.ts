/** Whole-network training in a worker thread: progress, result, cancel with the checkpoint kept. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LABEL_DISTRIBUTION, writeDataset } from '../../../../electron/core/synth';
import { loadCheckpoint } from '../../../../electron/core/training/network/checkpoint';
import { startNetworkTrainingWorker, type NetworkTrainingJob } from '../../../../electron/core/training/network/network-training-worker';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('whole-network training worker', () => {
  it('reports progress and a result, and cancels after a batch keeping the last epoch checkpoint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ana-wn-worker-'));
    dirs.push(dir);
    const summary = await writeDataset({ outDir: join(dir, 'data'), count: 8, seed: 5, sizePx: { width: 240, height: 200 }, format: 'png-grey8', splits: { train: 0.5, val: 0.25, test: 0.25 }, labelDistribution: { ...DEFAULT_LABEL_DISTRIBUTION, negativeRate: 0 } });
    const job: NetworkTrainingJob = { csvPath: summary.csvPath, outDir: join(dir, 'run'), version: '0.0.1-worker', training: { maxEpochs: 1, batchSize: 4, seed: 1 }, augment: true, inputPx: 16, patchSizeUm: 50, defaultPixelSizeUm: 0.5, widths: [4], providers: ['cpu'] };
    const batches: number[] = [];
    const done = await startNetworkTrainingWorker(job, { onProgress: (p) => batches.push(p.batch) }).result;
    expect(done.epochs.length).toBe(1);
    expect(done.provider).toBe('cpu');
    expect(batches.length).toBeGreaterThan(1);

    // Same outDir, more epochs: resumes after epoch 1; cancelled at its first batch of epoch 2.
    let handle: ReturnType<typeof startNetworkTrainingWorker> | null = null;
    handle = startNetworkTrainingWorker({ ...job, training: { ...job.training, maxEpochs: 50 } }, { onProgress: () => handle?.cancel() });
    await expect(handle.result).rejects.toThrow(/training cancelled in epoch \d+; the checkpoint of epoch \d+ is kept/);
    const kept = await loadCheckpoint(join(dir, 'run', 'training.checkpoint.json'));
    expect(kept!.epoch).toBeGreaterThanOrEqual(1);
    expect(kept!.epoch).toBeLessThan(50);
  });
});
