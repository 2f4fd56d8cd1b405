import { describe, expect, it } from 'vitest';
import { LABEL_KEYS } from '../../../../electron/contract/labels';
import { DomainError } from '../../../../electron/core/errors';
import { generateField } from '../../../../electron/core/synth';

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
});
