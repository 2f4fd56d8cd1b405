/**
 * Cutting patches out of a decoded field and preparing them for the model: area-average resize
 * (antialiased for downscaling) to the model's input size, then (x - mean) / std. Every patch is
 * a square `patchSizeUm` wide, so the model always sees the same micrometres per input pixel; a
 * field smaller than one patch (a 40× crop, a cell composite) is not stretched to fill it but
 * centred in it, the rest filled as `SMALL_FIELD_FILL` says.
 */
import { patchGrid, patchSizePx, type SlideRect } from './grid';

/**
 * What fills the part of a patch beyond a field smaller than the patch: `reflect` mirrors the field
 * at its borders (more of the same cells and glass), `background` is the field's glass level
 * (BACKGROUND_QUANTILE of its pixels). Chosen by measurement (docs/field-quality.md, "Small fields").
 */
export type PatchFill = 'reflect' | 'background';
export const SMALL_FIELD_FILL: PatchFill = 'reflect';
/** The glass between cells: a low quantile of the field (cells cover well under 90 % of a field). */
export const BACKGROUND_QUANTILE = 0.1;
/** Names the rule in embedding-cache keys: embeddings made under another rule are not reused. */
export const PATCH_RULE = `square patches; small fields centred, ${SMALL_FIELD_FILL}-filled; resampled within the image`;

export interface PatchCanvas {
  image: Float32Array;
  widthPx: number;
  heightPx: number;
  /** Where the field's top-left pixel lies on the canvas. */
  offsetX: number;
  offsetY: number;
}

/** Where a field sits on its canvas at least one patch wide and high (centred), without the pixels. */
function canvasPlacement(widthPx: number, heightPx: number, sizePx: number): Omit<PatchCanvas, 'image'> {
  const cw = Math.max(widthPx, sizePx);
  const ch = Math.max(heightPx, sizePx);
  return { widthPx: cw, heightPx: ch, offsetX: (cw - widthPx) >> 1, offsetY: (ch - heightPx) >> 1 };
}

/** The field on a canvas at least one patch wide and high, centred; the field itself when it is that big already. */
export function padToPatch(image: Float32Array, widthPx: number, heightPx: number, sizePx: number, fill: PatchFill = SMALL_FIELD_FILL): PatchCanvas {
  const { widthPx: cw, heightPx: ch, offsetX, offsetY } = canvasPlacement(widthPx, heightPx, sizePx);
  if (cw === widthPx && ch === heightPx) return { image, widthPx, heightPx, offsetX: 0, offsetY: 0 };
  const canvas = new Float32Array(cw * ch);
  const level = fill === 'background' ? quantileOf(image, BACKGROUND_QUANTILE) : 0;
  for (let y = 0; y < ch; y++) {
    const sy = mirror(y - offsetY, heightPx);
    for (let x = 0; x < cw; x++) {
      const sx = mirror(x - offsetX, widthPx);
      const inside = sx === x - offsetX && sy === y - offsetY;
      canvas[y * cw + x] = inside || fill === 'reflect' ? image[sy * widthPx + sx]! : level;
    }
  }
  return { image: canvas, widthPx: cw, heightPx: ch, offsetX, offsetY };
}

/** Index `i` mirrored into 0..n-1 (edge pixel repeated: ... 1 0 | 0 1 ... n-1 | n-1 n-2 ...), for any distance out. */
function mirror(i: number, n: number): number {
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

/** The q-quantile of an image, from at most ~65k evenly spaced pixels. */
function quantileOf(image: Float32Array, q: number): number {
  const step = Math.max(1, Math.floor(image.length / 65536));
  const sample = Float32Array.from({ length: Math.ceil(image.length / step) }, (_, i) => image[i * step]!).sort();
  return sample[Math.min(sample.length - 1, Math.floor(q * sample.length))] ?? 0;
}

/** Area-average resample of `rect` from a row-major single-channel image into `out` (size×size). */
export function resamplePatch(image: Float32Array, imageWidth: number, rect: SlideRect, size: number, out: Float32Array, outOffset = 0): void {
  const sx = rect.width / size;
  const sy = rect.height / size;
  // y0 + sy can round to just past the rect's last row (768.0000000000001 for 200 px into 96):
  // the loops stop at the image's edge, or they would read past it and the patch would be NaN.
  const imageHeight = image.length / imageWidth;
  for (let oy = 0; oy < size; oy++) {
    const y0 = rect.y + oy * sy;
    const y1 = y0 + sy;
    const yEnd = Math.min(Math.ceil(y1), imageHeight);
    for (let ox = 0; ox < size; ox++) {
      const x0 = rect.x + ox * sx;
      const x1 = x0 + sx;
      const xEnd = Math.min(Math.ceil(x1), imageWidth);
      let sum = 0;
      let area = 0;
      for (let y = Math.floor(y0); y < yEnd; y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        if (wy <= 0) continue;
        const row = y * imageWidth;
        for (let x = Math.floor(x0); x < xEnd; x++) {
          const wx = Math.min(x + 1, x1) - Math.max(x, x0);
          if (wx <= 0) continue;
          sum += image[row + x]! * wx * wy;
          area += wx * wy;
        }
      }
      out[outOffset + oy * size + ox] = area > 0 ? sum / area : 0;
    }
  }
}

export function normalise(values: Float32Array, mean: number, std: number, from = 0, to = values.length): void {
  for (let i = from; i < to; i++) values[i] = (values[i]! - mean) / std;
}

export function meanOf(values: Float32Array, from = 0, to = values.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  return to > from ? sum / (to - from) : 0;
}

/** What the model's manifest says about its patches, in the units the grid needs. */
export interface PatchSpec {
  patchSizeUm: number;
  /** Model input side in pixels. */
  inputPx: number;
  mean: number;
  std: number;
  /** Patches whose mean signal (0..1) is below this are skipped as background. */
  backgroundMax: number;
}

export interface CutPatches {
  /** Each patch's part of the field, in field pixels (smaller than the patch only when the field is). */
  rects: SlideRect[];
  /** The patches, resampled to inputPx² and normalised, row-major [count, inputPx, inputPx]; a patch not wanted stays 0. */
  pixels: Float32Array;
  /** Per patch: false when not wanted or skipped as background. */
  kept: boolean[];
  patchSizePx: number;
}

/** The patches' parts of a field at its pixel size (field pixels): cutPatches' `rects`, without cutting. */
export function patchRects(widthPx: number, heightPx: number, pixelSizeUm: number, spec: Pick<PatchSpec, 'patchSizeUm'>): SlideRect[] {
  const sizePx = patchSizePx(spec.patchSizeUm, pixelSizeUm);
  const placement = canvasPlacement(widthPx, heightPx, sizePx);
  return patchGrid(placement.widthPx, placement.heightPx, sizePx).map((r) => fieldPart(r, placement, widthPx, heightPx));
}

/**
 * The patch grid over a decoded field at its pixel size, resampled and normalised for the model.
 * `wanted` (per rectangle of patchRects): only those are resampled; the others are not kept. The
 * reader passes the patches that hold cells, so background is never resampled.
 */
export function cutPatches(fitc: Float32Array, widthPx: number, heightPx: number, pixelSizeUm: number, spec: PatchSpec, wanted?: readonly boolean[]): CutPatches {
  const sizePx = patchSizePx(spec.patchSizeUm, pixelSizeUm);
  const canvas = padToPatch(fitc, widthPx, heightPx, sizePx);
  const windows = patchGrid(canvas.widthPx, canvas.heightPx, sizePx);
  const length = spec.inputPx * spec.inputPx;
  const pixels = new Float32Array(windows.length * length);
  const kept = windows.map((window, i) => {
    if (wanted && !wanted[i]) return false;
    resamplePatch(canvas.image, canvas.widthPx, window, spec.inputPx, pixels, i * length);
    const keep = meanOf(pixels, i * length, (i + 1) * length) >= spec.backgroundMax;
    normalise(pixels, spec.mean, spec.std, i * length, (i + 1) * length);
    return keep;
  });
  const rects = windows.map((r) => fieldPart(r, canvas, widthPx, heightPx));
  return { rects, pixels, kept, patchSizePx: sizePx };
}

/** A canvas window back in field pixels, clipped to the field. */
function fieldPart(window: SlideRect, canvas: Pick<PatchCanvas, 'offsetX' | 'offsetY'>, widthPx: number, heightPx: number): SlideRect {
  const x = Math.max(0, window.x - canvas.offsetX);
  const y = Math.max(0, window.y - canvas.offsetY);
  return { x, y, width: Math.min(widthPx, window.x - canvas.offsetX + window.width) - x, height: Math.min(heightPx, window.y - canvas.offsetY + window.height) - y };
}
