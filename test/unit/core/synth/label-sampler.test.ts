import { describe, expect, it } from 'vitest';
import { LABEL_KEYS } from '../../../../electron/contract/labels';
import { Random } from '../../../../electron/core/random';
import { DEFAULT_LABEL_DISTRIBUTION, sampleLabelSet } from '../../../../electron/core/synth';
import { validateLabelDistribution } from '../../../../electron/core/synth/label-sampler';

describe('label sampler', () => {
  it('default: ~10% negatives, cardinality ~1.6, at most 3, every class well represented', () => {
    const rng = new Random(9);
    const sets = Array.from({ length: 5000 }, () => sampleLabelSet(rng));
    const negatives = sets.filter((s) => s.length === 0).length / sets.length;
    const cardinality = sets.reduce((a, s) => a + s.length, 0) / sets.length;
    expect(negatives).toBeGreaterThan(0.08);
    expect(negatives).toBeLessThan(0.12);
    expect(cardinality).toBeGreaterThan(1.5);
    expect(cardinality).toBeLessThan(1.7);
    expect(Math.max(...sets.map((s) => s.length))).toBe(3);
    const share = (k: string) => sets.filter((s) => s.includes(k)).length / sets.length;
    for (const k of LABEL_KEYS) expect(share(k)).toBeGreaterThan(0.08);
    // The paper's imbalance in spirit: speckled most common, Golgi least.
    expect(share('speckled')).toBeGreaterThan(share('mitochondrial'));
    expect(share('golgi')).toBeLessThan(share('homogeneous'));
    // Sets come in vocabulary order, without repeats.
    for (const s of sets) expect(s).toEqual(LABEL_KEYS.filter((k) => s.includes(k)));
  });

  it('follows a configured distribution', () => {
    const rng = new Random(1);
    const only = { weights: { golgi: 1, centromere: 1 }, negativeRate: 0, cardinality: [1] };
    const sets = Array.from({ length: 200 }, () => sampleLabelSet(rng, only));
    expect(new Set(sets.flat())).toEqual(new Set(['golgi', 'centromere']));
    expect(sets.every((s) => s.length === 1)).toBe(true);
  });

  it('rejects unknown keys and bad rates', () => {
    expect(() => validateLabelDistribution({ ...DEFAULT_LABEL_DISTRIBUTION, weights: { lupus: 1 } })).toThrow(/unknown label key 'lupus'/);
    expect(() => validateLabelDistribution({ ...DEFAULT_LABEL_DISTRIBUTION, negativeRate: 2 })).toThrow(/negativeRate/);
  });
});
