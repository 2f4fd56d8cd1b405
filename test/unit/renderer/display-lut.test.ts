import { describe, expect, it } from 'vitest';
import { colourDisplayPixels, displayColourTable, DISPLAY_LUTS, NEUTRAL_ADJUSTMENTS } from '../../../electron/contract';

/** One RGBA pixel of a grey rendition at `level`. */
const px = (level: number) => new Uint8ClampedArray([level, level, level, 200]);

describe('display look-up tables', () => {
  it('shows FITC in green on black, grey as grey, inverted as dark on white', () => {
    const colour = (lut: (typeof DISPLAY_LUTS)[number], level: number) => {
      const p = px(level);
      colourDisplayPixels(p, lut, NEUTRAL_ADJUSTMENTS);
      return Array.from(p);
    };
    expect(colour('fitc-green', 180)).toEqual([0, 180, 0, 200]);
    expect(colour('grey', 180)).toEqual([180, 180, 180, 200]);
    expect(colour('inverted', 180)).toEqual([75, 75, 75, 200]);
  });

  it('applies brightness/contrast/gamma before the look-up table, the same for every table', () => {
    const adjustments = { brightness: 0, contrast: 1, gamma: 2 };
    const green = displayColourTable('fitc-green', adjustments);
    const grey = displayColourTable('grey', adjustments);
    expect(green[64 * 3 + 1]).toBe(Math.round(Math.sqrt(64 / 255) * 255));
    expect(green[64 * 3 + 1]).toBe(grey[64 * 3]);
  });

  it('adds DAPI in blue (blue ink on the inverted table)', () => {
    const green = px(100);
    colourDisplayPixels(green, 'fitc-green', NEUTRAL_ADJUSTMENTS, px(150));
    expect(Array.from(green)).toEqual([0, 100, 150, 200]);
    const inverted = px(0);
    colourDisplayPixels(inverted, 'inverted', NEUTRAL_ADJUSTMENTS, px(200));
    expect(Array.from(inverted)).toEqual([55, 55, 255, 200]);
  });
});
