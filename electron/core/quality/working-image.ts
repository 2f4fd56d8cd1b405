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
  // Each working pixel adds its slide rows' sums into a float32 row buffer, as the first version
  // did (so the planes stay the same to the bit); factor 2, the common case at 0.5 µm/px, unrolled.
  const rowSums = new Float32Array(w);
  const inv = 1 / (factor * factor);
  for (let y = 0; y < h; y++) {
    rowSums.fill(0);
    for (let dy = 0; dy < factor; dy++) {
      const row = (y * factor + dy) * widthPx;
      if (factor === 2) {
        for (let x = 0, start = row; x < w; x++, start += 2) rowSums[x]! += fitc[start]! + fitc[start + 1]!;
        continue;
      }
      for (let x = 0; x < w; x++) {
        let s = 0;
        const start = row + x * factor;
        for (let dx = 0; dx < factor; dx++) s += fitc[start + dx]!;
        rowSums[x]! += s;
      }
    }
    const out = y * w;
    for (let x = 0; x < w; x++) values[out + x] = rowSums[x]! * inv;
  }
  return { values, widthPx: w, heightPx: h, factor, pixelSizeUm: pixelSizeUm * factor };
}

/** 3×3 mean (edges replicate): the local signal the thresholds compare, noise σ/3 of the pixels'. */
export function boxMean3(values: Float32Array, w: number, h: number): Float32Array {
  // Separable: sums of three along each row (in double, as the single 9-term sum was), kept for
  // three rows at a time, then of three rows. Nine float32 values of one image add exactly in
  // double, so the order does not change the result.
  const rows = [new Float64Array(w), new Float64Array(w), new Float64Array(w)] as const;
  const sumRow = (y: number, into: Float64Array) => {
    const row = y * w;
    if (w === 1) {
      into[0] = 3 * values[row]!;
      return;
    }
    into[0] = values[row]! + values[row]! + values[row + 1]!;
    for (let x = 1; x < w - 1; x++) into[x] = values[row + x - 1]! + values[row + x]! + values[row + x + 1]!;
    into[w - 1] = values[row + w - 2]! + values[row + w - 1]! + values[row + w - 1]!;
  };
  const out = new Float32Array(values.length);
  sumRow(0, rows[1]);
  sumRow(Math.min(h - 1, 1), rows[2]);
  for (let y = 0; y < h; y++) {
    // Rows y-1, y, y+1 (edges replicate) sit in rows[(y+k) % 3] for k = 0, 1, 2.
    const above = y === 0 ? rows[1] : rows[y % 3]!;
    const here = rows[(y + 1) % 3]!;
    const below = y === h - 1 ? here : rows[(y + 2) % 3]!;
    const row = y * w;
    for (let x = 0; x < w; x++) out[row + x] = (above[x]! + here[x]! + below[x]!) / 9;
    if (y + 2 < h) sumRow(y + 2, rows[y % 3]!);
  }
  return out;
}

/** The q-quantile (0..1) of `values` via a histogram over [lo, hi] (bins wide enough for the analysis). */
export function histogramQuantile(values: ArrayLike<number>, q: number, lo: number, hi: number, bins = 1024, from = 0, to = values.length, stride = 1): number {
  return histogramQuantiles(values, [q], lo, hi, bins, from, to, stride)[0]!;
}

/** Several quantiles from one histogram: each as histogramQuantile gives it alone. */
export function histogramQuantiles(values: ArrayLike<number>, qs: readonly number[], lo: number, hi: number, bins = 1024, from = 0, to = values.length, stride = 1): number[] {
  if (!(hi > lo)) return qs.map(() => lo);
  const counts = new Uint32Array(bins);
  const scale = bins / (hi - lo);
  const last = bins - 1;
  let n = 0;
  for (let i = from; i < to; i += stride) {
    const b = Math.floor((values[i]! - lo) * scale);
    counts[b < 0 ? 0 : b > last ? last : b]!++;
    n++;
  }
  return qs.map((q) => quantileOfHistogram(counts, n, q, lo, hi));
}

/** The q-quantile of `n` values counted in `counts`, bins of equal width over [lo, hi]: the centre of the bin where it falls. */
export function quantileOfHistogram(counts: Uint32Array, n: number, q: number, lo: number, hi: number): number {
  const scale = counts.length / (hi - lo);
  const target = q * n;
  let acc = 0;
  for (let b = 0; b < counts.length; b++) {
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
