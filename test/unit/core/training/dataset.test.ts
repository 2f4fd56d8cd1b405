import { describe, expect, it } from 'vitest';
import { bagCount, concatBags, patchCount, subsetBags } from '../../../../electron/core/training/dataset';
import { syntheticBags } from './synthetic-bags';

describe('concatBags', () => {
  it('puts the second data set after the first, each bag with its own patches and labels', () => {
    const a = syntheticBags({ bags: 5, seed: 1 });
    const b = syntheticBags({ bags: 3, seed: 2 });
    const both = concatBags(a, b);
    expect(bagCount(both)).toBe(8);
    expect(patchCount(both)).toBe(patchCount(a) + patchCount(b));
    // Splitting it again gives back the two data sets exactly.
    const again = subsetBags(both, [5, 6, 7]);
    expect(Array.from(again.inputs)).toEqual(Array.from(b.inputs));
    expect(Array.from(again.bagLabels)).toEqual(Array.from(b.bagLabels));
    expect(Array.from(again.bagOffsets)).toEqual(Array.from(b.bagOffsets));
    expect(Array.from(subsetBags(both, [0, 1, 2, 3, 4]).inputs)).toEqual(Array.from(a.inputs));
    expect(both.bagIds).toEqual([...a.bagIds, ...b.bagIds]);
  });

  it('refuses data sets of different shapes', () => {
    const a = syntheticBags({ bags: 2, seed: 1 });
    expect(() => concatBags(a, { ...a, inputLength: a.inputLength + 1 })).toThrow(/input length or labels/);
  });
});
