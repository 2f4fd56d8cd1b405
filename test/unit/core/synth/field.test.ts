import { describe, expect, it } from 'vitest';
import { LABEL_KEYS } from '../../../../electron/contract/labels';
import { DomainError } from '../../../../electron/core/errors';
import { Random } from '../../../../electron/core/random';
import { generateField } from '../../../../electron/core/synth';
import { defaultCellCount, layoutCells } from '../../../../electron/core/synth/cell-layout';

describe('generateField', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = generateField({ widthPx: 320, heightPx: 240 }, 11);
    const b = generateField({ widthPx: 320, heightPx: 240 }, 11);
    const c = generateField({ widthPx: 320, heightPx: 240 }, 12);
    expect(Buffer.from(a.fitc.buffer).equals(Buffer.from(b.fitc.buffer))).toBe(true);
    expect(a.cells).toEqual(b.cells);
    expect(Buffer.from(a.fitc.buffer).equals(Buffer.from(c.fitc.buffer))).toBe(false);
  });

  it('returns a 0..1 signal of the asked size with per-cell truth inside the field', () => {
    const f = generateField({ widthPx: 1024, heightPx: 768, labels: ['speckled', 'golgi'], dapi: true }, 3);
    expect(f.fitc.length).toBe(1024 * 768);
    expect(f.dapi?.length).toBe(1024 * 768);
    expect(f.labels).toEqual(['speckled', 'golgi']);
    expect(Math.min(...f.fitc.subarray(0, 5000))).toBeGreaterThanOrEqual(0);
    expect(f.fitc.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(f.cells.length).toBeGreaterThanOrEqual(80);
    expect(f.cells.length).toBeLessThanOrEqual(250);
    for (const cell of f.cells) {
      expect(cell.centreXPx).toBeGreaterThanOrEqual(0);
      expect(cell.centreXPx).toBeLessThan(1024);
      expect(cell.box.xPx + cell.box.widthPx).toBeLessThanOrEqual(1024);
      expect(cell.patterns).toEqual(['speckled', 'golgi']);
    }
    const mitotic = f.cells.filter((c) => c.mitotic).length / f.cells.length;
    expect(mitotic).toBeLessThan(0.06);
  });

  it("with cellMixing 'separate' each cell of a mixed serum shows one pattern, in equal shares, in the shared field's layout", () => {
    for (const style of [undefined, 'research-40x-mono16']) {
      const options = { widthPx: 512, heightPx: 384, labels: ['centromere', 'nuclear_dots'], style };
      const shared = generateField(options, 5);
      const separate = generateField({ ...options, cellMixing: 'separate' }, 5);
      expect(separate.labels).toEqual(shared.labels);
      expect(separate.intensity).toBe(shared.intensity);
      expect(separate.cells.map((c) => [c.centreXPx, c.centreYPx])).toEqual(shared.cells.map((c) => [c.centreXPx, c.centreYPx]));
      expect(shared.cells.every((c) => c.patterns.length === 2)).toBe(true);
      const byPattern = { centromere: 0, nuclear_dots: 0 };
      for (const cell of separate.cells) {
        expect(cell.patterns).toHaveLength(1);
        const [shown] = cell.patterns as ['centromere' | 'nuclear_dots'];
        byPattern[shown]++;
        const other = shown === 'centromere' ? 'nuclear_dots' : 'centromere';
        expect(cell.strengths[other]).toBe(0);
        // What was drawn in the cell follows its one pattern (a dropped-out pattern draws nothing).
        if (shown === 'centromere') expect(cell.nuclearDots).toBeUndefined();
        else expect(cell.centromereDots).toBeUndefined();
      }
      expect(Math.abs(byPattern.centromere - byPattern.nuclear_dots)).toBeLessThanOrEqual(1);
      expect(separate.cells.some((c) => c.centromereDots !== undefined) && separate.cells.some((c) => c.nuclearDots !== undefined)).toBe(true);
      expect(Buffer.from(separate.fitc.buffer).equals(Buffer.from(shared.fitc.buffer))).toBe(false);
    }
    // A single-pattern serum has nothing to separate: the same field, pixel for pixel.
    const single = generateField({ widthPx: 256, heightPx: 192, labels: ['golgi'], style: 'routine-20x-colour-jpeg' }, 9);
    const singleSeparate = generateField({ widthPx: 256, heightPx: 192, labels: ['golgi'], style: 'routine-20x-colour-jpeg', cellMixing: 'separate' }, 9);
    expect(Buffer.from(singleSeparate.fitc.buffer).equals(Buffer.from(single.fitc.buffer))).toBe(true);
  });

  it('labels are valid keys and negatives carry no intensity', () => {
    for (let seed = 0; seed < 30; seed++) {
      const f = generateField({ widthPx: 128, heightPx: 96, cellCount: 3 }, seed);
      for (const l of f.labels) expect(LABEL_KEYS).toContain(l);
      if (f.labels.length === 0) expect(f.intensityLevel).toBe('negative');
      else expect(f.intensity).toBeGreaterThan(0.1);
    }
  });

  it('rejects bad options with a message naming the problem', () => {
    expect(() => generateField({ widthPx: 10, heightPx: 96 }, 1)).toThrow(/widthPx/);
    expect(() => generateField({ widthPx: 128, heightPx: 96, pixelSizeUm: 3 }, 1)).toThrow(DomainError);
    expect(() => generateField({ widthPx: 128, heightPx: 96, labels: ['lupus'] }, 1)).toThrow(/unknown label key 'lupus'/);
  });

  it('draws the titer independently of the pattern: same seed, different labels, same intensity', () => {
    const intensities = LABEL_KEYS.map((key) => generateField({ widthPx: 96, heightPx: 96, labels: [key], cellCount: 1 }, 77).intensity);
    expect(new Set(intensities).size).toBe(1);
    const mixed = generateField({ widthPx: 96, heightPx: 96, labels: ['golgi', 'speckled', 'centromere'], cellCount: 1 }, 77).intensity;
    expect(mixed).toBe(intensities[0]);
  });

  it('sizes cells in micrometres: nuclei of 10-18 µm at every pixel size', () => {
    for (const pixelSizeUm of [0.2, 0.5, 0.65]) {
      const cells = layoutCells(new Random(5), 800, 600, pixelSizeUm, 200);
      const diametersUm = cells.filter((c) => !c.mitotic).map((c) => 2 * Math.sqrt(c.nucleus.radiusXPx * c.nucleus.radiusYPx) * pixelSizeUm);
      expect(diametersUm.length).toBeGreaterThan(5);
      expect(Math.min(...diametersUm)).toBeGreaterThanOrEqual(9.9);
      expect(Math.max(...diametersUm)).toBeLessThanOrEqual(18.1);
    }
    // The same area in µm holds the same cells whatever the objective; a small field fewer.
    expect(layoutCells(new Random(6), 1000, 750, 0.5, 120).length).toBe(120);
    expect(layoutCells(new Random(6), 2000, 1500, 0.25, 120).length).toBe(120);
    expect(defaultCellCount(new Random(1), 1024, 768, 0.2)).toBeLessThan(45);
  });

  it('1-3% of cells are mitotic by default, and some cells touch or overlap', () => {
    let cells = 0;
    let mitotic = 0;
    let close = 0;
    for (let seed = 0; seed < 30; seed++) {
      const layout = layoutCells(new Random(seed), 1024, 768, 0.5, 200);
      cells += layout.length;
      mitotic += layout.filter((c) => c.mitotic).length;
      for (const c of layout) {
        const reach = (c.cytoplasm.radiusXPx + c.cytoplasm.radiusYPx) / 2;
        // Centres closer than the two cytoplasm radii: the cells touch or overlap.
        if (layout.some((o) => o !== c && Math.hypot(o.nucleus.centreXPx - c.nucleus.centreXPx, o.nucleus.centreYPx - c.nucleus.centreYPx) < reach + (o.cytoplasm.radiusXPx + o.cytoplasm.radiusYPx) / 2)) close++;
      }
    }
    expect(mitotic / cells).toBeGreaterThan(0.008);
    expect(mitotic / cells).toBeLessThan(0.032);
    expect(close / cells).toBeGreaterThan(0.5);
  });
});
