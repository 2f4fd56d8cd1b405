/**
 * The slide's background and the camera's noise, estimated from the field itself. Background: a
 * low percentile in blocks a few cells wide, lowered to its neighbourhood's median where brighter
 * (a block covered by a confluent patch of cells borrows the glass around it), interpolated bilinearly:
 * a morphological-opening-like estimate at a physical radius that follows vignetting and
 * gradients. Noise: the robust spread of neighbouring-pixel differences, dominated by shot and
 * read noise even where cells are, since cell texture is smoother than one working pixel.
 */
import { histogramQuantile, minMax } from './working-image';

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
  const patch = new Float32Array(block * block);
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      let n = 0;
      for (let y = by * block; y < Math.min(h, (by + 1) * block); y++) for (let x = bx * block; x < Math.min(w, (bx + 1) * block); x++) patch[n++] = values[y * w + x]!;
      levels[by * bw + bx] = histogramQuantile(patch, BACKGROUND_PERCENTILE, min, max, 512, 0, n);
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
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const fy = Math.min(bh - 1, Math.max(0, (y + 0.5) / block - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(bh - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(bw - 1, Math.max(0, (x + 0.5) / block - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(bw - 1, x0 + 1);
      const tx = fx - x0;
      const top = floor[y0 * bw + x0]! * (1 - tx) + floor[y0 * bw + x1]! * tx;
      const bottom = floor[y1 * bw + x0]! * (1 - tx) + floor[y1 * bw + x1]! * tx;
      out[y * w + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

/** Per-pixel noise σ at this resolution: 1.4826·median|Δ|/√2 of horizontal neighbours. */
export function estimateNoise(values: Float32Array, w: number, h: number): number {
  if (w < 2) return 0;
  const diffs = new Float32Array((w - 1) * h);
  let n = 0;
  let hi = 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x + 1 < w; x++) {
      const d = Math.abs(values[row + x + 1]! - values[row + x]!);
      diffs[n++] = d;
      if (d > hi) hi = d;
    }
  }
  return (1.4826 * histogramQuantile(diffs, 0.5, 0, hi, 4096, 0, n)) / Math.SQRT2;
}
