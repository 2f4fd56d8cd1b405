/**
 * Cell outlines over the slide: the segmented cells arrive as closed polygons in slide pixels
 * ([x0, y0, x1, y1, …], see the contract's CellOutline); the viewer draws them in canvas pixels
 * through the same viewport as the image. Mitotic cells are drawn in another colour and dashed, so
 * they stay distinguishable without colour vision.
 */
import type { CellOutline } from '../../../../electron/contract';
import type { CanvasRect, Size, Viewport } from './viewport';

export interface OutlineStyle {
  color: string;
  lineWidthPx: number;
  /** Canvas dash pattern; [] for a solid line. */
  dash: number[];
}

/** Interphase cells: cyan, solid (apart from the green FITC signal and the viridis overlay's yellow). */
export const INTERPHASE_STYLE: OutlineStyle = { color: 'rgba(94, 220, 255, 0.9)', lineWidthPx: 1.25, dash: [] };
/** Mitotic cells: magenta, thicker, dashed. */
export const MITOTIC_STYLE: OutlineStyle = { color: 'rgba(255, 92, 205, 0.95)', lineWidthPx: 2, dash: [5, 3] };

export function outlineStyle(cell: Pick<CellOutline, 'mitotic'>): OutlineStyle {
  return cell.mitotic ? MITOTIC_STYLE : INTERPHASE_STYLE;
}

/** A flat slide-pixel polygon mapped to a flat canvas-pixel polygon (same layout, odd length dropped). */
export function polygonToCanvas(viewport: Viewport, polygon: readonly number[]): number[] {
  const out = new Array<number>(polygon.length - (polygon.length % 2));
  for (let i = 0; i + 1 < polygon.length; i += 2) {
    out[i] = polygon[i]! * viewport.scale + viewport.offsetX;
    out[i + 1] = polygon[i + 1]! * viewport.scale + viewport.offsetY;
  }
  return out;
}

/** Bounding box of a flat polygon, in the polygon's own space; null for fewer than one point. */
export function polygonBounds(polygon: readonly number[]): CanvasRect | null {
  if (polygon.length < 2) return null;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i + 1 < polygon.length; i += 2) {
    const x = polygon[i]!;
    const y = polygon[i + 1]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/** True when a canvas rectangle overlaps the visible canvas (cells outside are not drawn when zoomed in). */
export function rectOnCanvas(rect: CanvasRect, canvas: Size): boolean {
  return rect.x + rect.width >= 0 && rect.y + rect.height >= 0 && rect.x <= canvas.width && rect.y <= canvas.height;
}

/** The outlines to draw: each visible cell with at least three points, in canvas pixels, with its style. */
export function visibleOutlines(cells: readonly CellOutline[], viewport: Viewport, canvas: Size): { points: number[]; style: OutlineStyle }[] {
  const out: { points: number[]; style: OutlineStyle }[] = [];
  for (const cell of cells) {
    if (cell.polygon.length < 6) continue;
    const points = polygonToCanvas(viewport, cell.polygon);
    const bounds = polygonBounds(points);
    if (bounds && rectOnCanvas(bounds, canvas)) out.push({ points, style: outlineStyle(cell) });
  }
  return out;
}

/** Adds one closed canvas polygon to the current path (the caller strokes). */
export function traceClosedPolygon(path: Pick<CanvasPath, 'moveTo' | 'lineTo' | 'closePath'>, points: readonly number[]): void {
  if (points.length < 6) return;
  path.moveTo(points[0]!, points[1]!);
  for (let i = 2; i + 1 < points.length; i += 2) path.lineTo(points[i]!, points[i + 1]!);
  path.closePath();
}
