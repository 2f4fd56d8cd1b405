import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../../../electron/core/errors';
import { blendParams, checkParams, createNetwork, initParams } from '../../../../../electron/core/training/network/network';
import { conv2d } from '../../../../support/training/network-reference';

describe('network description', () => {
  it('infers per-sample shapes and names parameters by layer', () => {
    const net = createNetwork({
      inputShape: [1, 64, 64],
      layers: [
        { kind: 'conv2d', outChannels: 8, kernel: 3, stride: 2, padding: 1 },
        { kind: 'groupnorm', groups: 4 },
        { kind: 'relu' },
        { kind: 'conv2d', outChannels: 16, kernel: 3, stride: 2, padding: 1 },
        { kind: 'globalavgpool' },
        { kind: 'linear', outFeatures: 8 },
      ],
    });
    expect(net.layers.map((l) => l.outShape)).toEqual([[8, 32, 32], [8, 32, 32], [8, 32, 32], [16, 16, 16], [16], [8]]);
    expect(net.params.map((p) => p.name)).toEqual(['l0.conv2d.weight', 'l0.conv2d.bias', 'l1.groupnorm.gamma', 'l1.groupnorm.beta', 'l3.conv2d.weight', 'l3.conv2d.bias', 'l5.linear.weight', 'l5.linear.bias']);
  });

  it('rejects layer sequences that do not fit, naming the layer', () => {
    expect(() => createNetwork({ inputShape: [1, 8, 8], layers: [{ kind: 'linear', outFeatures: 2 }] })).toThrow(/linear l0\.linear: needs a flat input/);
    expect(() => createNetwork({ inputShape: [6, 8, 8], layers: [{ kind: 'groupnorm', groups: 4 }] })).toThrow(DomainError);
    expect(() => createNetwork({ inputShape: [1, 2, 2], layers: [{ kind: 'conv2d', outChannels: 1, kernel: 5 }] })).toThrow(/does not fit a 2×2 input/);
  });

  it('initialises reproducibly from a seed with He scaling for convolutions', () => {
    const net = createNetwork({ inputShape: [4, 8, 8], layers: [{ kind: 'conv2d', outChannels: 64, kernel: 3 }, { kind: 'groupnorm', groups: 8 }] });
    const a = initParams(net, 3);
    expect(initParams(net, 3)['l0.conv2d.weight']).toEqual(a['l0.conv2d.weight']);
    expect(initParams(net, 4)['l0.conv2d.weight']).not.toEqual(a['l0.conv2d.weight']);
    const w = a['l0.conv2d.weight']!;
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeGreaterThan(0.8 * Math.sqrt(2 / 36));
    expect(std).toBeLessThan(1.2 * Math.sqrt(2 / 36));
    expect(Array.from(a['l1.groupnorm.gamma']!)).toEqual(new Array(64).fill(1));
    expect(() => checkParams(net, { ...a, 'l0.conv2d.bias': new Float32Array(3) }, 'checkpoint x.json')).toThrow(/checkpoint x.json: parameter 'l0.conv2d.bias' has 3 values, expected 64/);
  });
});

describe('weight blending', () => {
  const net = createNetwork({ inputShape: [2, 4, 4], layers: [{ kind: 'conv2d', outChannels: 3, kernel: 3 }, { kind: 'globalavgpool' }, { kind: 'linear', outFeatures: 2 }] });
  const a = initParams(net, 1);
  const b = initParams(net, 2);

  it('mixes two weight sets parameter by parameter, exactly at the ends', () => {
    expect(blendParams(net, a, b, 0)).toEqual(a);
    expect(blendParams(net, a, b, 1)).toEqual(b);
    const half = blendParams(net, a, b, 0.25);
    for (const p of net.params) half[p.name]!.forEach((v, i) => expect(v).toBeCloseTo(0.75 * a[p.name]![i]! + 0.25 * b[p.name]![i]!, 6));
    // a copy: the inputs stay as they were
    expect(half['l0.conv2d.weight']).not.toBe(a['l0.conv2d.weight']);
  });

  it('refuses a share outside [0, 1] and sets that do not fit the network', () => {
    expect(() => blendParams(net, a, b, 1.5)).toThrow(/weight share must be between 0 and 1, got 1.5/);
    expect(() => blendParams(net, a, b, Number.NaN)).toThrow(DomainError);
    expect(() => blendParams(net, a, { ...b, 'l2.linear.bias': new Float32Array(1) }, 0.5)).toThrow(/blended weights \(to\): parameter 'l2.linear.bias' has 1 values/);
  });
});

describe('float64 reference convolution', () => {
  it('computes a hand-checked stride-2 padded case', () => {
    // 1×1×3×3 input 1..9, 2×2 kernel of ones, stride 2, pad 1 → corners of the padded sums.
    const y = conv2d({ data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), shape: [1, 1, 3, 3] }, new Float64Array(4).fill(1), Float64Array.of(0.5), 1, 2, 2, 1);
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect(Array.from(y.data)).toEqual([1.5, 5.5, 11.5, 28.5]);
  });
});
