/**
 * Small raster helpers for the generator: separable blurs on Float32 images, tileable noise
 * textures and Gaussian splats. Kept allocation-light because a 2048×1536 field must render in
 * well under a second on one core.
 */
import type { Random } from '../random';

/** Gaussian blur in place (edges clamped). Small sigmas use an exact kernel, large ones 3 box passes. */
export function gaussianBlur(image: Float32Array, widthPx: number, heightPx: number, sigmaPx: number): void {
  if (sigmaPx < 0.2) return;
  if (sigmaPx <= 2.5) {
    const kernel = gaussianKernel(sigmaPx);
    convolveRows(image, widthPx, heightPx, kernel);
    convolveColumns(image, widthPx, heightPx, kernel);
    return;
  }
  // Three box passes of width w approximate a Gaussian with variance 3·(w²−1)/12.
  const boxRadius = Math.max(1, Math.round((Math.sqrt(4 * sigmaPx * sigmaPx + 1) - 1) / 2));
  for (let pass = 0; pass < 3; pass++) {
    boxRows(image, widthPx, heightPx, boxRadius);
    boxColumns(image, widthPx, heightPx, boxRadius);
  }
}

export function gaussianKernel(sigmaPx: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigmaPx));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += kernel[i + radius] = Math.exp(-(i * i) / (2 * sigmaPx * sigmaPx));
  for (let i = 0; i < kernel.length; i++) kernel[i]! /= sum;
  return kernel;
}

function convolveRows(image: Float32Array, w: number, h: number, kernel: Float32Array): void {
  const r = (kernel.length - 1) >> 1;
  const line = new Float32Array(w + 2 * r);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) line[x + r] = image[row + x]!;
    for (let i = 0; i < r; i++) {
      line[i] = image[row]!;
      line[w + r + i] = image[row + w - 1]!;
    }
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let k = 0; k < kernel.length; k++) acc += kernel[k]! * line[x + k]!;
      image[row + x] = acc;
    }
  }
}

function convolveColumns(image: Float32Array, w: number, h: number, kernel: Float32Array): void {
  const r = (kernel.length - 1) >> 1;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let k = 0; k < kernel.length; k++) {
      const sy = Math.min(h - 1, Math.max(0, y + k - r));
      const weight = kernel[k]!;
      const src = sy * w;
      for (let x = 0; x < w; x++) out[row + x]! += weight * image[src + x]!;
    }
  }
  image.set(out);
}

function boxRows(image: Float32Array, w: number, h: number, r: number): void {
  const line = new Float32Array(w);
  const norm = 1 / (2 * r + 1);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let acc = 0;
    for (let k = -r; k <= r; k++) acc += image[row + Math.min(w - 1, Math.max(0, k))]!;
    for (let x = 0; x < w; x++) {
      line[x] = acc * norm;
      acc += image[row + Math.min(w - 1, x + r + 1)]! - image[row + Math.max(0, x - r)]!;
    }
    image.set(line, row);
  }
}

function boxColumns(image: Float32Array, w: number, h: number, r: number): void {
  const out = new Float32Array(w * h);
  const acc = new Float32Array(w);
  const norm = 1 / (2 * r + 1);
  for (let k = -r; k <= r; k++) {
    const src = Math.min(h - 1, Math.max(0, k)) * w;
    for (let x = 0; x < w; x++) acc[x]! += image[src + x]!;
  }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const add = Math.min(h - 1, y + r + 1) * w;
    const sub = Math.max(0, y - r) * w;
    for (let x = 0; x < w; x++) {
      out[row + x] = acc[x]! * norm;
      acc[x]! += image[add + x]! - image[sub + x]!;
    }
  }
  image.set(out);
}

/** Side of the square tileable textures; a power of two so wrapping is a mask. */
export const TEXTURE_SIZE = 256;
export const TEXTURE_MASK = TEXTURE_SIZE - 1;

/**
 * Tileable band-limited noise: white noise blurred with wrap-around, scaled to zero mean and unit
 * standard deviation. Cells sample it at their own random offset, so one tile serves a field.
 */
export function tileableNoise(rng: Random, sigmaPx: number): Float32Array {
  const n = TEXTURE_SIZE;
  let tex = new Float32Array(n * n);
  for (let i = 0; i < tex.length; i++) tex[i] = rng.next() - 0.5;
  const kernel = gaussianKernel(Math.max(0.3, sigmaPx));
  const r = (kernel.length - 1) >> 1;
  const tmp = new Float32Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let acc = 0;
      for (let k = 0; k < kernel.length; k++) acc += kernel[k]! * tex[y * n + ((x + k - r) & TEXTURE_MASK)]!;
      tmp[y * n + x] = acc;
    }
  }
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let acc = 0;
      for (let k = 0; k < kernel.length; k++) acc += kernel[k]! * tmp[((y + k - r) & TEXTURE_MASK) * n + x]!;
      tex[y * n + x] = acc;
    }
  }
  let mean = 0;
  for (let i = 0; i < tex.length; i++) mean += tex[i]!;
  mean /= tex.length;
  let variance = 0;
  for (let i = 0; i < tex.length; i++) variance += (tex[i]! - mean) ** 2;
  const scale = 1 / Math.sqrt(variance / tex.length || 1);
  for (let i = 0; i < tex.length; i++) tex[i] = (tex[i]! - mean) * scale;
  return tex;
}

/** Maps a texture through f (e.g. thresholding noise into granules). */
export function mapTexture(tex: Float32Array, f: (v: number) => number): Float32Array {
  const out = new Float32Array(tex.length);
  for (let i = 0; i < tex.length; i++) out[i] = f(tex[i]!);
  return out;
}

/** Adds amplitude·exp(−d²/2σ²) around (xPx, yPx), within 3σ. */
export function splatGaussian(image: Float32Array, widthPx: number, heightPx: number, xPx: number, yPx: number, sigmaPx: number, amplitude: number): void {
  const r = Math.ceil(3 * sigmaPx);
  const x0 = Math.max(0, Math.floor(xPx - r));
  const x1 = Math.min(widthPx - 1, Math.ceil(xPx + r));
  const y0 = Math.max(0, Math.floor(yPx - r));
  const y1 = Math.min(heightPx - 1, Math.ceil(yPx + r));
  const inv = 1 / (2 * sigmaPx * sigmaPx);
  for (let y = y0; y <= y1; y++) {
    const dy2 = (y + 0.5 - yPx) ** 2;
    const row = y * widthPx;
    for (let x = x0; x <= x1; x++) {
      const d2 = (x + 0.5 - xPx) ** 2 + dy2;
      image[row + x]! += amplitude * Math.exp(-d2 * inv);
    }
  }
}

/** A fixed table of standard normals so per-pixel noise costs a lookup, not a Box–Muller. */
const NORMAL_TABLE_SIZE = 1 << 16;
let normalTable: Float32Array | null = null;
export function normalTableFrom(rng: () => Random): Float32Array {
  if (!normalTable) {
    const r = rng();
    normalTable = new Float32Array(NORMAL_TABLE_SIZE);
    for (let i = 0; i < NORMAL_TABLE_SIZE; i++) normalTable[i] = r.normal();
  }
  return normalTable;
}
export const NORMAL_TABLE_MASK = NORMAL_TABLE_SIZE - 1;
