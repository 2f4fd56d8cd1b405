import { describe, expect, it } from 'vitest';
import { embeddingDistance, familiarity, fitFamiliarityReference, judgedBy } from '../../../../electron/core/quality/familiarity';
import { blockiness, type AcquisitionStatistic } from '../../../../electron/core/quality/acquisition';
import { analyseField } from '../../../../electron/core/quality/analyse-field';
import { generateField } from '../../../../electron/core/synth';
import { Random } from '../../../../electron/core/random';

describe('familiarity', () => {
  const rng = new Random(9);
  const field = (shift = 0) => Float32Array.from({ length: 16 }, (_, d) => d * 0.1 + shift + rng.normal(0, 0.2));
  const reference = fitFamiliarityReference(Array.from({ length: 200 }, () => field()), 0.99, null);

  it('puts the threshold at the quantile: about 1 % of like fields are flagged, shifted ones all', () => {
    const like = Array.from({ length: 400 }, () => familiarity(field(), reference).unfamiliar).filter(Boolean).length;
    expect(like / 400).toBeLessThan(0.05);
    const shifted = Array.from({ length: 50 }, () => familiarity(field(1), reference).unfamiliar).filter(Boolean).length;
    expect(shifted).toBe(50);
  });

  it('measures RMS z-scores and refuses a mismatched embedding', () => {
    expect(embeddingDistance(Float32Array.of(2, 2), { mean: [0, 0], std: [1, 2] })).toBeCloseTo(Math.sqrt((4 + 1) / 2));
    expect(() => embeddingDistance(Float32Array.of(1), { mean: [0, 0], std: [1, 1] })).toThrow(RangeError);
  });
});

describe('familiarity with acquisition statistics', () => {
  const rng = new Random(11);
  const embedding = () => Float32Array.from({ length: 8 }, () => rng.normal(0, 1));
  const acquisition = () => ({ cellAreaUm2: 450 * Math.exp(rng.normal(0, 0.1)), halo: 0.02 + rng.normal(0, 0.01), blockiness: 1 + rng.normal(0, 0.008) });
  const fields = Array.from({ length: 100 }, () => ({ e: embedding(), a: acquisition() }));
  const reference = fitFamiliarityReference(fields.map((f) => f.e), 0.99, null, {}, fields.map((f) => f.a));

  it('flags a wrong pixel size and a JPEG, which the embedding does not see; a reference without them ignores them', () => {
    expect(reference.acquisition?.threshold).toBeGreaterThan(0);
    const like = { e: embedding(), a: { cellAreaUm2: 450, halo: 0.02, blockiness: 1 } };
    expect(familiarity(like.e, reference, like.a).unfamiliar).toBe(false);
    // The file says half the true pixel size: every cell a quarter of its area in µm².
    expect(familiarity(like.e, reference, { ...like.a, cellAreaUm2: 450 / 4 }).unfamiliar).toBe(true);
    // 8×8 blocks of a JPEG.
    expect(familiarity(like.e, reference, { ...like.a, blockiness: 1.3 }).unfamiliar).toBe(true);
    // Not measured on this field: not judged.
    expect(familiarity(like.e, reference, { cellAreaUm2: null, halo: null, blockiness: null }).unfamiliar).toBe(false);
    const { acquisition: _, ...embeddingOnly } = reference;
    expect(familiarity(like.e, embeddingOnly, { ...like.a, blockiness: 1.3 }).unfamiliar).toBe(false);
  });

  it('judges only the statistics it was fitted on, with a threshold of their own', () => {
    const like = { e: embedding(), a: { cellAreaUm2: 450, halo: 0.02, blockiness: 1 } };
    const areaOnly = fitFamiliarityReference(fields.map((f) => f.e), 0.99, null, {}, fields.map((f) => f.a), ['cellAreaUm2']);
    expect(Object.keys(areaOnly.acquisition!.statistics)).toEqual(['cellAreaUm2']);
    expect(familiarity(like.e, areaOnly, { ...like.a, cellAreaUm2: 450 / 4 }).unfamiliar).toBe(true);
    expect(familiarity(like.e, areaOnly, { ...like.a, blockiness: 1.3, halo: 0.5 }).unfamiliar).toBe(false);
    expect(fitFamiliarityReference(fields.map((f) => f.e), 0.99, null, {}, fields.map((f) => f.a), []).acquisition).toBeUndefined();
  });

  it('tells the reader which statistics to measure: those the reference judges, none without them', () => {
    const areaAndBlocks = fitFamiliarityReference(fields.map((f) => f.e), 0.99, null, {}, fields.map((f) => f.a), ['blockiness', 'cellAreaUm2']);
    expect(judgedBy(areaAndBlocks)).toEqual(['cellAreaUm2', 'blockiness']);
    const { acquisition: _, ...embeddingOnly } = areaAndBlocks;
    expect(judgedBy(embeddingOnly)).toEqual([]);
    expect(judgedBy(null)).toEqual([]);
  });
});

describe('acquisition statistics of a field', () => {
  const field = generateField({ widthPx: 512, heightPx: 384, pixelSizeUm: 0.5, labels: ['homogeneous'], intensity: 0.5 }, 5);
  const analyse = (acquisition?: readonly AcquisitionStatistic[]) => analyseField(field.fitc, field.widthPx, field.heightPx, field.pixelSizeUm, acquisition ? { acquisition } : {}).acquisition;

  it('measures only those asked for, each as it does when all are measured', () => {
    const all = analyse()!;
    expect(all.cellAreaUm2).toBeGreaterThan(50);
    expect(all.halo).not.toBeNull();
    expect(all.blockiness).toBeCloseTo(1, 1);
    expect(analyse(['cellAreaUm2'])).toEqual({ cellAreaUm2: all.cellAreaUm2, halo: null, blockiness: null });
    expect(analyse(['halo', 'blockiness'])).toEqual({ cellAreaUm2: null, halo: all.halo, blockiness: all.blockiness });
    expect(analyse([])).toBeNull();
  });
});

describe('blockiness', () => {
  it('is about 1 for smooth noise and above 1 when 8×8 blocks have steps at their borders', () => {
    const rng = new Random(4);
    const w = 64;
    const noise = Float32Array.from({ length: w * w }, () => 0.5 + rng.normal(0, 0.01));
    expect(blockiness(noise, w, w)).toBeCloseTo(1, 1);
    const blocks = noise.map((v, i) => v + 0.03 * ((((i % w) >> 3) + ((Math.floor(i / w) >> 3))) % 2));
    expect(blockiness(blocks, w, w)!).toBeGreaterThan(1.5);
    expect(blockiness(noise, 16, 16)).toBeNull();
  });
});
