import { describe, expect, it } from 'vitest';
import { generateField } from '../../../../electron/core/synth';
import { analyseField } from '../../../../electron/core/quality/analyse-field';
import { patchesWithCells } from '../../../../electron/core/quality/patch-cells';

describe('cell analysis on a generated field with known cells', () => {
  const field = generateField({ widthPx: 768, heightPx: 576, pixelSizeUm: 0.5, labels: [] }, 31);
  const split = analyseField(field.fitc, field.widthPx, field.heightPx, field.pixelSizeUm);
  const regions = analyseField(field.fitc, field.widthPx, field.heightPx, field.pixelSizeUm, { splitTouching: false });
  const truth = field.cells.length;

  it('counts the cells of a negative field within 20 %, and splitting touching cells is what gets it there', () => {
    const found = split.cells + split.mitoses;
    expect(Math.abs(found - truth) / truth).toBeLessThan(0.2);
    expect(Math.abs(regions.cells + regions.mitoses - truth)).toBeGreaterThan(Math.abs(found - truth));
  });

  it('outlines each cell as a polygon in slide pixels around a true cell centre', () => {
    expect(split.outlines).toHaveLength(split.cells + split.mitoses);
    const { labels, widthPx, factor } = split.cellMask;
    const hits = field.cells.filter((c) => labels[Math.floor(c.centreYPx / factor) * widthPx + Math.floor(c.centreXPx / factor)]! > 0).length;
    expect(hits / truth).toBeGreaterThan(0.8);
    for (const o of split.outlines) {
      expect(o.polygon.length).toBe(48);
      for (let i = 0; i < o.polygon.length; i += 2) {
        expect(o.polygon[i]).toBeGreaterThanOrEqual(0);
        expect(o.polygon[i]).toBeLessThanOrEqual(field.widthPx + factor);
      }
    }
  });

  it('keeps patches with cells and drops an empty one', () => {
    const empty = new Float32Array(field.fitc.length).fill(0.03);
    const blank = analyseField(empty, field.widthPx, field.heightPx, field.pixelSizeUm);
    expect(blank.cells + blank.mitoses).toBe(0);
    const rects = [{ x: 0, y: 0, width: 256, height: 256 }, { x: 256, y: 256, width: 256, height: 256 }];
    expect(patchesWithCells(rects, blank.cellMask, 0.5)).toEqual([false, false]);
    expect(patchesWithCells(rects, split.cellMask, 0.5).some(Boolean)).toBe(true);
  });

  it('measures a sharp field focus above the gate and no saturation', () => {
    expect(split.focusPerUm).toBeGreaterThan(0.2);
    expect(split.saturatedFraction).toBeLessThan(0.01);
  });
});
