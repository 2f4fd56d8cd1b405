/**
 * Golden images of the viewer's rendering, compared pixel for pixel with committed PNGs:
 * - the fill-mode heatmap of a 640×480 field cut into 224-px patches (shifted last row and column,
 *   one background patch) with scores spanning 0..1, so the colour scale, the patch placement, the
 *   overlap rule and transparency of skipped patches are all pinned;
 * - outline mode on the same field: the contour of the patches at or above the threshold, and,
 *   with segmented cells, the outlines of the cells whose patch reaches it (mitoses dashed), each
 *   in its score's colour (rasterised as 1-px lines at a quarter of the slide's size);
 * - the display look-up tables: FITC green (the default), grey, inverted, green with
 *   brightness/contrast/gamma, and green with a DAPI ramp in blue, over a 0..255 ramp.
 * Run with UPDATE_GOLDEN=1 after a deliberate change, then look at the PNGs.
 */
import { expect, it } from 'vitest';
import { join } from 'node:path';
import { heatmapPixels } from '../../../renderer/src/lib/utils/heatmap';
import { outlineStrokes } from '../../../renderer/src/lib/utils/overlay-outlines';
import { confidenceColor } from '../../../renderer/src/lib/utils/colormap';
import { colourDisplayPixels, NEUTRAL_ADJUSTMENTS, type CellOutline, type DisplayLut, type ImageAdjustments, type PatchEntry } from '../../../electron/contract';
import { compareWithGolden, rasteriseStrokes } from '../../fixtures/golden-image';

const golden = (name: string) => join(import.meta.dirname, 'golden', name);

const starts = (length: number) => [0, 224, length - 224];
const patches: PatchEntry[] = [];
for (const y of starts(480)) for (const x of starts(640)) patches.push([x, y, 224, 224, x === 224 && y === 224 ? 1 : 0]);
const labels = 2;
const scores = patches.flatMap((_, i) => [i / (patches.length - 1), 1 - i / (patches.length - 1)]);

it('renders the confidence heatmap (fill mode) exactly as the golden image', async () => {
  const heat = heatmapPixels({ widthPx: 640, heightPx: 480 }, patches, scores, labels, 0, 8);
  expect([heat.width, heat.height]).toEqual([80, 60]);
  const result = await compareWithGolden(golden('overlay-heatmap-80x60.png'), heat.data, heat.width, heat.height);
  expect(result.differentPixels).toBe(0);
});

/** Outline strokes at a quarter of the slide's size, coloured as the viewer colours them. */
function outlinePixels(cells: CellOutline[], labelIndex: number, threshold: number): Uint8ClampedArray {
  const strokes = outlineStrokes({ slide: { widthPx: 640, heightPx: 480 }, patches, scores, labelCount: labels, labelIndex, threshold, cells });
  return rasteriseStrokes(
    strokes.map((s) => ({ points: s.points.map((v) => v / 4), closed: s.closed, rgb: confidenceColor(s.score), dashed: s.mitotic })),
    160,
    120,
  );
}

it('renders outline mode (patch contours above the threshold) exactly as the golden image', async () => {
  // Label 0 scores rise with the patch index: the lower rows reach 0.5; label 1 the upper ones.
  const rgba = outlinePixels([], 0, 0.5);
  const second = outlinePixels([], 1, 0.5);
  const both = new Uint8ClampedArray(160 * 240 * 4);
  both.set(rgba, 0);
  both.set(second, rgba.length);
  const result = await compareWithGolden(golden('overlay-outline-patches-160x240.png'), both, 160, 240);
  expect(result.differentPixels).toBe(0);
});

it('renders outline mode with segmented cells (cells above the threshold, mitoses dashed) exactly as the golden image', async () => {
  const square = (cx: number, cy: number, r: number) => [cx - r, cy - r, cx + r, cy - r, cx + r, cy + r, cx - r, cy + r];
  const cells: CellOutline[] = [
    { polygon: square(100, 100, 40), mitotic: false }, // patch 0: score 0 for label 0, not outlined
    { polygon: square(530, 380, 40), mitotic: false }, // last patch: score 1
    { polygon: square(320, 400, 30), mitotic: true }, // patch 7: 0.875
    { polygon: square(110, 360, 50), mitotic: false }, // patch 6: 0.75
    { polygon: square(320, 100, 20), mitotic: false }, // patch 1: 0.125, not outlined
  ];
  const rgba = outlinePixels(cells, 0, 0.5);
  const result = await compareWithGolden(golden('overlay-outline-cells-160x120.png'), rgba, 160, 120);
  expect(result.differentPixels).toBe(0);
  // Three cells reach the threshold: three outlines, nothing else.
  expect(outlineStrokes({ slide: { widthPx: 640, heightPx: 480 }, patches, scores, labelCount: labels, labelIndex: 0, threshold: 0.5, cells }).length).toBe(3);
});

it('renders the display look-up tables (FITC green default, grey, inverted, adjusted, DAPI) exactly as the golden image', async () => {
  const bands: { lut: DisplayLut; adjustments: ImageAdjustments; dapi: boolean }[] = [
    { lut: 'fitc-green', adjustments: NEUTRAL_ADJUSTMENTS, dapi: false },
    { lut: 'grey', adjustments: NEUTRAL_ADJUSTMENTS, dapi: false },
    { lut: 'inverted', adjustments: NEUTRAL_ADJUSTMENTS, dapi: false },
    { lut: 'fitc-green', adjustments: { brightness: 0.05, contrast: 1.5, gamma: 1.8 }, dapi: false },
    { lut: 'fitc-green', adjustments: NEUTRAL_ADJUSTMENTS, dapi: true },
    { lut: 'inverted', adjustments: NEUTRAL_ADJUSTMENTS, dapi: true },
  ];
  const W = 256;
  const BAND = 8;
  const out = new Uint8ClampedArray(W * BAND * bands.length * 4);
  bands.forEach((band, b) => {
    // The grey rendition as the browser decodes it (level in R, G, B), a 0..255 ramp; DAPI the reverse ramp.
    const grey = new Uint8ClampedArray(W * BAND * 4).map((_, i) => ((i & 3) === 3 ? 255 : (i >> 2) % W));
    const dapi = band.dapi ? new Uint8ClampedArray(W * BAND * 4).map((_, i) => ((i & 3) === 3 ? 255 : 255 - ((i >> 2) % W))) : null;
    colourDisplayPixels(grey, band.lut, band.adjustments, dapi);
    out.set(grey, b * W * BAND * 4);
  });
  // FITC green is green on black: no red or blue without DAPI.
  for (let i = 0; i < W * BAND; i++) expect([out[i * 4], out[i * 4 + 2]]).toEqual([0, 0]);
  const result = await compareWithGolden(golden('display-luts-256x48.png'), out, W, BAND * bands.length);
  expect(result.differentPixels).toBe(0);
});
