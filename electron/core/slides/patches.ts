/**
 * Cutting patches out of a decoded field and preparing them for the model: area-average resize
 * (antialiased for downscaling) to the model's input size, then (x - mean) / std.
 */
import { patchGrid, patchSizePx, type SlideRect } from './grid';

/** Area-average resample of `rect` from a row-major single-channel image into `out` (size×size). */
export function resamplePatch(image: Float32Array, imageWidth: number, rect: SlideRect, size: number, out: Float32Array, outOffset = 0): void {
  const sx = rect.width / size;
  const sy = rect.height / size;
  for (let oy = 0; oy < size; oy++) {
    const y0 = rect.y + oy * sy;
    const y1 = y0 + sy;
    for (let ox = 0; ox < size; ox++) {
      const x0 = rect.x + ox * sx;
      const x1 = x0 + sx;
      let sum = 0;
      let area = 0;
      for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        if (wy <= 0) continue;
        const row = y * imageWidth;
        for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
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
  rects: SlideRect[];
  /** The patches, resampled to inputPx² and normalised, row-major [count, inputPx, inputPx]; a patch not wanted stays 0. */
  pixels: Float32Array;
  /** Per patch: false when not wanted or skipped as background. */
  kept: boolean[];
  patchSizePx: number;
}

/** The patch rectangles of a field at its pixel size (slide pixels). */
export function patchRects(widthPx: number, heightPx: number, pixelSizeUm: number, spec: Pick<PatchSpec, 'patchSizeUm'>): SlideRect[] {
  return patchGrid(widthPx, heightPx, patchSizePx(spec.patchSizeUm, pixelSizeUm));
}

/**
 * The patch grid over a decoded field at its pixel size, resampled and normalised for the model.
 * `wanted` (per rectangle of patchRects): only those are resampled; the others are not kept. The
 * reader passes the patches that hold cells, so background is never resampled.
 */
export function cutPatches(fitc: Float32Array, widthPx: number, heightPx: number, pixelSizeUm: number, spec: PatchSpec, wanted?: readonly boolean[]): CutPatches {
  const sizePx = patchSizePx(spec.patchSizeUm, pixelSizeUm);
  const rects = patchGrid(widthPx, heightPx, sizePx);
  const length = spec.inputPx * spec.inputPx;
  const pixels = new Float32Array(rects.length * length);
  const kept = rects.map((rect, i) => {
    if (wanted && !wanted[i]) return false;
    resamplePatch(fitc, widthPx, rect, spec.inputPx, pixels, i * length);
    const keep = meanOf(pixels, i * length, (i + 1) * length) >= spec.backgroundMax;
    normalise(pixels, spec.mean, spec.std, i * length, (i + 1) * length);
    return keep;
  });
  return { rects, pixels, kept, patchSizePx: sizePx };
}
