/**
 * Self-supervised adaptation of a whole network (SimCLR on unlabelled patches) on real ONNX
 * Runtime: a tiny network on patches of dots, rings and noise must lower its contrastive loss,
 * change only the layers below the head, repeat itself from a seed, and cancel and refuse cleanly.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../../../electron/core/random';
import type { BagDataset } from '../../../../electron/core/training/dataset';
import { contrastiveNetwork, pretrainNetwork } from '../../../../electron/core/training/adapt/pretrain-network';
import { DEFAULT_AUGMENT } from '../../../../electron/core/training/network/augment';
import { createNetwork, initParams, type NetworkSpec } from '../../../../electron/core/training/network/network';

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
const net = createNetwork(SPEC);

/** Unlabelled patches: a few dots, a ring, or noise alone, one bag. */
function patches(count: number, seed: number): BagDataset {
  const rng = new Random(seed);
  const plane = SIDE * SIDE;
  const inputs = new Float32Array(count * plane);
  for (let p = 0; p < count; p++) {
    const base = p * plane;
    for (let i = 0; i < plane; i++) inputs[base + i] = rng.normal(0, 0.1);
    const kind = p % 3;
    if (kind === 0) for (let d = 0; d < 3; d++) inputs[base + rng.int(1, SIDE - 2) * SIDE + rng.int(1, SIDE - 2)] = 1;
    if (kind === 1) {
      const [x0, y0, s] = [rng.int(0, 4), rng.int(0, 4), rng.int(5, 7)];
      for (let i = 0; i <= s; i++) for (const [x, y] of [[x0 + i, y0], [x0 + i, y0 + s], [x0, y0 + i], [x0 + s, y0 + i]] as const) inputs[base + y * SIDE + x] = 1;
    }
  }
  return { labels: ['dots', 'ring'], bagLabels: new Uint8Array(2), bagOffsets: Int32Array.of(0, count), inputs, inputLength: plane, bagIds: ['unlabelled'] };
}

// The default augmentation: STYLE_AUGMENT's microscope changes drown 12-pixel toys.
const OPTIONS = { epochs: 20, patchesPerStep: 16, lr: 1e-3, temperature: 0.5, projectionDims: 8, seed: 5, augment: DEFAULT_AUGMENT };

describe('self-supervised adaptation (contrastive pre-training)', () => {
  it('lowers the contrastive loss, adapts the layers below the head only, and repeats itself from a seed', async () => {
    const start = initParams(net, 3);
    const data = patches(96, 7);
    const seen: number[] = [];
    const result = await pretrainNetwork(net, start, data, OPTIONS, { threads: 1, onProgress: (p) => seen.push(p.epoch) });
    expect(result.epochLosses).toHaveLength(20);
    expect(result.epochLosses.at(-1)!, `losses by epoch ${result.epochLosses.join(', ')}`).toBeLessThan(result.epochLosses[0]! - 0.3);
    expect(seen).toHaveLength(20 * (96 / 16));
    expect(result.patches).toBe(96);
    const head = net.layers.at(-1)!.params.map((p) => p.name);
    for (const p of net.params) {
      if (head.includes(p.name)) expect(result.params[p.name], p.name).toEqual(start[p.name]);
      else if (p.init !== 'ones' && p.init !== 'zeros') expect(result.params[p.name], p.name).not.toEqual(start[p.name]);
    }
    const again = await pretrainNetwork(net, start, data, OPTIONS, { threads: 1 });
    expect(again.params).toEqual(result.params);
  });

  it('draws at most the epoch budget of patches, and stops when cancelled', async () => {
    const data = patches(96, 8);
    const budget = await pretrainNetwork(net, initParams(net, 3), data, { ...OPTIONS, epochs: 1, patchesPerEpoch: 32 }, { threads: 1 });
    expect(budget.patches).toBe(32);
    let steps = 0;
    await expect(pretrainNetwork(net, initParams(net, 3), data, OPTIONS, { threads: 1, onProgress: () => steps++, isCancelled: () => steps >= 2 })).rejects.toThrow(/training cancelled in self-supervised epoch 1/);
    expect(steps).toBe(2);
  });

  it('refuses a network without a linear head on a flat embedding and a single patch; fewer patches than a step make one step', async () => {
    const headless = createNetwork({ inputShape: [1, SIDE, SIDE], layers: SPEC.layers.slice(0, -1) });
    expect(() => contrastiveNetwork(headless, 8)).toThrow(/ends in a linear head on a flat embedding/);
    await expect(pretrainNetwork(net, initParams(net, 3), patches(10, 9), { ...OPTIONS, patchesPerEpoch: 0 })).rejects.toThrow(/patches per pre-training epoch must be a whole number >= 2, got 0/);
    await expect(pretrainNetwork(net, initParams(net, 3), patches(1, 9), OPTIONS, { threads: 1 })).rejects.toThrow(/needs at least 2 patches to contrast; the fields hold 1/);
    // Fewer patches than a step takes: one step of them all.
    const small = await pretrainNetwork(net, initParams(net, 3), patches(10, 9), { ...OPTIONS, epochs: 2 }, { threads: 1 });
    expect(small.epochLosses).toHaveLength(2);
  });
});
