import { describe, expect, it } from 'vitest';
import { Random } from '../../../../../electron/core/random';
import { augmentBatch, blurPlane, orient } from '../../../../../electron/core/training/network/augment';

const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => i);

describe('augmentation', () => {
  it('rotates a square plane by quarter turns and flips it, losing no pixel', () => {
    const plane = ramp(9); // 3×3: 0 1 2 / 3 4 5 / 6 7 8
    const scratch = new Float32Array(9);
    const once = plane.slice();
    orient(once, scratch, 3, 3, false, false, 1);
    expect(Array.from(once)).toEqual([2, 5, 8, 1, 4, 7, 0, 3, 6]);
    const four = plane.slice();
    for (let i = 0; i < 4; i++) orient(four, scratch, 3, 3, false, false, 1);
    expect(four).toEqual(plane);
    const flipped = ramp(6); // 2×3
    orient(flipped, scratch, 2, 3, true, true, 0);
    expect(Array.from(flipped)).toEqual([5, 4, 3, 2, 1, 0]);
  });

  it('blurs without changing a flat plane and smooths a spike', () => {
    const flat = new Float32Array(25).fill(0.7);
    blurPlane(flat, new Float32Array(25), 5, 5, 1);
    for (const v of flat) expect(v).toBeCloseTo(0.7, 6);
    const spike = new Float32Array(25);
    spike[12] = 1;
    blurPlane(spike, new Float32Array(25), 5, 5, 0.8);
    expect(spike[12]).toBeLessThan(0.5);
    expect(spike.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('is reproducible from the seed and keeps each patch in its own slot', () => {
    const batch = new Float32Array(2 * 16);
    batch.fill(1, 16); // second patch all ones, first all zeros
    const a = batch.slice();
    const b = batch.slice();
    augmentBatch(a, 2, [1, 4, 4], new Random(3));
    augmentBatch(b, 2, [1, 4, 4], new Random(3));
    expect(a).toEqual(b);
    // Gain/offset jitter only: the first patch stays near 0, the second near 1.
    expect(Math.max(...a.subarray(0, 16).map(Math.abs))).toBeLessThan(0.06);
    expect(Math.min(...a.subarray(16))).toBeGreaterThan(0.85);
  });
});
