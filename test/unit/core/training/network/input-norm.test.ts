import { describe, expect, it } from 'vitest';
import { Random } from '../../../../../electron/core/random';
import { createNetwork, initParams } from '../../../../../electron/core/training/network/network';
import { defaultEncoderSpec } from '../../../../../electron/core/training/network/train-network';
import { networkForward } from '../../../../support/training/network-reference';

/** Logits of the TypeScript reference forward pass for a batch of one. */
function logits(inputNorm: 'global' | 'patch', patch: Float64Array): Float64Array {
  const spec = defaultEncoderSpec(8, 3, [4, 4], inputNorm);
  const net = createNetwork(spec);
  const params = initParams(net, 7);
  return networkForward(spec, { data: patch, shape: [1, 1, 8, 8] }, net.params.map((p) => Float64Array.from(params[p.name]!))).data;
}

describe('per-patch input normalisation', () => {
  const rng = new Random(11);
  const patch = Float64Array.from({ length: 64 }, () => rng.normal(0, 1));
  const brighter = patch.map((v) => 3 * v + 5); // another lab's gain and offset

  it('makes the network blind to a patch-wide gain and offset', () => {
    const a = logits('patch', patch);
    const b = logits('patch', brighter);
    for (let k = 0; k < 3; k++) expect(b[k]).toBeCloseTo(a[k]!, 4);
  });

  it('is a one-group GroupNorm before the first convolution; the global network sees the gain', () => {
    expect(defaultEncoderSpec(8, 3, [4], 'patch').layers[0]).toEqual({ kind: 'groupnorm', groups: 1, eps: 1e-3 });
    expect(defaultEncoderSpec(8, 3, [4]).layers[0]!.kind).toBe('conv2d');
    const a = logits('global', patch);
    const b = logits('global', brighter);
    expect(Math.max(...[0, 1, 2].map((k) => Math.abs(a[k]! - b[k]!)))).toBeGreaterThan(1e-2);
  });
});
