import { describe, expect, it } from 'vitest';
import { patchGrid, patchSizePx, tileStarts } from '../../../../electron/core/slides/grid';

describe('patch grid', () => {
  it('covers every pixel and keeps rectangles inside the image', () => {
    for (const [w, h, size] of [[2048, 1536, 200], [1300, 1000, 448], [640, 480, 640], [100, 80, 200], [901, 333, 100]] as const) {
      const rects = patchGrid(w, h, size);
      const covered = new Uint8Array(w * h);
      for (const r of rects) {
        expect(r.x).toBeGreaterThanOrEqual(0);
        expect(r.y).toBeGreaterThanOrEqual(0);
        expect(r.x + r.width).toBeLessThanOrEqual(w);
        expect(r.y + r.height).toBeLessThanOrEqual(h);
        for (let y = r.y; y < r.y + r.height; y++) covered.fill(1, y * w + r.x, y * w + r.x + r.width);
      }
      expect(covered.every((c) => c === 1)).toBe(true);
    }
  });

  it('shifts the last tile to end at the border', () => {
    expect(tileStarts(1000, 448)).toEqual([0, 448, 552]);
    expect(tileStarts(896, 448)).toEqual([0, 448]);
  });

  it('converts micrometres to pixels per pixel size', () => {
    expect(patchSizePx(100, 0.5)).toBe(200);
    expect(patchSizePx(100, 0.2)).toBe(500);
    expect(patchSizePx(100, 0.65)).toBe(154);
    expect(() => patchSizePx(100, 0)).toThrow(RangeError);
  });
});
