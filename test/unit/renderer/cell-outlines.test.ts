import { describe, expect, it } from 'vitest';
import {
  INTERPHASE_STYLE,
  MITOTIC_STYLE,
  outlineStyle,
  polygonBounds,
  polygonToCanvas,
  rectOnCanvas,
  traceClosedPolygon,
  visibleOutlines,
} from '../../../renderer/src/lib/utils/cell-outlines';
import { fitViewport, slidePoint, slideToCanvas, zoomAt, canvasPoint } from '../../../renderer/src/lib/utils/viewport';

describe('polygon → canvas', () => {
  const vp = { scale: 0.5, offsetX: 10, offsetY: -20 };

  it('maps every vertex as slideToCanvas maps a point', () => {
    const polygon = [100, 200, 140, 210, 120, 260];
    const mapped = polygonToCanvas(vp, polygon);
    for (let i = 0; i < polygon.length; i += 2) {
      const p = slideToCanvas(vp, slidePoint(polygon[i]!, polygon[i + 1]!));
      expect([mapped[i], mapped[i + 1]]).toEqual([p.x, p.y]);
    }
    expect(mapped).toEqual([60, 80, 80, 85, 70, 110]);
  });

  it('follows zoom about an anchor: the slide point under the anchor stays put', () => {
    const fitted = fitViewport({ width: 1024, height: 768 }, { width: 800, height: 600 });
    const anchor = canvasPoint(400, 300);
    const zoomed = zoomAt(fitted, anchor, 4);
    const under = [(400 - fitted.offsetX) / fitted.scale, (300 - fitted.offsetY) / fitted.scale];
    const [x, y] = polygonToCanvas(zoomed, under);
    expect(x).toBeCloseTo(400, 9);
    expect(y).toBeCloseTo(300, 9);
  });

  it('drops a dangling odd coordinate instead of producing NaN', () => {
    expect(polygonToCanvas({ scale: 1, offsetX: 0, offsetY: 0 }, [1, 2, 3])).toEqual([1, 2]);
  });
});

describe('bounds and culling', () => {
  it('bounds a polygon', () => {
    expect(polygonBounds([5, 9, -3, 4, 7, 12])).toEqual({ x: -3, y: 4, width: 10, height: 8 });
    expect(polygonBounds([])).toBeNull();
  });

  it('keeps rectangles that touch the canvas and drops those outside it', () => {
    const canvas = { width: 100, height: 50 };
    expect(rectOnCanvas({ x: -10, y: -10, width: 11, height: 11 }, canvas)).toBe(true);
    expect(rectOnCanvas({ x: 99, y: 49, width: 5, height: 5 }, canvas)).toBe(true);
    expect(rectOnCanvas({ x: -20, y: 0, width: 10, height: 10 }, canvas)).toBe(false);
    expect(rectOnCanvas({ x: 0, y: 51, width: 10, height: 10 }, canvas)).toBe(false);
  });

  it('visibleOutlines: only cells on screen with at least three points, styled by mitosis', () => {
    const vp = { scale: 2, offsetX: 0, offsetY: 0 };
    const cells = [
      { polygon: [10, 10, 20, 10, 15, 20], mitotic: false },
      { polygon: [30, 30, 40, 30, 35, 40], mitotic: true },
      { polygon: [500, 500, 510, 500, 505, 510], mitotic: false }, // off the 200×200 canvas at scale 2
      { polygon: [1, 1, 2, 2], mitotic: false }, // a segment, not a cell
    ];
    const drawn = visibleOutlines(cells, vp, { width: 200, height: 200 });
    expect(drawn.map((d) => d.points[0])).toEqual([20, 60]);
    expect(drawn.map((d) => d.style)).toEqual([INTERPHASE_STYLE, MITOTIC_STYLE]);
  });
});

describe('style and path', () => {
  it('mitotic cells differ from interphase cells in colour, width and dash', () => {
    expect(outlineStyle({ mitotic: true })).toBe(MITOTIC_STYLE);
    expect(outlineStyle({ mitotic: false })).toBe(INTERPHASE_STYLE);
    expect(MITOTIC_STYLE.color).not.toBe(INTERPHASE_STYLE.color);
    expect(MITOTIC_STYLE.dash.length).toBeGreaterThan(0);
    expect(INTERPHASE_STYLE.dash).toEqual([]);
  });

  it('traces a closed polygon: move to the first vertex, a line to each other, close', () => {
    const calls: string[] = [];
    const path = {
      moveTo: (x: number, y: number) => void calls.push(`M${x},${y}`),
      lineTo: (x: number, y: number) => void calls.push(`L${x},${y}`),
      closePath: () => void calls.push('Z'),
    };
    traceClosedPolygon(path, [0, 0, 4, 0, 4, 3]);
    expect(calls).toEqual(['M0,0', 'L4,0', 'L4,3', 'Z']);
    calls.length = 0;
    traceClosedPolygon(path, [0, 0, 4, 0]);
    expect(calls).toEqual([]);
  });
});
