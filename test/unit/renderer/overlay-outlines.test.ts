import { describe, expect, it } from 'vitest';
import { cellScores, outlineStrokes, patchContours, polygonArea, polygonCentroid, tellingCells } from '../../../renderer/src/lib/utils/overlay-outlines';
import type { CellOutline, PatchEntry } from '../../../electron/contract';

const square = (cx: number, cy: number, r: number) => [cx - r, cy - r, cx + r, cy - r, cx + r, cy + r, cx - r, cy + r];
// A 2×2 grid of 100-px patches; the bottom-left one is background. Two labels per patch.
const patches: PatchEntry[] = [[0, 0, 100, 100, 0], [100, 0, 100, 100, 0], [0, 100, 100, 100, 1], [100, 100, 100, 100, 0]];
const scores = [0.9, 0.1, 0.2, 0.8, 0, 0, 0.7, 0.6];
const slide = { widthPx: 200, heightPx: 200 };

describe('outline overlay', () => {
  it('measures polygons', () => {
    expect(polygonCentroid(square(50, 60, 10))).toMatchObject({ x: 50, y: 60 });
    expect(polygonArea(square(0, 0, 10))).toBe(400);
  });

  it("gives each cell its patch's score; cells in background patches have none", () => {
    const cells: CellOutline[] = [{ polygon: square(50, 50, 5), mitotic: false }, { polygon: square(50, 150, 5), mitotic: false }, { polygon: square(150, 150, 5), mitotic: true }];
    expect(cellScores(cells, patches, scores, 2, 0)).toEqual([{ patchIndex: 0, score: 0.9 }, null, { patchIndex: 3, score: 0.7 }]);
  });

  it('a cell where patches overlap takes the nearest-centred scored patch, not a background one listed later', () => {
    // Patch 1 overlaps patch 0 on x 80–100 and is background: the cell at x 95 belongs to patch 0;
    // with both scored, to the patch whose centre is nearer (the second, centre x 130, not x 50).
    const overlapping: PatchEntry[] = [[0, 0, 100, 100, 0], [80, 0, 100, 100, 1], [80, 0, 100, 100, 0]];
    const cell: CellOutline[] = [{ polygon: square(95, 50, 4), mitotic: true }];
    expect(cellScores(cell, overlapping.slice(0, 2), [0.9, 0.1, 0.2, 0.8], 2, 0)).toEqual([{ patchIndex: 0, score: 0.9 }]);
    expect(cellScores(cell, [overlapping[0]!, overlapping[2]!], [0.9, 0.1, 0.2, 0.8], 2, 0)).toEqual([{ patchIndex: 1, score: 0.2 }]);
  });

  it('traces the contour of the patches at or above the threshold, each edge in its patch score', () => {
    // Label 0: patches 0 (0.9) and 3 (0.7) reach 0.5, touching only at a corner: two squares of 4 edges.
    const strokes = patchContours(slide, patches, scores, 2, 0, 0.5, 100);
    expect(strokes).toHaveLength(8);
    expect(strokes.filter((s) => s.score === 0.9).map((s) => s.points)).toEqual([[0, 0, 100, 0], [0, 100, 100, 100], [0, 0, 0, 100], [100, 0, 100, 100]]);
    // Label 1 at 0.5: patches 1 (0.8) and 3 (0.6) share an edge: one 1×2 region, 6 unit edges.
    expect(patchContours(slide, patches, scores, 2, 1, 0.5, 100)).toHaveLength(6);
    expect(patchContours(slide, patches, scores, 2, 1, 0.95, 100)).toEqual([]);
  });

  it('outlines the cells above the threshold when the reading has cells, else the patch contours', () => {
    const cells: CellOutline[] = [{ polygon: square(50, 50, 5), mitotic: false }, { polygon: square(150, 50, 5), mitotic: true }];
    const withCells = outlineStrokes({ slide, patches, scores, labelCount: 2, labelIndex: 0, threshold: 0.5, cells });
    expect(withCells).toEqual([{ points: cells[0]!.polygon, closed: true, score: 0.9, mitotic: false }]);
    expect(outlineStrokes({ slide, patches, scores, labelCount: 2, labelIndex: 1, threshold: 0.5, cells })).toEqual([{ points: cells[1]!.polygon, closed: true, score: 0.8, mitotic: true }]);
    expect(outlineStrokes({ slide, patches, scores, labelCount: 2, labelIndex: 0, threshold: 0.5, cells: [] }).every((s) => !s.closed)).toBe(true);
  });

  it('picks the most telling cells: best score first, one per patch before seconds, bigger first on ties, mitoses apart', () => {
    const cells: CellOutline[] = [
      { polygon: square(20, 20, 5), mitotic: false }, // patch 0 (0.9), small
      { polygon: square(60, 60, 9), mitotic: false }, // patch 0 (0.9), big
      { polygon: square(150, 150, 8), mitotic: false }, // patch 3 (0.7)
      { polygon: square(150, 50, 8), mitotic: false }, // patch 1 (0.2)
      { polygon: square(180, 180, 6), mitotic: true }, // patch 3 (0.7), mitotic
      { polygon: square(50, 150, 8), mitotic: false }, // background patch: never evidence
    ];
    const scored = cellScores(cells, patches, scores, 2, 0);
    expect(tellingCells(cells, scored, { interphase: 2, mitoses: 1 }).map((c) => c.cellIndex)).toEqual([1, 2, 4]);
    expect(tellingCells(cells, scored, { interphase: 4, mitoses: 1 }).map((c) => c.cellIndex)).toEqual([1, 0, 2, 3, 4]);
    expect(tellingCells(cells, scored, { interphase: 4, mitoses: 1, mitosesOnly: true })).toEqual([{ cellIndex: 4, patchIndex: 3, score: 0.7, mitotic: true }]);
  });
});
