/**
 * The slide's background and the camera's noise, estimated from the field itself. Background: a
 * low percentile in blocks a few cells wide, lowered to its neighbourhood's median where brighter
 * (a block covered by a confluent patch of cells borrows the glass around it), interpolated bilinearly:
 * a morphological-opening-like estimate at a physical radius that follows vignetting and
 * gradients. Noise: the robust spread of neighbouring-pixel differences, dominated by shot and
 * read noise even where cells are, since cell texture is smoother than one working pixel.
 */
import { minMax, quantileOfHistogram } from './working-image';

/** Side of a background block, in micrometres (about two cells). */
export const BACKGROUND_BLOCK_UM = 48;
/** Percentile of a block taken as its background. */
export const BACKGROUND_PERCENTILE = 0.1;

export function estimateBackground(values: Float32Array, w: number, h: number, pixelSizeUm: number): Float32Array {
  const block = Math.max(4, Math.round(BACKGROUND_BLOCK_UM / pixelSizeUm));
  const bw = Math.max(1, Math.ceil(w / block));
  const bh = Math.max(1, Math.ceil(h / block));
  const { min, max } = minMax(values);
  const levels = new Float32Array(bw * bh);
  // Each block's histogram straight from the image, into one reused array of counts.
  const bins = 512;
  const counts = new Uint32Array(bins);
  const scale = bins / (max - min);
  for (let by = 0; by < bh; by++) {
    const yEnd = Math.min(h, (by + 1) * block);
    for (let bx = 0; bx < bw; bx++) {
      const xStart = bx * block;
      const xEnd = Math.min(w, (bx + 1) * block);
      if (!(max > min)) {
        levels[by * bw + bx] = min;
        continue;
      }
      counts.fill(0);
      for (let y = by * block; y < yEnd; y++) {
        for (let i = y * w + xStart, end = y * w + xEnd; i < end; i++) {
          const b = Math.floor((values[i]! - min) * scale);
          counts[b < 0 ? 0 : b >= bins ? bins - 1 : b]!++;
        }
      }
      levels[by * bw + bx] = quantileOfHistogram(counts, (yEnd - by * block) * (xEnd - xStart), BACKGROUND_PERCENTILE, min, max);
    }
  }
  const floor = new Float32Array(bw * bh);
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      const around: number[] = [];
      for (let y = Math.max(0, by - 1); y <= Math.min(bh - 1, by + 1); y++) for (let x = Math.max(0, bx - 1); x <= Math.min(bw - 1, bx + 1); x++) around.push(levels[y * bw + x]!);
      around.sort((a, b) => a - b);
      // A block covered by cells reads brighter than its neighbourhood: take the neighbourhood's median
      // then. Not the minimum: under vignetting that would sit below the glass on one side of every slope.
      floor[by * bw + bx] = Math.min(levels[by * bw + bx]!, around[around.length >> 1]!);
    }
  }
  // Bilinear between block centres; the column weights are the same for every row, so worked out once.
  const col0 = new Int32Array(w);
  const col1 = new Int32Array(w);
  const colT = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    const fx = Math.min(bw - 1, Math.max(0, (x + 0.5) / block - 0.5));
    col0[x] = Math.floor(fx);
    col1[x] = Math.min(bw - 1, col0[x]! + 1);
    colT[x] = fx - col0[x]!;
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const fy = Math.min(bh - 1, Math.max(0, (y + 0.5) / block - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(bh - 1, y0 + 1);
    const ty = fy - y0;
    const r0 = y0 * bw;
    const r1 = y1 * bw;
    for (let x = 0, i = y * w; x < w; x++, i++) {
      const x0 = col0[x]!;
      const x1 = col1[x]!;
      const tx = colT[x]!;
      const top = floor[r0 + x0]! * (1 - tx) + floor[r0 + x1]! * tx;
      const bottom = floor[r1 + x0]! * (1 - tx) + floor[r1 + x1]! * tx;
      out[i] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

/** Per-pixel noise σ at this resolution: 1.4826·median|Δ|/√2 of horizontal neighbours. */
export function estimateNoise(values: Float32Array, w: number, h: number): number {
  if (w < 2) return 0;
  // Two passes over the image (the largest step, then the histogram) instead of a stored copy of every step.
  // The histogram counts each step rounded to float32, as the stored copy held it; its top is the largest step unrounded.
  let hi = 0;
  for (let y = 0; y < h; y++) {
    for (let i = y * w, end = i + w - 1; i < end; i++) {
      const d = Math.abs(values[i + 1]! - values[i]!);
      if (d > hi) hi = d;
    }
  }
  const n = (w - 1) * h;
  if (!(hi > 0)) return 0;
  const bins = 4096;
  const counts = new Uint32Array(bins);
  const scale = bins / hi;
  for (let y = 0; y < h; y++) {
    for (let i = y * w, end = i + w - 1; i < end; i++) {
      const b = Math.floor(Math.fround(Math.abs(values[i + 1]! - values[i]!)) * scale);
      counts[b < bins ? b : bins - 1]!++;
    }
  }
  const median = quantileOfHistogram(counts, n, 0.5, 0, hi);
  return (1.4826 * median) / Math.SQRT2;
}
