import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRgbPng } from '../../../../electron/core/reports/png-encode';
import { renderThumbnailRgb, THUMBNAIL_MAX_WIDTH_PX } from '../../../../electron/core/reports/thumbnail';
import { decodeSlide } from '../../../../electron/core/slides/decode';

describe('report thumbnail', () => {
  it('downsamples to the thumbnail width and blends the overlay only where the pattern scores', () => {
    const w = 960;
    const h = 480;
    const grey = new Uint8Array(w * h).map((_, i) => Math.round((255 * (i % w)) / w));
    const overlay = {
      patches: [
        [0, 0, 480, 480, 0],
        [480, 0, 480, 480, 0],
      ] as [number, number, number, number, 0 | 1][],
      scores: [0, 1],
    };
    const t = renderThumbnailRgb(grey, w, h, overlay);
    expect([t.widthPx, t.heightPx]).toEqual([THUMBNAIL_MAX_WIDTH_PX, 240]);
    const px = (x: number, y: number) => Array.from(t.rgb.subarray((y * t.widthPx + x) * 3, (y * t.widthPx + x) * 3 + 3));
    const left = px(100, 100);
    const right = px(380, 100);
    expect(left).toEqual([0, 53, 0]); // plain fluorescence: the viewer's FITC green LUT (level 53 of the box-filtered ramp)
    expect(right[0]).toBeGreaterThan(right[1]!); // scored patch: magenta overlay dominates
    expect(renderThumbnailRgb(grey, w, h, null).rgb[380 * 3 + 100 * t.widthPx * 3]).toBeLessThan(right[0]!);
  });

  it('encodes a PNG that the slide decoder reads back exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ana-png-'));
    try {
      const w = 7;
      const h = 5;
      const rgb = new Uint8Array(w * h * 3).map((_, i) => (i * 37) % 256);
      const path = join(dir, 'x.png');
      writeFileSync(path, encodeRgbPng(rgb, w, h));
      const decoded = await decodeSlide(path);
      expect([decoded.widthPx, decoded.heightPx]).toEqual([w, h]);
      const green = Array.from({ length: w * h }, (_, i) => rgb[i * 3 + 1]! / 255);
      expect(Array.from(decoded.fitc).map((v) => Math.round(v * 255))).toEqual(green.map((v) => Math.round(v * 255)));
      expect(() => encodeRgbPng(rgb, w + 1, h)).toThrow(/bytes for 8×5 RGB/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
