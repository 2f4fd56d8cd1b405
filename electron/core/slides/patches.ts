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

/**
 * Area-average resample of `rect` from a row-major single-channel image into `out` (size×size).
 * The area weights are separable (a pixel's overlap with an output pixel is its row overlap times
 * its column overlap), so each axis's taps are found once and the patch is resampled in two
 * passes, rows then columns: a few taps per output pixel instead of a 2-D overlap test each.
 */
export function resamplePatch(image: Float32Array, imageWidth: number, rect: SlideRect, size: number, out: Float32Array, outOffset = 0): void {
  resampleNormalised(image, imageWidth, rect, size, out, outOffset, 0, 1);
}

/**
 * resamplePatch, each value then stored as (value − mean) / std, in the same pass; returns the
 * mean of the values before that. Every output pixel takes the same number of taps (padded with
 * weight-0 taps on a pixel it already reads), so the common cases (2 or 3 taps: patches resampled
 * close to their size, the 192 px models) run as fixed expressions, not as loops: 1.5–1.7× faster
 * with results identical to the bit (the sums are taken in the same order, and adding x·0 to a
 * sum leaves it as it is).
 */
function resampleNormalised(image: Float32Array, imageWidth: number, rect: SlideRect, size: number, out: Float32Array, outOffset: number, mean: number, std: number): number {
  const imageHeight = image.length / imageWidth;
  const xs = areaTaps(rect.x, rect.width / size, size, imageWidth);
  const ys = areaTaps(rect.y, rect.height / size, size, imageHeight);
  // Rows first: each input row the patch touches, resampled along x (weights not yet divided).
  const rows = scratchRows((ys.to - ys.from) * size);
  for (let y = ys.from; y < ys.to; y++) resampleRow(image, y * imageWidth, xs, rows, (y - ys.from) * size);
  // Then columns, dividing by the covered area (less than the full pixel only at the image's edge).
  const { index, weight, taps } = ys;
  let sumOfValues = 0;
  for (let oy = 0; oy < size; oy++) {
    const t = oy * taps;
    const o = outOffset + oy * size;
    const yTotal = ys.total[oy]!;
    const r0 = (index[t]! - ys.from) * size;
    const w0 = weight[t]!;
    const r1 = taps > 1 ? (index[t + 1]! - ys.from) * size : r0;
    const w1 = taps > 1 ? weight[t + 1]! : 0;
    for (let ox = 0; ox < size; ox++) {
      let sum = rows[r0 + ox]! * w0 + rows[r1 + ox]! * w1;
      for (let k = 2; k < taps; k++) sum += rows[(index[t + k]! - ys.from) * size + ox]! * weight[t + k]!;
      const area = xs.total[ox]! * yTotal;
      const value = Math.fround(area > 0 ? sum / area : 0);
      sumOfValues += value;
      out[o + ox] = (value - mean) / std;
    }
  }
  return sumOfValues / (size * size);
}

/** One input row resampled along x into rows[target..target+size). */
function resampleRow(image: Float32Array, row: number, xs: Taps, rows: Float64Array, target: number): void {
  const { index, weight, taps } = xs;
  const size = xs.total.length;
  if (taps === 2) {
    for (let ox = 0, t = 0; ox < size; ox++, t += 2) rows[target + ox] = image[row + index[t]!]! * weight[t]! + image[row + index[t + 1]!]! * weight[t + 1]!;
  } else if (taps === 3) {
    for (let ox = 0, t = 0; ox < size; ox++, t += 3) {
      rows[target + ox] = image[row + index[t]!]! * weight[t]! + image[row + index[t + 1]!]! * weight[t + 1]! + image[row + index[t + 2]!]! * weight[t + 2]!;
    }
  } else {
    for (let ox = 0, t = 0; ox < size; ox++, t += taps) {
      let sum = 0;
      for (let k = 0; k < taps; k++) sum += image[row + index[t + k]!]! * weight[t + k]!;
      rows[target + ox] = sum;
    }
  }
}

/** One buffer for the row pass, grown as needed: a patch is resampled thousands of times a day. */
let rowsBuffer = new Float64Array(0);
function scratchRows(length: number): Float64Array {
  if (rowsBuffer.length < length) rowsBuffer = new Float64Array(length);
  return rowsBuffer;
}

/** Per output pixel along one axis: `taps` input indices and their overlaps, the overlaps' total, and the input range read. */
interface Taps {
  index: Int32Array;
  weight: Float64Array;
  total: Float64Array;
  taps: number;
  from: number;
  to: number;
}

/**
 * For each of `size` output pixels of width `step` from `start` along one axis: the input pixels it
 * overlaps and by how much, stopping at the image's edge — `start + size·step` can round to just
 * past the last pixel (768.0000000000001 for 200 px into 96), and reading past it made the patch
 * NaN. Every output gets the most taps any output has; the extra ones repeat its last pixel with
 * weight 0.
 */
function areaTaps(start: number, step: number, size: number, limit: number): Taps {
  // One pass into room for the most taps a step can overlap, then packed to the most found.
  const room = Math.ceil(step) + 1;
  const first = new Int32Array(size);
  const count = new Int32Array(size);
  const found = new Float64Array(size * room);
  const total = new Float64Array(size);
  let taps = 1;
  for (let o = 0; o < size; o++) {
    const a0 = start + o * step;
    const a1 = a0 + step;
    const end = Math.min(Math.ceil(a1), limit);
    first[o] = Math.max(0, Math.min(Math.floor(a0), limit - 1));
    let n = 0;
    for (let i = Math.floor(a0); i < end; i++) {
      const w = Math.min(i + 1, a1) - Math.max(i, a0);
      if (w <= 0) continue;
      if (n === 0) first[o] = i;
      found[o * room + n++] = w;
      total[o]! += w;
    }
    count[o] = n;
    taps = Math.max(taps, n);
  }
  const index = new Int32Array(size * taps);
  const weight = new Float64Array(size * taps);
  let from = limit;
  let to = 0;
  for (let o = 0; o < size; o++) {
    const n = count[o]!;
    const last = first[o]! + Math.max(0, n - 1);
    for (let k = 0; k < taps; k++) {
      index[o * taps + k] = k < n ? first[o]! + k : last;
      weight[o * taps + k] = k < n ? found[o * room + k]! : 0;
    }
    from = Math.min(from, first[o]!);
    to = Math.max(to, last + 1);
  }
  return { index, weight, total, taps, from, to };
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
    return resampleNormalised(canvas.image, canvas.widthPx, window, spec.inputPx, pixels, i * length, spec.mean, spec.std) >= spec.backgroundMax;
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
