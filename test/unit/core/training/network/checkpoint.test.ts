import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCheckpointFits, loadCheckpoint, saveCheckpoint, type NetworkCheckpoint } from '../../../../../electron/core/training/network/checkpoint';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('training checkpoints', () => {
  it('round-trips typed arrays bit for bit and names a damaged file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ana-ckpt-'));
    dirs.push(dir);
    const path = join(dir, 'run.checkpoint.json');
    expect(await loadCheckpoint(path)).toBeNull();
    const w = Float32Array.of(0.1, -2.5e-8, 3);
    const checkpoint: NetworkCheckpoint = {
      formatVersion: 1,
      spec: { inputShape: [1, 4, 4], layers: [{ kind: 'globalavgpool' }, { kind: 'linear', outFeatures: 3 }] },
      patchCount: 2,
      labelCount: 3,
      epoch: 4,
      epochs: [],
      bestEpoch: 3,
      bestScore: 0.5,
      epochsSinceBest: 1,
      bestParams: { w },
      stepper: { params: { w }, adamM: { w: new Float32Array(3) }, adamV: { w: Float32Array.of(1e-30, 0, 7) }, adamStep: 12 },
      alpha: Float64Array.of(1 / 3, -0.25, 0, 0.5, 1e-300, 2),
      stored: Float64Array.of(1, 0, 0, 1, 1, 0),
    };
    await saveCheckpoint(path, checkpoint);
    const back = (await loadCheckpoint(path))!;
    expect(back.alpha).toEqual(checkpoint.alpha);
    expect(back.stepper.adamV['w']).toEqual(checkpoint.stepper.adamV['w']);
    expect(back.bestParams['w']).toBeInstanceOf(Float32Array);
    expect(back.spec).toEqual(checkpoint.spec);
    // A checkpoint without epochSelection (written before it existed) kept its best epoch by 'overall'.
    expect(() => checkCheckpointFits(path, back, checkpoint.spec, 2, 3)).not.toThrow();
    expect(() => checkCheckpointFits(path, back, checkpoint.spec, 2, 3, 'as-read')).toThrow(/run.checkpoint.json: the checkpoint kept its best epoch by --select-epoch overall, this run asks for as-read/);
    expect(() => checkCheckpointFits(path, { ...back, epochSelection: 'as-read' }, checkpoint.spec, 2, 3, 'as-read')).not.toThrow();
    await writeFile(path, '{"formatVersion": 1, "alpha": [1, 2');
    await expect(loadCheckpoint(path)).rejects.toThrow(/run.checkpoint.json: the training checkpoint is not valid JSON/);
    await writeFile(path, '{"formatVersion": 2}');
    await expect(loadCheckpoint(path)).rejects.toThrow(/run.checkpoint.json: not a whole-network training checkpoint of format 1/);
  });
});
