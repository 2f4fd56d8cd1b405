import { describe, expect, it } from 'vitest';
import { Random } from '../../../../../electron/core/random';
import { augmentBatch, blockPlane, blurPlane, orient, STYLE_AUGMENT, zoomPlane } from '../../../../../electron/core/training/network/augment';

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

  it('zooms about the centre: factor 1 is the identity, 2 magnifies the middle', () => {
    const plane = ramp(25); // 5×5, centre value 12
    const scratch = new Float32Array(25);
    const same = plane.slice();
    zoomPlane(same, scratch, 5, 5, 1);
    for (let i = 0; i < 25; i++) expect(same[i]).toBeCloseTo(plane[i]!, 5);
    const zoomed = plane.slice();
    zoomPlane(zoomed, scratch, 5, 5, 2);
    expect(zoomed[12]).toBeCloseTo(12, 5);
    // A corner now reads halfway to the centre: (1, 1) → value 6.
    expect(zoomed[0]).toBeCloseTo(6, 5);
    const shrunk = plane.slice();
    zoomPlane(shrunk, scratch, 5, 5, 0.5);
    expect(shrunk[12]).toBeCloseTo(12, 5);
    expect(shrunk[11]).toBeCloseTo(10, 5); // two columns out, clamped at the border
  });

  it('mixes each pixel with its 8×8 block mean', () => {
    const plane = new Float32Array(16 * 8);
    plane.fill(1, 0, 8); // the first row of the left block is 1, the rest 0
    blockPlane(plane, new Float32Array(plane.length), 8, 16, 0.5);
    expect(plane[0]).toBeCloseTo(0.5 + 0.5 / 8, 6);
    expect(plane[8 * 16 - 1]).toBeCloseTo(0, 6); // the right block had no signal
    expect(plane[16 + 1]).toBeCloseTo(0.5 / 8, 6);
  });

  it('style augmentation is reproducible, finite on a flat patch, and changes a textured one', () => {
    const batch = new Float32Array(2 * 64);
    for (let i = 64; i < 128; i++) batch[i] = Math.sin(i) * 2;
    const a = batch.slice();
    const b = batch.slice();
    augmentBatch(a, 2, [1, 8, 8], new Random(5), STYLE_AUGMENT);
    augmentBatch(b, 2, [1, 8, 8], new Random(5), STYLE_AUGMENT);
    expect(a).toEqual(b);
    for (const v of a) expect(Number.isFinite(v)).toBe(true);
    // The flat (all-zero) patch only moves by gain and offset: still flat.
    const flat = a.subarray(0, 64);
    expect(Math.max(...flat) - Math.min(...flat)).toBeLessThan(1e-6);
    let moved = 0;
    for (let i = 64; i < 128; i++) moved += Math.abs(a[i]! - batch[i]!);
    expect(moved / 64).toBeGreaterThan(0.05);
  });
});
