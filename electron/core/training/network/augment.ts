/**
 * Training-time augmentation of patch batches, in place: flips, 90° rotations (square patches),
 * a small intensity gain/offset jitter and an occasional light Gaussian blur. Fluorescence
 * patterns have no preferred orientation, and gain, offset and focus vary between slides, so none
 * of these changes a label. Draws come from the trainer's seeded stream.
 *
 * `style` adds what varies between microscopes (docs/styles.md's facets) for a model meant to
 * read labs it never saw: scale (pixel size known to ±20 %), a tone curve (gamma), shot and read
 * noise, and JPEG-like 8×8 blockiness; STYLE_AUGMENT also widens gain, offset and blur.
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
  /** Microscope-to-microscope variation; absent: none (and no draws for it). */
  style?: StyleAugmentOptions;
}

export interface StyleAugmentOptions {
  /** Zoom about the patch centre by a factor drawn from 1 ± this (bilinear, clamped borders). */
  scaleJitter: number;
  /** Tone curve u^γ on the patch's own [min, max] range, with ln γ drawn from ± this. */
  logGammaJitter: number;
  /** Gaussian read noise, sd drawn from [0, this] in input units. */
  readNoiseMax: number;
  /** Shot noise, sd = k·sqrt(u·range) with k drawn from [0, this] (u: the value on the patch's [0, 1] range). */
  shotNoiseMax: number;
  /** Probability of JPEG-like blockiness: each pixel mixed with its 8×8 block's mean by a weight drawn from [0, 0.5]. */
  blockProbability: number;
}

export const DEFAULT_AUGMENT: AugmentOptions = { flips: true, rotations: true, gainJitter: 0.1, offsetJitter: 0.05, blurProbability: 0.25, blurMaxSigmaPx: 1 };

/** For training across microscopes (the default model's recipe): DEFAULT_AUGMENT widened, plus `style`. */
export const STYLE_AUGMENT: AugmentOptions = {
  flips: true,
  rotations: true,
  gainJitter: 0.4,
  offsetJitter: 0.3,
  blurProbability: 0.4,
  blurMaxSigmaPx: 2,
  style: { scaleJitter: 0.2, logGammaJitter: 0.4, readNoiseMax: 0.1, shotNoiseMax: 0.15, blockProbability: 0.2 },
};

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
    const style = options.style ? drawStyle(options.style, rng) : null;
    for (let ch = 0; ch < c; ch++) {
      const view = batch.subarray((i * c + ch) * plane, (i * c + ch + 1) * plane);
      const turns = options.rotations && h === w ? quarterTurns : 0;
      if ((options.flips && (flipX || flipY)) || turns) orient(view, scratch, h, w, options.flips && flipX, options.flips && flipY, turns);
      if (style && style.zoom !== 1) zoomPlane(view, scratch, h, w, style.zoom);
      if (blur) blurPlane(view, scratch, h, w, sigma);
      if (style) applyStyle(view, scratch, h, w, style, rng);
      for (let j = 0; j < plane; j++) view[j] = view[j]! * gain + offset;
    }
  }
}

interface StyleDraw {
  zoom: number;
  gamma: number;
  readSd: number;
  shotK: number;
  /** 0: no blockiness. */
  blockMix: number;
}

function drawStyle(o: StyleAugmentOptions, rng: Random): StyleDraw {
  const zoom = 1 + rng.uniform(-1, 1) * o.scaleJitter;
  const gamma = Math.exp(rng.uniform(-1, 1) * o.logGammaJitter);
  const readSd = rng.uniform(0, o.readNoiseMax);
  const shotK = rng.uniform(0, o.shotNoiseMax);
  const block = rng.next() < o.blockProbability;
  const blockMix = rng.uniform(0, 0.5);
  return { zoom, gamma, readSd, shotK, blockMix: block ? blockMix : 0 };
}

/** Tone curve, noise and blockiness on the patch's own range, so they act alike whatever its gain and offset. */
function applyStyle(view: Float32Array, scratch: Float32Array, h: number, w: number, s: StyleDraw, rng: Random): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of view) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo;
  if (!(range > 1e-6)) return;
  for (let j = 0; j < view.length; j++) {
    const u = Math.pow((view[j]! - lo) / range, s.gamma);
    const sd = Math.sqrt(s.readSd * s.readSd + s.shotK * s.shotK * u * range);
    view[j] = lo + u * range + (sd > 0 ? rng.normal(0, sd) : 0);
  }
  if (s.blockMix > 0) blockPlane(view, scratch, h, w, s.blockMix);
}

/** Each pixel mixed with the mean of its 8×8 block (what coarse JPEG quantisation leaves). */
export function blockPlane(view: Float32Array, scratch: Float32Array, h: number, w: number, mix: number): void {
  for (let by = 0; by < h; by += 8)
    for (let bx = 0; bx < w; bx += 8) {
      let sum = 0;
      let n = 0;
      for (let y = by; y < Math.min(h, by + 8); y++) for (let x = bx; x < Math.min(w, bx + 8); x++, n++) sum += view[y * w + x]!;
      const mean = sum / n;
      for (let y = by; y < Math.min(h, by + 8); y++) for (let x = bx; x < Math.min(w, bx + 8); x++) scratch[y * w + x] = mean;
    }
  for (let j = 0; j < h * w; j++) view[j] = (1 - mix) * view[j]! + mix * scratch[j]!;
}

/** Zoom by `factor` about the centre (>1 magnifies), bilinear, borders clamped. */
export function zoomPlane(view: Float32Array, scratch: Float32Array, h: number, w: number, factor: number): void {
  scratch.set(view);
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  for (let y = 0; y < h; y++) {
    const sy = Math.min(h - 1, Math.max(0, cy + (y - cy) / factor));
    const y0 = Math.min(h - 2, Math.floor(sy));
    const fy = sy - y0;
    for (let x = 0; x < w; x++) {
      const sx = Math.min(w - 1, Math.max(0, cx + (x - cx) / factor));
      const x0 = Math.min(w - 2, Math.floor(sx));
      const fx = sx - x0;
      const top = scratch[y0 * w + x0]! * (1 - fx) + scratch[y0 * w + x0 + 1]! * fx;
      const bottom = scratch[(y0 + 1) * w + x0]! * (1 - fx) + scratch[(y0 + 1) * w + x0 + 1]! * fx;
      view[y * w + x] = top * (1 - fy) + bottom * fy;
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
