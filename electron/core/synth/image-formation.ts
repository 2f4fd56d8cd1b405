/**
 * Turns the stained cells into what a fluorescence camera records: titer-scaled specific signal
 * plus non-specific staining, slide background with a slow gradient, debris and saturated
 * spots, optical blur (the objective's PSF), an occasional out-of-focus region, vignetting,
 * shot (Poisson) and read noise, and clipping at the camera's full scale.
 */
import type { Random } from '../random';
import { gaussianBlur, NORMAL_TABLE_MASK, normalTableFrom, splatGaussian } from './raster';
import { Random as SeededRandom } from '../random';

/** Electrons at full scale: a 12-bit camera at unit gain is about this deep. */
const FULL_SCALE_ELECTRONS = 4000;

export interface FormationPlan {
  vignetting: { strength: number; centreX: number; centreY: number };
  exposure: number;
  darkOffset: number;
  readNoiseElectrons: number;
  defocus: { centreXPx: number; centreYPx: number; radiusPx: number; sigmaPx: number } | null;
}

export function planFormation(rng: Random, widthPx: number, heightPx: number, pixelSizeUm: number): FormationPlan {
  return {
    vignetting: { strength: rng.uniform(0.08, 0.35), centreX: rng.uniform(0.4, 0.6) * widthPx, centreY: rng.uniform(0.4, 0.6) * heightPx },
    exposure: Math.exp(rng.uniform(Math.log(0.6), Math.log(1.7))),
    darkOffset: rng.uniform(0.005, 0.02),
    readNoiseElectrons: rng.uniform(3, 9),
    defocus: rng.next() < 0.25
      ? {
          centreXPx: rng.uniform(0, widthPx),
          centreYPx: rng.uniform(0, heightPx),
          radiusPx: rng.uniform(0.2, 0.45) * Math.min(widthPx, heightPx),
          sigmaPx: rng.uniform(1.2, 3) / pixelSizeUm,
        }
      : null,
  };
}

/** Adds slide background, a slow gradient, debris and a few saturated spots to `image` in place. */
export function addBackgroundAndDebris(rng: Random, image: Float32Array, widthPx: number, heightPx: number, pixelSizeUm: number): void {
  const level = rng.uniform(0.01, 0.045);
  const gx = rng.uniform(-0.4, 0.4);
  const gy = rng.uniform(-0.4, 0.4);
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    const fy = 1 + gy * (y / heightPx - 0.5);
    for (let x = 0; x < widthPx; x++) image[row + x]! += level * (fy + gx * (x / widthPx - 0.5));
  }
  const umToPx = 1 / pixelSizeUm;
  const debris = rng.next() < 0.6 ? rng.int(1, 5) : 0;
  for (let d = 0; d < debris; d++) {
    const cx = rng.uniform(0, widthPx);
    const cy = rng.uniform(0, heightPx);
    const amp = rng.uniform(0.05, 0.5);
    const parts = rng.int(2, 7);
    for (let p = 0; p < parts; p++) {
      splatGaussian(image, widthPx, heightPx, cx + rng.normal(0, 2) * umToPx, cy + rng.normal(0, 2) * umToPx, rng.uniform(0.5, 2.5) * umToPx, amp * rng.uniform(0.5, 1));
    }
  }
  // Now and then a fluorescent fibre (lint) lies across the field: a thin curved streak.
  if (rng.next() < 0.15) {
    let x = rng.uniform(0, widthPx);
    let y = rng.uniform(0, heightPx);
    let heading = rng.uniform(0, 2 * Math.PI);
    const amp = rng.uniform(0.1, 0.6);
    const steps = Math.round(rng.uniform(40, 200) * umToPx);
    for (let k = 0; k < steps; k++) {
      heading += rng.normal(0, 0.04);
      x += Math.cos(heading);
      y += Math.sin(heading);
      if (k % 2 === 0) splatGaussian(image, widthPx, heightPx, x, y, Math.max(0.6, 0.5 * umToPx), amp);
    }
  }
  // Fluorescent particles bright enough to saturate the camera.
  const saturated = rng.next() < 0.3 ? rng.int(1, 3) : 0;
  for (let s = 0; s < saturated; s++) {
    splatGaussian(image, widthPx, heightPx, rng.uniform(0, widthPx), rng.uniform(0, heightPx), rng.uniform(0.6, 1.5) * umToPx, rng.uniform(4, 8));
  }
}

/** Blur, defocus, vignetting, noise and clipping; returns the camera image in 0..1. */
export function formImage(rng: Random, image: Float32Array, widthPx: number, heightPx: number, pixelSizeUm: number, plan: FormationPlan, signalScale: number): Float32Array {
  // PSF of a 20–40x dry objective at 520 nm: sigma ≈ 0.22 µm, plus a little residual defocus.
  gaussianBlur(image, widthPx, heightPx, Math.max(0.35, (0.22 + rng.uniform(0, 0.12)) / pixelSizeUm));
  if (plan.defocus) applyDefocus(image, widthPx, heightPx, plan.defocus);
  const out = new Float32Array(widthPx * heightPx);
  const normals = normalTableFrom(() => new SeededRandom(0x5eed));
  let state = (rng.int(1, 0x7fffffff) | 1) >>> 0;
  const { strength, centreX, centreY } = plan.vignetting;
  const inv = 1 / ((widthPx / 2) ** 2 + (heightPx / 2) ** 2);
  const electronsPerUnit = FULL_SCALE_ELECTRONS * plan.exposure * signalScale;
  const read2 = plan.readNoiseElectrons ** 2;
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    const dy2 = (y - centreY) ** 2;
    for (let x = 0; x < widthPx; x++) {
      const vig = 1 - strength * ((x - centreX) ** 2 + dy2) * inv;
      const electrons = Math.max(0, image[row + x]! * vig * electronsPerUnit);
      // xorshift32: a cheap reproducible index into the table of standard normals.
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const noisy = electrons + Math.sqrt(electrons + read2) * normals[(state >>> 0) & NORMAL_TABLE_MASK]!;
      const v = noisy / FULL_SCALE_ELECTRONS + plan.darkOffset;
      out[row + x] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return out;
}

function applyDefocus(image: Float32Array, widthPx: number, heightPx: number, defocus: NonNullable<FormationPlan['defocus']>): void {
  const blurred = new Float32Array(image);
  gaussianBlur(blurred, widthPx, heightPx, defocus.sigmaPx);
  const r2 = defocus.radiusPx * defocus.radiusPx;
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    const dy2 = (y - defocus.centreYPx) ** 2;
    for (let x = 0; x < widthPx; x++) {
      const d2 = (x - defocus.centreXPx) ** 2 + dy2;
      const weight = Math.exp(-d2 / r2);
      if (weight < 0.01) continue;
      const i = row + x;
      image[i] = image[i]! * (1 - weight) + blurred[i]! * weight;
    }
  }
}
