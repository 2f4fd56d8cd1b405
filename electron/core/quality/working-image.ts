/**
 * The field at the analysis's working resolution (about 1 µm per pixel): nuclei are 10–20 working
 * pixels wide whatever the objective, so every size below is a fixed number of micrometres and the
 * analysis costs the same on a 20x and a 63x field. Box (area-average) downsampling by a whole
 * factor keeps the signal's mean and lowers the noise, which the thresholds rely on.
 */

/** Working pixel size aimed at, in micrometres. */
export const WORKING_PIXEL_SIZE_UM = 1;

export interface WorkingImage {
  values: Float32Array;
  widthPx: number;
  heightPx: number;
  /** Slide pixels per working pixel (a whole number ≥ 1). */
  factor: number;
  /** Micrometres per working pixel. */
  pixelSizeUm: number;
}

export function toWorkingImage(fitc: Float32Array, widthPx: number, heightPx: number, pixelSizeUm: number): WorkingImage {
  const factor = Math.max(1, Math.round(WORKING_PIXEL_SIZE_UM / pixelSizeUm));
  const w = Math.max(1, Math.floor(widthPx / factor));
  const h = Math.max(1, Math.floor(heightPx / factor));
  // A view, not a copy: at factor 1 it is the whole plane, and nothing downstream writes to it.
  if (factor === 1) return { values: fitc.subarray(0, w * h), widthPx: w, heightPx: h, factor, pixelSizeUm };
  const values = new Float32Array(w * h);
  const rowSums = new Float32Array(w);
  const inv = 1 / (factor * factor);
  for (let y = 0; y < h; y++) {
    rowSums.fill(0);
    for (let dy = 0; dy < factor; dy++) {
      const row = (y * factor + dy) * widthPx;
      for (let x = 0; x < w; x++) {
        let s = 0;
        const start = row + x * factor;
        for (let dx = 0; dx < factor; dx++) s += fitc[start + dx]!;
        rowSums[x]! += s;
      }
    }
    for (let x = 0; x < w; x++) values[y * w + x] = rowSums[x]! * inv;
  }
  return { values, widthPx: w, heightPx: h, factor, pixelSizeUm: pixelSizeUm * factor };
}

/** 3×3 mean (edges replicate): the local signal the thresholds compare, noise σ/3 of the pixels'. */
export function boxMean3(values: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - 1) * w;
    const y1 = y * w;
    const y2 = Math.min(h - 1, y + 1) * w;
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - 1);
      const x2 = Math.min(w - 1, x + 1);
      out[y1 + x] =
        (values[y0 + x0]! + values[y0 + x]! + values[y0 + x2]! + values[y1 + x0]! + values[y1 + x]! + values[y1 + x2]! + values[y2 + x0]! + values[y2 + x]! + values[y2 + x2]!) / 9;
    }
  }
  return out;
}

/** The q-quantile (0..1) of `values` via a histogram over [lo, hi] (bins wide enough for the analysis). */
export function histogramQuantile(values: ArrayLike<number>, q: number, lo: number, hi: number, bins = 1024, from = 0, to = values.length, stride = 1): number {
  if (!(hi > lo)) return lo;
  const counts = new Uint32Array(bins);
  const scale = bins / (hi - lo);
  let n = 0;
  for (let i = from; i < to; i += stride) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor((values[i]! - lo) * scale)));
    counts[b]!++;
    n++;
  }
  const target = q * n;
  let acc = 0;
  for (let b = 0; b < bins; b++) {
    acc += counts[b]!;
    if (acc >= target) return lo + (b + 0.5) / scale;
  }
  return hi;
}

export function minMax(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
