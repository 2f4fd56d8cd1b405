/**
 * The patch grid in micrometres. Patches are square, `patchSizeUm` wide; tiles start at the
 * top-left and the last row and column are shifted to end exactly at the border, so every pixel
 * of the field is covered and no cells at the edges are dropped.
 */
export interface SlideRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function patchSizePx(patchSizeUm: number, pixelSizeUm: number): number {
  if (!(patchSizeUm > 0) || !(pixelSizeUm > 0)) throw new RangeError(`invalid sizes: patch ${patchSizeUm} µm, pixel ${pixelSizeUm} µm`);
  return Math.max(1, Math.round(patchSizeUm / pixelSizeUm));
}

/** Tile starts along one axis: 0, s, 2s, ... and a last one ending at `length`. */
export function tileStarts(length: number, size: number): number[] {
  if (size >= length) return [0];
  const starts: number[] = [];
  for (let start = 0; start + size < length; start += size) starts.push(start);
  starts.push(length - size);
  return starts;
}

/** Patch rectangles in slide pixel coordinates, row by row. */
export function patchGrid(widthPx: number, heightPx: number, sizePx: number): SlideRect[] {
  const w = Math.min(sizePx, widthPx);
  const h = Math.min(sizePx, heightPx);
  const rects: SlideRect[] = [];
  for (const y of tileStarts(heightPx, h)) for (const x of tileStarts(widthPx, w)) rects.push({ x, y, width: w, height: h });
  return rects;
}
