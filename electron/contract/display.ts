/**
 * How a field is shown on screen and in the report: the display rendition (8-bit grey, already
 * contrast-stretched by core/slides/rendition.ts) goes through one colour table made of the
 * reader's adjustments (brightness, contrast, gamma) and a look-up table (LUT):
 * - `fitc-green` (default): the FITC signal in green on black, as at the eyepiece and in
 *   commercial readers; weak staining looks as readers learned to judge it.
 * - `grey`: the signal as grey levels (the look before issue 20).
 * - `inverted`: dark signal on white, for readers who find faint structure easier to see that way.
 * A DAPI counterstain page, when the file has one, is added in blue. Pure arithmetic shared by
 * the renderer's viewer and evidence crops and the core's PDF thumbnail, so all three match.
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

/**
 * The adjustments as a 256-entry table. Order: gamma on the normalised value, then contrast
 * around mid-grey, then brightness as an offset — so gamma lifts dim signal before contrast
 * stretches it.
 */
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

export const DISPLAY_LUTS = ['fitc-green', 'grey', 'inverted'] as const;
export type DisplayLut = (typeof DISPLAY_LUTS)[number];
export const DEFAULT_DISPLAY_LUT: DisplayLut = 'fitc-green';

export const DISPLAY_LUT_NAMES: Readonly<Record<DisplayLut, string>> = { 'fitc-green': 'FITC green', grey: 'Grey', inverted: 'Inverted' };

/** The colour of each adjusted signal level under a LUT, as 256 × [r, g, b]. */
export function displayColourTable(lut: DisplayLut, adjustments: ImageAdjustments = NEUTRAL_ADJUSTMENTS): Uint8ClampedArray {
  const levels = adjustmentLut(adjustments);
  const table = new Uint8ClampedArray(256 * 3);
  for (let v = 0; v < 256; v++) {
    const a = levels[v]!;
    const [r, g, b] = lut === 'fitc-green' ? [0, a, 0] : lut === 'grey' ? [a, a, a] : [255 - a, 255 - a, 255 - a];
    table[v * 3] = r;
    table[v * 3 + 1] = g;
    table[v * 3 + 2] = b;
  }
  return table;
}

/**
 * Colours grey display pixels in place: RGBA whose red channel holds the rendition's level (the
 * grey PNG as the browser decodes it). With `dapiRgba` (the DAPI rendition, same size, same
 * adjustments) the counterstain is added in blue: raised blue on the black LUTs, lowered red and
 * green (blue ink on white) on the inverted one.
 */
export function colourDisplayPixels(rgba: Uint8ClampedArray, lut: DisplayLut, adjustments: ImageAdjustments, dapiRgba: Uint8ClampedArray | null = null): void {
  const table = displayColourTable(lut, adjustments);
  const dapiLevels = adjustmentLut(adjustments);
  for (let i = 0; i < rgba.length; i += 4) {
    const t = rgba[i]! * 3;
    let r = table[t]!;
    let g = table[t + 1]!;
    let b = table[t + 2]!;
    if (dapiRgba) {
      const d = dapiLevels[dapiRgba[i]!]!;
      if (lut === 'inverted') {
        r = Math.min(r, 255 - d);
        g = Math.min(g, 255 - d);
      } else {
        b = Math.max(b, d);
      }
    }
    rgba[i] = r;
    rgba[i + 1] = g;
    rgba[i + 2] = b;
  }
}
