/**
 * Lab styles: classic stays the generator it was, every named style renders and differs from the
 * others, patterns vary between cells (some cells lack a pattern in mixed sera), mitotic cells
 * are drawn, negatives show faint cells with a brighter cytoplasm, and the camera's bit depth and
 * colour come from the export format.
 */
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../../electron/core/errors';
import { generateField, LAB_STYLES, STYLE_NAMES } from '../../../../electron/core/synth';

const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('lab styles', () => {
  it('has at least eight named styles besides classic and random, and refuses unknown names', () => {
    expect(LAB_STYLES.length).toBeGreaterThanOrEqual(8);
    expect(STYLE_NAMES).toContain('classic');
    expect(STYLE_NAMES).toContain('random');
    expect(() => generateField({ widthPx: 128, heightPx: 96, style: 'nope' }, 1)).toThrow(DomainError);
    expect(() => generateField({ widthPx: 128, heightPx: 96, style: 'nope' }, 1)).toThrow(/known: classic/);
  });

  it("'classic' is the unstyled generator, pixel for pixel, and records no style", () => {
    const plain = generateField({ widthPx: 256, heightPx: 192 }, 5);
    const classic = generateField({ widthPx: 256, heightPx: 192, style: 'classic' }, 5);
    expect(bytes(classic.fitc).equals(bytes(plain.fitc))).toBe(true);
    expect(plain.style).toBeUndefined();
  });

  it('every style is deterministic per seed, records its name and differs from classic', () => {
    const classic = generateField({ widthPx: 192, heightPx: 144, pixelSizeUm: 0.4, labels: ['speckled'] }, 9);
    const means = new Set<string>();
    for (const style of STYLE_NAMES.filter((s) => s !== 'classic')) {
      const a = generateField({ widthPx: 192, heightPx: 144, pixelSizeUm: 0.4, labels: ['speckled'], style }, 9);
      const b = generateField({ widthPx: 192, heightPx: 144, pixelSizeUm: 0.4, labels: ['speckled'], style }, 9);
      expect(bytes(a.fitc).equals(bytes(b.fitc)), style).toBe(true);
      expect(a.style).toBe(style);
      expect(a.styleParams?.format).toBeTypeOf('string');
      expect(bytes(a.fitc).equals(bytes(classic.fitc)), style).toBe(false);
      expect(a.fitc.every((v) => v >= 0 && v <= 1)).toBe(true);
      means.add((a.fitc.reduce((s, v) => s + v, 0) / a.fitc.length).toFixed(4));
    }
    expect(means.size).toBe(STYLE_NAMES.length - 1);
  });

  it('a style draws its pixel size from its own range when none is given', () => {
    const research = LAB_STYLES.find((s) => s.name === 'research-40x-mono16')!;
    const f = generateField({ widthPx: 128, heightPx: 96, style: research.name }, 3);
    expect(f.pixelSizeUm).toBeGreaterThanOrEqual(research.optics.pixelSizeUm[0]);
    expect(f.pixelSizeUm).toBeLessThanOrEqual(research.optics.pixelSizeUm[1]);
  });

  it('in a mixed serum the patterns vary between cells and some cells lack one', () => {
    const f = generateField({ widthPx: 640, heightPx: 480, pixelSizeUm: 0.5, labels: ['homogeneous', 'golgi'], style: 'neglected-scope-artefacts' }, 21);
    const interphase = f.cells.filter((c) => !c.mitotic);
    expect(interphase.length).toBeGreaterThan(30);
    for (const key of ['homogeneous', 'golgi']) {
      const s = interphase.map((c) => c.strengths[key]!);
      const present = s.filter((v) => v > 0);
      expect(present.length, key).toBeGreaterThan(s.length / 2);
      expect(Math.max(...present) / Math.min(...present), key).toBeGreaterThan(2);
    }
    expect(interphase.some((c) => c.strengths.homogeneous === 0 || c.strengths.golgi === 0)).toBe(true);
  });

  it('draws mitotic cells at the asked rate, with their pattern strengths', () => {
    const f = generateField({ widthPx: 640, heightPx: 480, pixelSizeUm: 0.5, labels: ['centromere'], mitoticRate: 0.1, style: 'automated-reader-8bit' }, 4);
    const mitotic = f.cells.filter((c) => c.mitotic);
    expect(mitotic.length).toBeGreaterThan(0.04 * f.cells.length);
    expect(mitotic.every((c) => c.strengths.centromere! > 0 && c.centromereDots! >= 20)).toBe(true);
  });

  it('a negative field shows faint cells whose cytoplasm is brighter than the nucleus', () => {
    const f = generateField({ widthPx: 512, heightPx: 384, pixelSizeUm: 0.5, labels: [], style: 'research-40x-mono16' }, 8);
    let nucleus = 0;
    let nucleusN = 0;
    let cytoplasm = 0;
    let cytoplasmN = 0;
    let background = 0;
    let backgroundN = 0;
    const inside = new Uint8Array(f.fitc.length);
    for (const c of f.cells) {
      const r = Math.min(c.nucleus.radiusXPx, c.nucleus.radiusYPx);
      for (let y = Math.max(0, Math.floor(c.centreYPx - 2.2 * r)); y < Math.min(384, c.centreYPx + 2.2 * r); y++) {
        for (let x = Math.max(0, Math.floor(c.centreXPx - 2.2 * r)); x < Math.min(512, c.centreXPx + 2.2 * r); x++) {
          const d = Math.hypot(x - c.centreXPx, y - c.centreYPx) / r;
          const v = f.fitc[y * 512 + x]!;
          inside[y * 512 + x] = 1;
          if (d < 0.6) (nucleus += v), nucleusN++;
          else if (d > 1.35 && d < 1.6) (cytoplasm += v), cytoplasmN++;
        }
      }
    }
    for (let i = 0; i < f.fitc.length; i++) if (!inside[i]) (background += f.fitc[i]!), backgroundN++;
    expect(cytoplasm / cytoplasmN).toBeGreaterThan(nucleus / nucleusN);
    expect(nucleus / nucleusN).toBeGreaterThan(background / Math.max(1, backgroundN));
    // Faint: the brightest 1% of pixels stay far below full scale.
    expect([...f.fitc].sort((a, b) => a - b)[Math.floor(0.99 * f.fitc.length)]!).toBeLessThan(0.3);
  });

  it('the export format decides the camera: colour planes for RGB, quantised levels for 8-bit grey', () => {
    const colour = generateField({ widthPx: 160, heightPx: 120, pixelSizeUm: 0.5, labels: ['speckled'], style: 'routine-20x-colour-jpeg' }, 2);
    expect(colour.colour?.red.length).toBe(160 * 120);
    expect(colour.jpegQuality).toBeGreaterThanOrEqual(70);
    const grey = generateField({ widthPx: 160, heightPx: 120, pixelSizeUm: 0.5, labels: ['speckled'], style: 'automated-reader-8bit' }, 2);
    expect(grey.colour).toBeUndefined();
    expect(grey.fitc.every((v) => Math.abs(v * 255 - Math.round(v * 255)) < 1e-3)).toBe(true);
    const twelve = generateField({ widthPx: 160, heightPx: 120, pixelSizeUm: 0.5, labels: ['speckled'], style: 'low-light-noisy' }, 2);
    expect(twelve.fitc.every((v) => Math.abs(v * 4095 - Math.round(v * 4095)) < 1e-2)).toBe(true);
    expect(twelve.fitc.some((v) => Math.abs(v * 255 - Math.round(v * 255)) > 1e-2)).toBe(true);
  });
});
