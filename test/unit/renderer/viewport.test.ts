import { describe, expect, it } from 'vitest';
import {
  canvasPoint,
  canvasToSlide,
  centerOn,
  fitViewport,
  MAX_SCALE,
  oneToOneViewport,
  panBy,
  patchAtSlidePoint,
  patchToSlideRect,
  slidePoint,
  slideRectToCanvasRect,
  slideToCanvas,
  zoomAt,
} from '../../../renderer/src/lib/utils/viewport';
import type { PatchEntry } from '../../../electron/contract';

describe('slide ↔ canvas', () => {
  const vp = { scale: 0.5, offsetX: 10, offsetY: -20 };

  it('maps slide pixels to canvas pixels by scale and offset', () => {
    expect(slideToCanvas(vp, slidePoint(100, 200))).toEqual(canvasPoint(60, 80));
  });

  it('canvasToSlide inverts slideToCanvas', () => {
    for (const [x, y] of [[0, 0], [2047, 1535], [13.25, 999.5]] as const) {
      const back = canvasToSlide(vp, slideToCanvas(vp, slidePoint(x, y)));
      expect(back.x).toBeCloseTo(x, 9);
      expect(back.y).toBeCloseTo(y, 9);
      expect(back.space).toBe('slide');
    }
  });

  it('patchToSlideRect reads [x, y, w, h, skipped] and maps to a canvas rectangle', () => {
    const rect = patchToSlideRect([224, 448, 224, 224, 0]);
    expect(rect).toEqual({ x: 224, y: 448, width: 224, height: 224 });
    expect(slideRectToCanvasRect(vp, rect)).toEqual({ x: 122, y: 204, width: 112, height: 112 });
  });
});

describe('fit, 1:1, zoom, pan', () => {
  it('fits a 2048×1536 slide into 1024×1024, centred vertically', () => {
    const vp = fitViewport({ width: 2048, height: 1536 }, { width: 1024, height: 1024 });
    expect(vp).toEqual({ scale: 0.5, offsetX: 0, offsetY: 128 });
  });

  it('1:1 keeps the slide point at the canvas centre', () => {
    const canvas = { width: 800, height: 600 };
    const fit = fitViewport({ width: 2048, height: 1536 }, canvas);
    const centreBefore = canvasToSlide(fit, canvasPoint(400, 300));
    const one = oneToOneViewport(fit, canvas);
    expect(one.scale).toBe(1);
    const centreAfter = canvasToSlide(one, canvasPoint(400, 300));
    expect(centreAfter.x).toBeCloseTo(centreBefore.x, 9);
    expect(centreAfter.y).toBeCloseTo(centreBefore.y, 9);
  });

  it('zoomAt keeps the slide point under the pointer fixed', () => {
    const vp = { scale: 0.4, offsetX: 30, offsetY: 50 };
    const anchor = canvasPoint(321, 123);
    const under = canvasToSlide(vp, anchor);
    const zoomed = zoomAt(vp, anchor, 2.5);
    expect(zoomed.scale).toBeCloseTo(1, 12);
    const still = slideToCanvas(zoomed, under);
    expect(still.x).toBeCloseTo(321, 9);
    expect(still.y).toBeCloseTo(123, 9);
  });

  it('clamps zoom at the maximum scale', () => {
    expect(zoomAt({ scale: 10, offsetX: 0, offsetY: 0 }, canvasPoint(0, 0), 100).scale).toBe(MAX_SCALE);
  });

  it('pans in canvas pixels and centres on a slide point', () => {
    expect(panBy({ scale: 2, offsetX: 1, offsetY: 2 }, 5, -7)).toEqual({ scale: 2, offsetX: 6, offsetY: -5 });
    const vp = centerOn(slidePoint(500, 300), { width: 800, height: 600 }, 2);
    expect(slideToCanvas(vp, slidePoint(500, 300))).toEqual(canvasPoint(400, 300));
  });
});

describe('patchAtSlidePoint', () => {
  // A 500-px-wide row of 224-px patches: starts 0, 224 and the shifted last one at 276.
  const patches: PatchEntry[] = [[0, 0, 224, 224, 0], [224, 0, 224, 224, 0], [276, 0, 224, 224, 1]];

  it('finds the patch containing the point; the shifted last patch wins where they overlap', () => {
    expect(patchAtSlidePoint(patches, slidePoint(10, 10))).toBe(0);
    expect(patchAtSlidePoint(patches, slidePoint(250, 10))).toBe(1);
    expect(patchAtSlidePoint(patches, slidePoint(300, 10))).toBe(2);
    expect(patchAtSlidePoint(patches, slidePoint(499.9, 223.9))).toBe(2);
  });

  it('returns -1 outside the slide', () => {
    expect(patchAtSlidePoint(patches, slidePoint(-1, 10))).toBe(-1);
    expect(patchAtSlidePoint(patches, slidePoint(10, 224))).toBe(-1);
  });
});
