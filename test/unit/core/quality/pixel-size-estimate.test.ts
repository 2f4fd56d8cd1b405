import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelDir } from '../../../../electron/core/paths';
import { FamiliarityReference } from '../../../../electron/core/quality/familiarity';
import { estimatePixelSize, farFromSuggestion, referenceCellAreaUm2, spreadSample, type FieldPixels } from '../../../../electron/core/quality/pixel-size-estimate';
import { generateField } from '../../../../electron/core/synth';

/** The shipped model's reference: the cell size its training fields have. */
const referenceArea = referenceCellAreaUm2(FamiliarityReference.parse(JSON.parse(readFileSync(join(defaultModelDir(), 'reference.json'), 'utf8'))))!;

function fieldsOf(style: string, count: number, seed: number): { fields: FieldPixels[]; medianTruthUm: number } {
  const generated = Array.from({ length: count }, (_, i) => generateField({ widthPx: 768, heightPx: 576, style }, seed + i));
  const sizes = generated.map((f) => f.pixelSizeUm).sort((a, b) => a - b);
  return { fields: generated, medianTruthUm: sizes[sizes.length >> 1]! };
}

describe('pixel size from the cells', () => {
  it("finds a 40× microscope's size, in a few passes", async () => {
    const { fields, medianTruthUm } = fieldsOf('research-40x-mono16', 16, 700);
    const progress: number[] = [];
    const e = await estimatePixelSize(fields.length, async (i) => fields[i]!, referenceArea, (pass) => progress.push(pass));
    expect(e.pixelSizeUm / medianTruthUm).toBeGreaterThan(0.8);
    expect(e.pixelSizeUm / medianTruthUm).toBeLessThan(1.2);
    expect(e.startUm).toBe(0.2);
    expect(e.passes).toBeGreaterThan(1);
    expect(progress).toHaveLength(e.passes * fields.length);
    expect(e.lowUm).toBeLessThanOrEqual(e.pixelSizeUm);
    expect(e.highUm).toBeGreaterThanOrEqual(e.pixelSizeUm);
    expect(e.fields).toBe(16);
  }, 120_000);

  it('finds a 20× microscope far above the start, and from a start near it', async () => {
    const { fields, medianTruthUm } = fieldsOf('routine-20x-colour-jpeg', 12, 900);
    for (const start of [0.2, 0.5]) {
      const e = await estimatePixelSize(fields.length, async (i) => fields[i]!, referenceArea, undefined, start);
      // One step from 0.2 is not enough: the segmentation finds other cells at the wrong scale.
      if (start === 0.2) expect(e.passes).toBeGreaterThan(2);
      expect(e.pixelSizeUm / medianTruthUm).toBeGreaterThan(0.85);
      expect(e.pixelSizeUm / medianTruthUm).toBeLessThan(1.15);
    }
  }, 120_000);

  it('refuses fields without enough cells to measure, and cells of no microscope size', async () => {
    const blank: FieldPixels = { fitc: new Float32Array(256 * 256).fill(0.01), widthPx: 256, heightPx: 256 };
    await expect(estimatePixelSize(12, async () => blank, referenceArea)).rejects.toThrow(/Only 0 of 12 field\(s\) show cells to measure at 0\.200 µm\/px; at least 10/);
    const { fields } = fieldsOf('routine-20x-colour-jpeg', 10, 950);
    // A reference a million times the cells' area asks for a pixel size no microscope has.
    await expect(estimatePixelSize(fields.length, async (i) => fields[i]!, referenceArea * 1e6)).rejects.toThrow(/outside any microscope's range/);
  }, 60_000);

  it('samples a long folder evenly and says when a profile is far from the suggestion', () => {
    expect(spreadSample([1, 2, 3], 5)).toEqual([1, 2, 3]);
    expect(spreadSample(Array.from({ length: 100 }, (_, i) => i), 4)).toEqual([0, 25, 50, 75]);
    expect(farFromSuggestion(0.5, 0.18)).toBe(true);
    expect(farFromSuggestion(0.18, 0.5)).toBe(true);
    expect(farFromSuggestion(0.35, 0.33)).toBe(false);
  });
});
