/**
 * Training-time augmentation of patch batches, in place: flips, 90° rotations (square patches),
 * a small intensity gain/offset jitter and an occasional light Gaussian blur. Fluorescence
 * patterns have no preferred orientation, and gain, offset and focus vary between slides, so none
 * of these changes a label. Draws come from the trainer's seeded stream.
 */
import type { Random } from '../../random';

export interface AugmentOptions {
  flips: boolean;
  rotations: boolean;
  /** Gain drawn from 1 ± this. */
  gainJitter: number;
  /** Offset drawn from ± this, in input units (after normalisation). */
  offsetJitter: number;
  /** Probability of a blur; its σ is drawn from [0.3, blurMaxSigmaPx]. */
  blurProbability: number;
  blurMaxSigmaPx: number;
}

export const DEFAULT_AUGMENT: AugmentOptions = { flips: true, rotations: true, gainJitter: 0.1, offsetJitter: 0.05, blurProbability: 0.25, blurMaxSigmaPx: 1 };

/** Augments `count` patches of shape [c, h, w] stored one after another in `batch`. */
export function augmentBatch(batch: Float32Array, count: number, shape: readonly [number, number, number], rng: Random, options: AugmentOptions = DEFAULT_AUGMENT): void {
  const [c, h, w] = shape;
  const plane = h * w;
  const scratch = new Float32Array(plane);
  for (let i = 0; i < count; i++) {
    // Every draw is made whatever the options, so switching one off does not shift the others.
    const flipX = rng.next() < 0.5;
    const flipY = rng.next() < 0.5;
    const quarterTurns = rng.int(0, 3);
    const gain = 1 + rng.uniform(-1, 1) * options.gainJitter;
    const offset = rng.uniform(-1, 1) * options.offsetJitter;
    const blur = rng.next() < options.blurProbability;
    const sigma = rng.uniform(0.3, Math.max(0.3, options.blurMaxSigmaPx));
    for (let ch = 0; ch < c; ch++) {
      const view = batch.subarray((i * c + ch) * plane, (i * c + ch + 1) * plane);
      const turns = options.rotations && h === w ? quarterTurns : 0;
      if ((options.flips && (flipX || flipY)) || turns) orient(view, scratch, h, w, options.flips && flipX, options.flips && flipY, turns);
      if (blur) blurPlane(view, scratch, h, w, sigma);
      for (let j = 0; j < plane; j++) view[j] = view[j]! * gain + offset;
    }
  }
}

/** Flips then rotates by quarter turns (counter-clockwise), through `scratch`. */
export function orient(view: Float32Array, scratch: Float32Array, h: number, w: number, flipX: boolean, flipY: boolean, turns: number): void {
  scratch.set(view);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = flipX ? w - 1 - x : x;
      const sy = flipY ? h - 1 - y : y;
      let tx = x;
      let ty = y;
      // Square planes only reach here with turns > 0.
      for (let t = 0; t < turns; t++) [tx, ty] = [ty, w - 1 - tx];
      view[ty * w + tx] = scratch[sy * w + sx]!;
    }
  }
}

/** Separable Gaussian blur with clamped borders, radius ⌈2σ⌉. */
export function blurPlane(view: Float32Array, scratch: Float32Array, h: number, w: number, sigmaPx: number): void {
  const radius = Math.max(1, Math.ceil(2 * sigmaPx));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += kernel[i + radius] = Math.exp(-(i * i) / (2 * sigmaPx * sigmaPx));
  for (let i = 0; i < kernel.length; i++) kernel[i] = kernel[i]! / sum;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = -radius; i <= radius; i++) acc += kernel[i + radius]! * view[y * w + Math.min(w - 1, Math.max(0, x + i))]!;
      scratch[y * w + x] = acc;
    }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = -radius; i <= radius; i++) acc += kernel[i + radius]! * scratch[Math.min(h - 1, Math.max(0, y + i)) * w + x]!;
      view[y * w + x] = acc;
    }
}
