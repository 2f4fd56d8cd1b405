import { describe, expect, it } from 'vitest';
import type { BagDataset } from '../../../../../electron/core/training/dataset';
import { casesToTrain, ENOUGH_CASES_TO_TRAIN, labelsTooRareToTrain, labelsWithFewCases, MIN_CASES_TO_TRAIN, MIN_SHARE_TO_TRAIN, untrainedCalls } from '../../../../../electron/core/training/finetune/rare-labels';

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

  it('asks for 5 cases up to 83 training cases, 6 % of them from 84 on, and never more than 30', () => {
    expect([0, 16, 33, 65, 83].map(casesToTrain)).toEqual([5, 5, 5, 5, 5]);
    expect([84, 100, 200, 255, 300, 500].map(casesToTrain)).toEqual([6, 6, 12, 16, 18, 30]);
    expect([501, 1000, 5000].map(casesToTrain)).toEqual([30, 30, 30]);
    expect([MIN_CASES_TO_TRAIN, MIN_SHARE_TO_TRAIN, ENOUGH_CASES_TO_TRAIN]).toEqual([5, 0.06, 30]);
  });

  it('leaves out, among 255 training cases, a label 10 of them hold (rule 7) and trains one that 16 hold', () => {
    const sets = Array.from({ length: 255 }, (_, b) => [...(b < 10 ? [0] : []), ...(b < 16 ? [1] : []), ...(b % 2 ? [2] : [])]);
    expect(labelsTooRareToTrain(cases(sets))).toEqual([0]);
    // With 60 training cases the minimum of 5 alone decides: 10 are enough.
    expect(labelsTooRareToTrain(cases(sets.slice(0, 60)))).toEqual([]);
    // Among 1,000, 30 cases (3 %) are enough; 29 are not.
    const many = Array.from({ length: 1000 }, (_, b) => [...(b < 29 ? [0] : []), ...(b < 30 ? [1] : []), 2]);
    expect(labelsTooRareToTrain(cases(many))).toEqual([0]);
  });
});

describe('untrainedCalls', () => {
  it('counts the cases each untrained label is called on at its threshold (a score at the threshold calls it) beside the cases signed with it', () => {
    // Four cases; b signed on cases 1 and 2, c on none.
    const data = cases([[0], [0, 1], [1], []]);
    // [case × label] image scores; thresholds a 0.5, b 0.6, c 0.3
    const scores = [0.9, 0.6, 0.1, 0.8, 0.7, 0.3, 0.2, 0.59, 0.31, 0.1, 0.9, 0.0];
    expect(untrainedCalls(data, scores, ['b', 'c'], [0.5, 0.6, 0.3])).toEqual([
      { key: 'b', called: 3, signed: 2 },
      { key: 'c', called: 2, signed: 0 },
    ]);
  });
});
