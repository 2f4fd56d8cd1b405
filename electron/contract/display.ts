/**
 * Display adjustments for dark fluorescence fields: brightness, contrast and gamma as one 256-entry
 * lookup table applied to every channel. Order: gamma on the normalised value, then contrast around
 * mid-grey, then brightness as an offset — so gamma lifts dim signal before contrast stretches it.
 * Display only: the stored image and the model's input never change.
 */
export interface ImageAdjustments {
  /** additive, -1..1 of full scale */
  brightness: number;
  /** multiplicative around 0.5, 0.1..5 */
  contrast: number;
  /** exponent applied as v^(1/gamma), 0.2..5; > 1 brightens dark values */
  gamma: number;
}

export const NEUTRAL_ADJUSTMENTS: ImageAdjustments = { brightness: 0, contrast: 1, gamma: 1 };

export function isNeutral(a: ImageAdjustments): boolean {
  return a.brightness === 0 && a.contrast === 1 && a.gamma === 1;
}

export function adjustmentLut(a: ImageAdjustments): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(256);
  const invGamma = 1 / Math.max(0.01, a.gamma);
  for (let v = 0; v < 256; v++) {
    const g = Math.pow(v / 255, invGamma);
    const c = (g - 0.5) * a.contrast + 0.5 + a.brightness;
    lut[v] = Math.round(c * 255);
  }
  return lut;
}

/** Applies the table to RGBA pixels in place (alpha untouched). */
export function applyLut(rgba: Uint8ClampedArray, lut: Uint8ClampedArray): void {
  for (let i = 0; i < rgba.length; i += 4) {
    rgba[i] = lut[rgba[i]!]!;
    rgba[i + 1] = lut[rgba[i + 1]!]!;
    rgba[i + 2] = lut[rgba[i + 2]!]!;
  }
}
