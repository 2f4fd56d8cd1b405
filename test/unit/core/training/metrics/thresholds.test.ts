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

  it('is the one rule for heads, whole networks and the recipes: a 0.025 grid, so a narrow perfect band is found', () => {
    // Label 0: positives 0.33/0.34, negative 0.31 → only (0.31, 0.33] separates; on the grid that is 0.325 alone
    // (a 0.05 grid, the old whole-network rule, could only offer 0.3 or 0.35).
    const truth = [1, 1, 0];
    const scores = [0.33, 0.34, 0.31];
    expect(tuneThresholds(truth, scores, 3, 1)).toEqual([0.325]);
  });
});
