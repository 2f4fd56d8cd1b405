import { describe, expect, it } from 'vitest';
import { confidenceColor, VIRIDIS_STOPS } from '../../../renderer/src/lib/utils/colormap';
import { heatmapCellPx, heatmapPixels, topPatches } from '../../../renderer/src/lib/utils/heatmap';
import { adjustmentLut, colourDisplayPixels, NEUTRAL_ADJUSTMENTS } from '../../../electron/contract';
import { isUncertain } from '../../../electron/contract';
import { formatEta, icapCode } from '../../../renderer/src/lib/utils/labels';
import type { PatchEntry } from '../../../electron/contract';

describe('confidence colours', () => {
  it('ends at the first and last viridis stops and clamps outside [0, 1]', () => {
    expect(confidenceColor(0)).toEqual(VIRIDIS_STOPS[0]);
    expect(confidenceColor(1)).toEqual(VIRIDIS_STOPS[8]);
    expect(confidenceColor(-3)).toEqual(VIRIDIS_STOPS[0]);
    expect(confidenceColor(7)).toEqual(VIRIDIS_STOPS[8]);
    expect(confidenceColor(Number.NaN)).toEqual(VIRIDIS_STOPS[0]);
  });

  it('interpolates between stops', () => {
    expect(confidenceColor(1 / 16)).toEqual([70, 23, 103]);
  });
});

describe('heatmap pixels', () => {
  const patches: PatchEntry[] = [[0, 0, 4, 4, 0], [4, 0, 4, 4, 1], [0, 4, 4, 4, 0], [4, 4, 4, 4, 0]];
  // 2 labels; patch-major.
  const scores = [0, 1, 0.5, 0.5, 1, 0, 0.25, 0.75];

  it('paints each kept patch with its score colour, alpha = probability, skipped patches transparent', () => {
    const h = heatmapPixels({ widthPx: 8, heightPx: 8 }, patches, scores, 2, 0, 2);
    expect([h.width, h.height]).toEqual([4, 4]);
    const px = (x: number, y: number) => Array.from(h.data.slice((y * 4 + x) * 4, (y * 4 + x) * 4 + 4));
    expect(px(0, 0)).toEqual([...confidenceColor(0), 0]);
    expect(px(3, 0)).toEqual([0, 0, 0, 0]);
    expect(px(1, 3)).toEqual([...confidenceColor(1), 255]);
    expect(px(3, 3)).toEqual([...confidenceColor(0.25), 64]);
  });

  it('picks the label column', () => {
    const h = heatmapPixels({ widthPx: 8, heightPx: 8 }, patches, scores, 2, 1, 4);
    expect(Array.from(h.data.slice(0, 4))).toEqual([...confidenceColor(1), 255]);
  });

  it('chooses about eight heatmap pixels per patch', () => {
    expect(heatmapCellPx([[0, 0, 224, 224, 0]])).toBe(28);
    expect(heatmapCellPx([])).toBe(1);
  });

  it('ranks the top patches of a label, skipping background', () => {
    expect(topPatches(patches, scores, 2, 1, 2)).toEqual([
      { patchIndex: 0, score: 1 },
      { patchIndex: 3, score: 0.75 },
    ]);
  });
});

describe('brightness, contrast, gamma', () => {
  it('is the identity when neutral', () => {
    const lut = adjustmentLut(NEUTRAL_ADJUSTMENTS);
    for (let v = 0; v < 256; v++) expect(lut[v]).toBe(v);
  });

  it('gamma above 1 lifts dim values, keeps black and white', () => {
    const lut = adjustmentLut({ brightness: 0, contrast: 1, gamma: 2 });
    expect(lut[0]).toBe(0);
    expect(lut[255]).toBe(255);
    expect(lut[64]).toBe(Math.round(Math.sqrt(64 / 255) * 255));
  });

  it('contrast stretches around mid-grey, brightness shifts, results clamp', () => {
    const lut = adjustmentLut({ brightness: 0.1, contrast: 2, gamma: 1 });
    expect(lut[128]).toBe(Math.round(((128 / 255 - 0.5) * 2 + 0.6) * 255));
    expect(lut[250]).toBe(255);
    expect(lut[10]).toBe(0);
    const rgba = new Uint8ClampedArray([128, 128, 128, 77]);
    colourDisplayPixels(rgba, 'grey', { brightness: 0.1, contrast: 2, gamma: 1 });
    expect(Array.from(rgba)).toEqual([lut[128], lut[128], lut[128], 77]);
  });
});

describe('label display', () => {
  it('writes ICAP codes compactly', () => {
    expect(icapCode('nucleolar')).toBe('AC-8/9/10');
    expect(icapCode('homogeneous')).toBe('AC-1');
    expect(icapCode('unknown_key')).toBe('unknown_key');
  });

  it('flags probabilities near their threshold as uncertain', () => {
    expect(isUncertain([{ key: 'golgi', probability: 0.6 }])).toBe(true);
    expect(isUncertain([{ key: 'golgi', probability: 0.9 }, { key: 'speckled', probability: 0.1 }])).toBe(false);
    expect(isUncertain([{ key: 'golgi', probability: 0.9 }], { golgi: 0.8 })).toBe(true);
  });

  it('formats the reading ETA', () => {
    expect(formatEta(null)).toBe('estimating…');
    expect(formatEta(42_400)).toBe('42 s left');
    expect(formatEta(125_000)).toBe('2 min 5 s left');
  });
});
