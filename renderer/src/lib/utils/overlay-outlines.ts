/**
 * The overlay in outline mode (the default): instead of filling patches with colour, which buries
 * the cells under the evidence for them, only contours are drawn where the chosen pattern scores at
 * or above its threshold — the contours of the segmented cells there, or, for a reading without
 * cells, the contour of the region of such patches. Each contour takes the colour of its score
 * (viridis, as the fill mode and the legend).
 *
 * A cell's score is the score of the patch that holds its centre (the model scores 224-px
 * patches, not cells; a cell inherits its patch's probability). Where the shifted last row or
 * column of patches overlaps its neighbour, the later patch counts, as for the hover read-out.
 * Pure geometry in slide pixels; the canvas maps it through the viewport.
 */
import type { CellOutline, PatchEntry } from '../../../../electron/contract';
import { heatmapCellPx, patchScore } from './heatmap';
import { slidePoint, type SlidePoint } from './viewport';

export type OverlayMode = 'outline' | 'fill';
export const DEFAULT_OVERLAY_MODE: OverlayMode = 'outline';
/** Fill mode's default opacity: the patches tint the field instead of covering it (was 0.6, then 0.45). */
export const DEFAULT_FILL_OPACITY = 0.3;

/** One contour to stroke: a polyline in slide pixels, closed for cells; coloured by `score`. */
export interface OverlayStroke {
  points: readonly number[];
  closed: boolean;
  score: number;
  /** Mitotic cells are drawn dashed. */
  mitotic: boolean;
}

/** Centre of a flat polygon [x0, y0, x1, y1, …] (vertex mean: segmented nuclei are compact). */
export function polygonCentroid(polygon: readonly number[]): SlidePoint {
  const n = Math.floor(polygon.length / 2);
  let x = 0;
  let y = 0;
  for (let i = 0; i < n; i++) {
    x += polygon[2 * i]!;
    y += polygon[2 * i + 1]!;
  }
  return slidePoint(n ? x / n : 0, n ? y / n : 0);
}

/** Area of a flat polygon (shoelace), in slide pixels². */
export function polygonArea(polygon: readonly number[]): number {
  const n = Math.floor(polygon.length / 2);
  let twice = 0;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    twice += polygon[2 * i]! * polygon[2 * j + 1]! - polygon[2 * j]! * polygon[2 * i + 1]!;
  }
  return Math.abs(twice) / 2;
}

/**
 * Each cell's patch (index) and score for one label; null where the centre lies in no scored patch.
 * Patches overlap at the grid's edges, so a centre may lie in several: the scored one whose centre
 * is nearest holds the cell (a background patch beside it must not hide the cell's score).
 */
export function cellScores(
  cells: readonly CellOutline[],
  patches: readonly PatchEntry[],
  scores: ArrayLike<number>,
  labelCount: number,
  labelIndex: number,
): ({ patchIndex: number; score: number } | null)[] {
  return cells.map((cell) => {
    const patchIndex = scoredPatchHolding(patches, polygonCentroid(cell.polygon));
    return patchIndex < 0 ? null : { patchIndex, score: patchScore(scores, labelCount, patchIndex, labelIndex) };
  });
}

function scoredPatchHolding(patches: readonly PatchEntry[], point: SlidePoint): number {
  let best = -1;
  let bestDistance = Infinity;
  patches.forEach(([x, y, w, h, background], i) => {
    if (background || point.x < x || point.y < y || point.x >= x + w || point.y >= y + h) return;
    const distance = Math.hypot(point.x - (x + w / 2), point.y - (y + h / 2));
    if (distance < bestDistance) (best = i), (bestDistance = distance);
  });
  return best;
}

/**
 * The contour of the region where patches score ≥ threshold, as unit edges of the heatmap grid
 * (`cellPx` slide pixels per grid step, the fill mode's grid) between a cell inside and one
 * outside; each edge takes the score of its inside cell. Edges are clipped to the slide.
 */
export function patchContours(
  slide: { widthPx: number; heightPx: number },
  patches: readonly PatchEntry[],
  scores: ArrayLike<number>,
  labelCount: number,
  labelIndex: number,
  threshold: number,
  cellPx = heatmapCellPx(patches),
): OverlayStroke[] {
  const w = Math.max(1, Math.ceil(slide.widthPx / cellPx));
  const h = Math.max(1, Math.ceil(slide.heightPx / cellPx));
  // The grid's score (NaN: not scored), painted in stored order so later patches win, as in fill mode.
  const grid = new Float64Array(w * h).fill(NaN);
  patches.forEach((p, i) => {
    const score = p[4] ? NaN : patchScore(scores, labelCount, i, labelIndex);
    const x1 = Math.min(w, Math.ceil((p[0] + p[2]) / cellPx));
    const y1 = Math.min(h, Math.ceil((p[1] + p[3]) / cellPx));
    for (let y = Math.floor(p[1] / cellPx); y < y1; y++) for (let x = Math.floor(p[0] / cellPx); x < x1; x++) grid[y * w + x] = score;
  });
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < w && y < h && grid[y * w + x]! >= threshold;
  const X = (gx: number) => Math.min(gx * cellPx, slide.widthPx);
  const Y = (gy: number) => Math.min(gy * cellPx, slide.heightPx);
  const strokes: OverlayStroke[] = [];
  const edge = (x0: number, y0: number, x1: number, y1: number, score: number) => strokes.push({ points: [X(x0), Y(y0), X(x1), Y(y1)], closed: false, score, mitotic: false });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!inside(x, y)) continue;
      const score = grid[y * w + x]!;
      if (!inside(x, y - 1)) edge(x, y, x + 1, y, score);
      if (!inside(x, y + 1)) edge(x, y + 1, x + 1, y + 1, score);
      if (!inside(x - 1, y)) edge(x, y, x, y + 1, score);
      if (!inside(x + 1, y)) edge(x + 1, y, x + 1, y + 1, score);
    }
  }
  return strokes;
}

export interface OutlineInput {
  slide: { widthPx: number; heightPx: number };
  patches: readonly PatchEntry[];
  scores: ArrayLike<number>;
  labelCount: number;
  labelIndex: number;
  threshold: number;
  cells: readonly CellOutline[];
}

/**
 * What outline mode draws for one pattern: the cells whose score reaches the threshold, or — when
 * the reading has no segmented cells — the contour of the patches that do.
 */
export function outlineStrokes(input: OutlineInput): OverlayStroke[] {
  const { patches, scores, labelCount, labelIndex, threshold, cells } = input;
  if (cells.length === 0) return patchContours(input.slide, patches, scores, labelCount, labelIndex, threshold);
  const scored = cellScores(cells, patches, scores, labelCount, labelIndex);
  const strokes: OverlayStroke[] = [];
  cells.forEach((cell, i) => {
    const s = scored[i];
    if (s && s.score >= threshold && cell.polygon.length >= 6) strokes.push({ points: cell.polygon, closed: true, score: s.score, mitotic: cell.mitotic });
  });
  return strokes;
}

export interface CellEvidence {
  cellIndex: number;
  patchIndex: number;
  score: number;
  mitotic: boolean;
}

/**
 * The most telling cells for one pattern, best first: highest score (their patch's), then larger
 * cells (a clearer picture); at most one cell per patch while other patches are left, so the
 * gallery shows the field's spread. Up to `interphase` interphase cells plus up to `mitoses`
 * mitotic cells (their staining tells homogeneous from speckled and others); `mitosesOnly` keeps
 * only mitotic cells (up to interphase + mitoses of them).
 */
export function tellingCells(
  cells: readonly CellOutline[],
  scored: readonly ({ patchIndex: number; score: number } | null)[],
  options: { interphase: number; mitoses: number; mitosesOnly?: boolean },
): CellEvidence[] {
  const ranked = cells
    .map((cell, cellIndex) => ({ cell, cellIndex, s: scored[cellIndex] ?? null, area: polygonArea(cell.polygon) }))
    .filter((c): c is typeof c & { s: { patchIndex: number; score: number } } => c.s !== null && c.cell.polygon.length >= 6)
    .sort((a, b) => b.s.score - a.s.score || b.area - a.area || a.cellIndex - b.cellIndex);
  const pick = (pool: typeof ranked, count: number) => {
    const chosen: typeof ranked = [];
    const usedPatches = new Set<number>();
    for (const c of pool) if (chosen.length < count && !usedPatches.has(c.s.patchIndex)) (chosen.push(c), usedPatches.add(c.s.patchIndex));
    for (const c of pool) if (chosen.length < count && !chosen.includes(c)) chosen.push(c);
    return chosen.sort((a, b) => b.s.score - a.s.score || b.area - a.area || a.cellIndex - b.cellIndex);
  };
  const mitotic = ranked.filter((c) => c.cell.mitotic);
  const chosen = options.mitosesOnly
    ? pick(mitotic, options.interphase + options.mitoses)
    : [...pick(ranked.filter((c) => !c.cell.mitotic), options.interphase), ...pick(mitotic, options.mitoses)];
  return chosen.map((c) => ({ cellIndex: c.cellIndex, patchIndex: c.s.patchIndex, score: c.s.score, mitotic: c.cell.mitotic }));
}
