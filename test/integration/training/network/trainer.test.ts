/**
 * The whole-network self-paced loop on a tiny multi-instance data set whose two patterns (dots,
 * rings) appear in only some patches of a positive image: it must learn, checkpoint, resume to
 * the same weights as an uninterrupted run, and cancel cleanly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Random } from '../../../../electron/core/random';
import type { BagDataset } from '../../../../electron/core/training/dataset';
import { DEFAULT_AUGMENT } from '../../../../electron/core/training/network/augment';
import { loadCheckpoint } from '../../../../electron/core/training/network/checkpoint';
import { createNetwork, initParams, type NetworkSpec } from '../../../../electron/core/training/network/network';
import { NetworkStepper } from '../../../../electron/core/training/network/network-stepper';
import { trainNetwork, type NetworkTrainingOptions } from '../../../../electron/core/training/network/network-trainer';

const SIDE = 12;
const SPEC: NetworkSpec = {
  inputShape: [1, SIDE, SIDE],
  layers: [
    { kind: 'conv2d', outChannels: 8, kernel: 3, padding: 1 },
    { kind: 'groupnorm', groups: 2 },
    { kind: 'relu' },
    { kind: 'conv2d', outChannels: 8, kernel: 3, stride: 2, padding: 1 },
    { kind: 'relu' },
    { kind: 'globalavgpool' },
    { kind: 'linear', outFeatures: 2 },
  ],
};

function toyBags(bags: number, seed: number): BagDataset {
  const rng = new Random(seed);
  const perBag = 4;
  const plane = SIDE * SIDE;
  const inputs = new Float32Array(bags * perBag * plane);
  const bagLabels = new Uint8Array(bags * 2);
  for (let b = 0; b < bags; b++) {
    // Every image has a pattern, as in the ANA set: the sampler never draws patches of negative images.
    const set = rng.int(1, 3); // bit 0: dots, bit 1: ring
    bagLabels[b * 2] = set & 1;
    bagLabels[b * 2 + 1] = (set >> 1) & 1;
    for (let p = 0; p < perBag; p++) {
      const base = (b * perBag + p) * plane;
      for (let i = 0; i < plane; i++) inputs[base + i] = rng.normal(0, 0.1);
      // Each pattern of the image shows in patches 0..1 at least, sometimes more: the rest are empty.
      if (set & 1 && (p < 2 || rng.next() < 0.3)) for (let d = 0; d < 3; d++) {
        const [x, y] = [rng.int(1, SIDE - 3), rng.int(1, SIDE - 3)];
        for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) inputs[base + (y + dy) * SIDE + x + dx] = 1;
      }
      if (set & 2 && (p >= 2 || rng.next() < 0.3)) {
        const [x0, y0, s] = [rng.int(0, 4), rng.int(0, 4), rng.int(5, 7)];
        for (let i = 0; i <= s; i++) for (const [x, y] of [[x0 + i, y0], [x0 + i, y0 + s], [x0, y0 + i], [x0 + s, y0 + i]] as const) inputs[base + y * SIDE + x] = 1;
      }
    }
  }
  return { labels: ['dots', 'ring'], bagLabels, bagOffsets: Int32Array.from({ length: bags + 1 }, (_, i) => i * perBag), inputs, inputLength: plane, bagIds: Array.from({ length: bags }, (_, i) => `toy-${seed}-${i}`) };
}

const net = createNetwork(SPEC);
const train = toyBags(100, 1);
const validation = toyBags(30, 2);
const options: Partial<NetworkTrainingOptions> = { batchSize: 16, lr: 5e-3, lrAlpha: 1e-2, maxEpochs: 15, patience: 15, augment: DEFAULT_AUGMENT, seed: 4 };
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('whole-network self-paced training', () => {
  it('learns the toy patterns: validation loss falls and images are classified', async () => {
    const stepper = await NetworkStepper.open(net, initParams(net, 1), { providers: ['cpu'] });
    const progress: number[] = [];
    const result = await trainNetwork(stepper, train, validation, options, { onProgress: (p) => progress.push(p.batch) });
    await stepper.close();
    const losses = result.epochs.map((e) => e.validationLoss!);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.8);
    expect(result.validation!.f1_macro).toBeGreaterThan(0.8);
    expect(progress.length).toBeGreaterThan(result.epochs.length);
    expect(result.epochs[0]!.patchesPerSecond).toBeGreaterThan(0);
  });

  it('learns them with mean-logit too: whole images per step, the loss on their mean patch logit', async () => {
    const stepper = await NetworkStepper.open(net, initParams(net, 1), { providers: ['cpu'] });
    const progress: { batch: number; batchesInEpoch: number }[] = [];
    const result = await trainNetwork(stepper, train, validation, { ...options, method: 'mean-logit' }, { onProgress: (p) => progress.push(p) });
    await stepper.close();
    const losses = result.epochs.map((e) => e.validationLoss!);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.8);
    expect(result.validation!.f1_macro).toBeGreaterThan(0.8);
    // 4 patches an image and batches of 16 patches: 4 images a step, 25 steps an epoch, every image once.
    expect(progress[0]!.batchesInEpoch).toBe(25);
    expect(result.epochs[0]!.seen).toBe(100);
  });

  it('refuses max and mean pooling for a whole network, naming mean-logit', async () => {
    const stepper = await NetworkStepper.open(net, initParams(net, 1), { providers: ['cpu'] });
    await expect(trainNetwork(stepper, train, validation, { ...options, method: 'max' as never })).rejects.toThrow(/a whole network trains on images with mean-logit only/);
    await stepper.close();
  });

  // mean-logit steps through its own graph on the same Adam state, which the checkpoint must carry too.
  it.each(['spl', 'mean-logit'] as const)('resumes from a checkpoint to exactly the weights of an uninterrupted run, and cancels cleanly (%s)', async (method) => {
    const dir = await mkdtemp(join(tmpdir(), 'ana-autodiff-'));
    dirs.push(dir);
    const short = { ...options, method, maxEpochs: 3, augment: DEFAULT_AUGMENT };
    const straight = await NetworkStepper.open(net, initParams(net, 2), { providers: ['cpu'] });
    const whole = await trainNetwork(straight, train, validation, short);
    await straight.close();

    const path = join(dir, 'run.checkpoint.json');
    const first = await NetworkStepper.open(net, initParams(net, 2), { providers: ['cpu'] });
    await trainNetwork(first, train, validation, { ...short, maxEpochs: 2 }, { checkpointPath: path });
    await first.close();
    expect((await loadCheckpoint(path))!.epoch).toBe(2);

    // A fresh process would start from other weights; the checkpoint must override them.
    const second = await NetworkStepper.open(net, initParams(net, 99), { providers: ['cpu'] });
    const resumed = await trainNetwork(second, train, validation, short, { checkpointPath: path });
    await second.close();
    expect(resumed.resumedFromEpoch).toBe(2);
    expect(resumed.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(resumed.bestEpoch).toBe(whole.bestEpoch);
    for (const p of net.params) expect(resumed.params[p.name], p.name).toEqual(whole.params[p.name]);

    // Cancel mid-epoch 4: the error says so and the epoch-3 checkpoint stays usable.
    const controller = new AbortController();
    const third = await NetworkStepper.open(net, initParams(net, 2), { providers: ['cpu'] });
    const run = trainNetwork(third, train, validation, { ...short, maxEpochs: 5 }, { checkpointPath: path, signal: controller.signal, onProgress: (p) => p.batch === 2 && controller.abort() });
    await expect(run).rejects.toThrow(/training cancelled in epoch 4; the checkpoint of epoch 3 is kept/);
    await third.close();
    expect((await loadCheckpoint(path))!.epoch).toBe(3);
  });

  it('refuses a checkpoint made for another network', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ana-autodiff-'));
    dirs.push(dir);
    const path = join(dir, 'run.checkpoint.json');
    const a = await NetworkStepper.open(net, initParams(net, 1), { providers: ['cpu'] });
    await trainNetwork(a, train, null, { ...options, maxEpochs: 1 }, { checkpointPath: path });
    await a.close();
    const other = createNetwork({ ...SPEC, layers: SPEC.layers.filter((l) => l.kind !== 'groupnorm') });
    const b = await NetworkStepper.open(other, initParams(other, 1), { providers: ['cpu'] });
    await expect(trainNetwork(b, train, null, options, { checkpointPath: path })).rejects.toThrow(/run.checkpoint.json: the checkpoint was made for a different network/);
    await b.close();
  });
});
