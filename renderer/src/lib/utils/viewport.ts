/**
 * Viewport geometry for the slide viewer. Three coordinate spaces, named in every function:
 * - slide: pixels of the original field image (x right, y down), the space patches are stored in;
 * - canvas: CSS pixels of the viewer's canvas element (the space pointer events arrive in);
 * - patch: an index into a reading's patch list, whose rectangle is in slide pixels.
 * A viewport maps slide → canvas as `canvas = slide * scale + offset` (no rotation).
 */
import type { PatchEntry } from '../../../../electron/contract';

export interface SlidePoint {
  readonly space: 'slide';
  x: number;
  y: number;
}

export interface CanvasPoint {
  readonly space: 'canvas';
  x: number;
  y: number;
}

export interface SlideRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface CanvasRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

/** `scale` is canvas pixels per slide pixel; `offsetX/Y` is where slide (0,0) lands on the canvas. */
export interface Viewport {
  scale: number;
  offsetX: number;
  offsetY: number;
}

export const MIN_SCALE = 0.02;
export const MAX_SCALE = 16;

export const slidePoint = (x: number, y: number): SlidePoint => ({ space: 'slide', x, y });
export const canvasPoint = (x: number, y: number): CanvasPoint => ({ space: 'canvas', x, y });

export function slideToCanvas(viewport: Viewport, point: SlidePoint): CanvasPoint {
  return canvasPoint(point.x * viewport.scale + viewport.offsetX, point.y * viewport.scale + viewport.offsetY);
}

export function canvasToSlide(viewport: Viewport, point: CanvasPoint): SlidePoint {
  return slidePoint((point.x - viewport.offsetX) / viewport.scale, (point.y - viewport.offsetY) / viewport.scale);
}

export function patchToSlideRect(patch: PatchEntry): SlideRect {
  return { x: patch[0], y: patch[1], width: patch[2], height: patch[3] };
}

export function slideRectToCanvasRect(viewport: Viewport, rect: SlideRect): CanvasRect {
  const topLeft = slideToCanvas(viewport, slidePoint(rect.x, rect.y));
  return { x: topLeft.x, y: topLeft.y, width: rect.width * viewport.scale, height: rect.height * viewport.scale };
}

export function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/** The whole slide, centred, as large as fits the canvas. */
export function fitViewport(slide: Size, canvas: Size): Viewport {
  if (slide.width <= 0 || slide.height <= 0 || canvas.width <= 0 || canvas.height <= 0) return { scale: 1, offsetX: 0, offsetY: 0 };
  const scale = clampScale(Math.min(canvas.width / slide.width, canvas.height / slide.height));
  return { scale, offsetX: (canvas.width - slide.width * scale) / 2, offsetY: (canvas.height - slide.height * scale) / 2 };
}

/** Slide point `center` at the canvas centre with the given scale. */
export function centerOn(center: SlidePoint, canvas: Size, scale: number): Viewport {
  const s = clampScale(scale);
  return { scale: s, offsetX: canvas.width / 2 - center.x * s, offsetY: canvas.height / 2 - center.y * s };
}

/** One slide pixel per canvas pixel, keeping the slide point at the canvas centre where it is. */
export function oneToOneViewport(viewport: Viewport, canvas: Size): Viewport {
  return centerOn(canvasToSlide(viewport, canvasPoint(canvas.width / 2, canvas.height / 2)), canvas, 1);
}

/** Zoom by `factor` keeping the slide point under `anchor` fixed (wheel zoom under the pointer). */
export function zoomAt(viewport: Viewport, anchor: CanvasPoint, factor: number): Viewport {
  const scale = clampScale(viewport.scale * factor);
  const under = canvasToSlide(viewport, anchor);
  return { scale, offsetX: anchor.x - under.x * scale, offsetY: anchor.y - under.y * scale };
}

export function panBy(viewport: Viewport, dxCanvas: number, dyCanvas: number): Viewport {
  return { ...viewport, offsetX: viewport.offsetX + dxCanvas, offsetY: viewport.offsetY + dyCanvas };
}

/**
 * The patch under a slide point, or -1. The last row and column of the grid overlap their
 * neighbours (they are shifted to end at the border); the later patch wins, as in the heatmap.
 */
export function patchAtSlidePoint(patches: readonly PatchEntry[], point: SlidePoint): number {
  for (let i = patches.length - 1; i >= 0; i--) {
    const p = patches[i]!;
    if (point.x >= p[0] && point.y >= p[1] && point.x < p[0] + p[2] && point.y < p[1] + p[3]) return i;
  }
  return -1;
}

export function patchCenter(patch: PatchEntry): SlidePoint {
  return slidePoint(patch[0] + patch[2] / 2, patch[1] + patch[3] / 2);
}
