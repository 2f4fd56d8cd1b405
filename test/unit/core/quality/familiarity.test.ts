import { describe, expect, it } from 'vitest';
import { embeddingDistance, familiarity, fitFamiliarityReference } from '../../../../electron/core/quality/familiarity';
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
