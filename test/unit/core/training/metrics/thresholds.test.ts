import { describe, expect, it } from 'vitest';
import { tuneThresholds } from '../../../../../electron/core/training/metrics/thresholds';

describe('threshold tuning', () => {
  it('picks the best-F1 threshold per label, nearest 0.5 among ties; no positives keeps 0.5', () => {
    // label 0: positives score 0.3/0.35, negatives 0.1/0.2 → any t in (0.2, 0.3] separates; nearest 0.5 is 0.3
    // label 1: no positives
    const truth = [1, 0, 1, 0, 0, 0, 0, 0];
    const scores = [0.3, 0.9, 0.35, 0.8, 0.1, 0.7, 0.2, 0.6];
    expect(tuneThresholds(truth, scores, 4, 2)).toEqual([0.3, 0.5]);
  });
});
