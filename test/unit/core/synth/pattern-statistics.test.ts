/**
 * Each pattern's defining statistic, measured on generated cells of a noisy, blurred field and
 * located only through the per-cell truth. Every statistic is also checked against a pattern
 * that must NOT show it, so a generator that drew every pattern alike would fail.
 */
import { describe, expect, it } from 'vitest';
import { generateField, type CellTruth, type SynthField } from '../../../../electron/core/synth';
import * as measure from '../../../support/synth/cell-measure';

const SIZE = { widthPx: 768, heightPx: 576 } as const;
const fields = new Map<string, SynthField>();
function field(label: string): SynthField {
  if (!fields.has(label)) fields.set(label, generateField({ ...SIZE, labels: [label], intensity: 0.9 }, 21));
  return fields.get(label)!;
}
function medianOver(label: string, stat: (f: SynthField, c: CellTruth, background: number) => number): number {
  const f = field(label);
  const background = measure.fieldBackground(f);
  const cells = measure.isolatedCells(f);
  expect(cells.length).toBeGreaterThan(15);
  return measure.median(cells.map((c) => stat(f, c, background)));
}

describe('pattern statistics measured on generated cells', () => {
  it('centromere: 40-80 equal discrete dots per interphase nucleus', () => {
    const truth = field('centromere').cells.filter((c) => !c.mitotic).map((c) => c.centromereDots!);
    expect(Math.min(...truth)).toBeGreaterThanOrEqual(30);
    expect(Math.max(...truth)).toBeLessThanOrEqual(80);
    expect(measure.median(truth)).toBeGreaterThanOrEqual(40);
    // At 0.5 µm/px neighbouring dots 1 µm apart sometimes merge; at a 40x objective's 0.3 µm/px
    // most dots are resolved and the measured count follows the drawn one.
    expect(medianOver('centromere', (f, c) => measure.dotCount(f, c))).toBeGreaterThanOrEqual(30);
    const fine = generateField({ widthPx: 800, heightPx: 600, pixelSizeUm: 0.3, labels: ['centromere'], intensity: 0.9 }, 21);
    const cells = measure.isolatedCells(fine);
    expect(cells.length).toBeGreaterThan(3);
    const measured = measure.median(cells.map((c) => measure.dotCount(fine, c)));
    expect(measured).toBeGreaterThanOrEqual(35);
    expect(measured).toBeLessThanOrEqual(80);
    // Blur and an occasional defocused region merge a few; most dots stay resolved.
    expect(measure.median(cells.map((c) => measure.dotCount(fine, c) / c.centromereDots!))).toBeGreaterThan(0.75);
  });

  it('nuclear dots: 2-20 larger dots per nucleus, far fewer than centromere', () => {
    const f = field('nuclear_dots');
    const cells = measure.isolatedCells(f);
    const measured = cells.map((c) => measure.dotCount(f, c));
    expect(measure.median(measured)).toBeGreaterThanOrEqual(2);
    expect(measure.median(measured)).toBeLessThanOrEqual(20);
    // The measured count follows the drawn count cell by cell.
    const off = cells.map((c, i) => Math.abs(measured[i]! - c.nuclearDots!));
    expect(measure.median(off)).toBeLessThanOrEqual(2);
    expect(measure.median(measured)).toBeLessThan(0.5 * medianOver('centromere', (g, c) => measure.dotCount(g, c)));
  });

  it('nucleolar: 1-6 irregular blobs per nucleus matching the drawn nucleoli', () => {
    const f = field('nucleolar');
    const cells = measure.isolatedCells(f);
    const blobs = cells.map((c) => measure.blobCount(f, c));
    expect(measure.median(blobs)).toBeGreaterThanOrEqual(1);
    expect(measure.median(blobs)).toBeLessThanOrEqual(6);
    const exact = cells.filter((c, i) => Math.abs(blobs[i]! - c.nucleoli) <= 1).length / cells.length;
    expect(exact).toBeGreaterThan(0.7);
  });

  it('nuclear envelope: bright rim, dim centre', () => {
    expect(medianOver('nuclear_envelope', measure.rimToCentreRatio)).toBeGreaterThan(3);
    expect(medianOver('homogeneous', measure.rimToCentreRatio)).toBeLessThan(1.5);
  });

  it('mitochondrial: granular cytoplasm, dark nucleus', () => {
    expect(medianOver('mitochondrial', measure.cytoplasmToNucleusRatio)).toBeGreaterThan(3);
    expect(medianOver('homogeneous', measure.cytoplasmToNucleusRatio)).toBeLessThan(0.4);
    expect(medianOver('speckled', measure.cytoplasmToNucleusRatio)).toBeLessThan(0.4);
  });

  it('golgi: perinuclear signal on one side of the nucleus, where the truth says', () => {
    expect(medianOver('golgi', (f, c, bg) => measure.oneSidedness(f, c, bg).resultant)).toBeGreaterThan(0.4);
    expect(medianOver('mitochondrial', (f, c, bg) => measure.oneSidedness(f, c, bg).resultant)).toBeLessThan(0.25);
    const angleError = medianOver('golgi', (f, c, bg) => {
      const d = Math.abs(measure.oneSidedness(f, c, bg).angleRad - c.golgiAngleRad!);
      return Math.min(d, 2 * Math.PI - d);
    });
    expect(angleError).toBeLessThan(0.5);
  });

  it('homogeneous is even, speckled granular', () => {
    const homogeneous = medianOver('homogeneous', measure.nucleoplasmCv);
    const speckled = medianOver('speckled', measure.nucleoplasmCv);
    expect(homogeneous).toBeLessThan(0.3);
    expect(speckled).toBeGreaterThan(2 * homogeneous);
  });

  it('mitotic cells: homogeneous and dense fine speckled stain the chromosome plate, speckled spares it, centromeres line up', () => {
    const plates = (label: string, speckled: 'fine' | 'dense-fine' = 'fine') => {
      const f = generateField({ ...SIZE, labels: [label], intensity: 0.9, mitoticRate: 0.08, subtypes: { speckled } }, 5);
      const bg = measure.fieldBackground(f);
      const interphase = measure.median(measure.isolatedCells(f).map((c) => measure.nucleusMean(f, c, bg)));
      const mitotic = f.cells.filter((c) => c.mitotic);
      expect(mitotic.length).toBeGreaterThanOrEqual(4);
      return { f, mitotic, ratio: measure.median(mitotic.map((c) => measure.nucleusMean(f, c, bg) / interphase)) };
    };
    expect(plates('homogeneous').ratio).toBeGreaterThan(1.2);
    expect(plates('speckled').ratio).toBeLessThan(0.5);
    // Dense fine speckled (AC-2, anti-DFS70) is the speckled pattern that stains the plate.
    expect(plates('speckled', 'dense-fine').ratio).toBeGreaterThan(1);
    // Centromere dots of a metaphase lie along the plate: their spread across it is small.
    const { f, mitotic } = plates('centromere');
    const elongation = measure.median(mitotic.map((c) => measure.brightElongation(f, c)));
    expect(elongation).toBeGreaterThan(2.5);
  });
});
