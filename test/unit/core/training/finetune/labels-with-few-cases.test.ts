import { describe, expect, it } from 'vitest';
import type { BagDataset } from '../../../../../electron/core/training/dataset';
import { labelsWithFewCases } from '../../../../../electron/core/training/finetune/finetune-network';

/** Cases as label sets over three labels; only the labels and bag labels matter here. */
function cases(sets: number[][]): BagDataset {
  const K = 3;
  const bagLabels = new Uint8Array(sets.length * K);
  sets.forEach((set, b) => set.forEach((k) => (bagLabels[b * K + k] = 1)));
  return { labels: ['a', 'b', 'c'], bagLabels, bagOffsets: new Int32Array(sets.length + 1), inputs: new Float32Array(0), inputLength: 0, bagIds: sets.map((_, b) => `B${b}`) };
}

describe("fine-tuning's labels with too few cases to train", () => {
  it('counts the cases that hold each label, a case with two labels for both, and leaves out those under the minimum', () => {
    // a: 5 cases, b: 4, c: none; negatives count for nothing
    const data = cases([[0], [0, 1], [0, 1], [0], [0, 1], [1], [], []]);
    expect(labelsWithFewCases(data, 5)).toEqual([1, 2]);
    expect(labelsWithFewCases(data, 4)).toEqual([2]);
    expect(labelsWithFewCases(data, 1)).toEqual([2]);
  });
});
