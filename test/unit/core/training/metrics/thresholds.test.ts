import { describe, expect, it } from 'vitest';
import { plattThresholds, prevalenceThresholds, shrunkThresholds, thresholdsFor, tuneThresholds } from '../../../../../electron/core/training/metrics/thresholds';

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

describe('shrunk thresholds (few validation cases)', () => {
  it('moves the best-F1 threshold towards 0.5 by the evidence: few positives stay near 0.5, many keep the tuned value', () => {
    // One positive at 0.1 among negatives at 0.05: the tuned threshold is 0.1, but one case is weak evidence.
    const few = shrunkThresholds([1, 0, 0], [0.1, 0.05, 0.05], 3, 1);
    expect(tuneThresholds([1, 0, 0], [0.1, 0.05, 0.05], 3, 1)).toEqual([0.1]);
    expect(few[0]).toBeCloseTo((1 * 0.1 + 10 * 0.5) / 11, 3);
    // Forty positives at 0.15, forty negatives at 0.05: the tuned 0.15 is kept four fifths.
    const truth = [...new Array(40).fill(1), ...new Array(40).fill(0)];
    const scores = [...new Array(40).fill(0.15), ...new Array(40).fill(0.05)];
    expect(shrunkThresholds(truth, scores, 80, 1)[0]).toBeCloseTo((40 * 0.15 + 10 * 0.5) / 50, 3);
    // No positives: the prior.
    expect(shrunkThresholds([0, 0], [0.9, 0.1], 2, 1)).toEqual([0.5]);
  });
});

describe('Platt thresholds (calibration by log loss)', () => {
  const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
  it('recovers the sigmoid behind miscalibrated scores and returns the raw score where it says 0.5', () => {
    // True probability of a positive at raw score p: σ(2·logit(p) − 1); 200 images per score, positives in proportion.
    const truth: number[] = [];
    const scores: number[] = [];
    for (let z = -3; z <= 3.001; z += 0.25) {
      const positives = Math.round(200 * sigmoid(2 * z - 1));
      for (let i = 0; i < 200; i++) {
        truth.push(i < positives ? 1 : 0);
        scores.push(sigmoid(z));
      }
    }
    // σ(2z − 1) = 0.5 at z = 0.5: the raw score σ(0.5) = 0.622, not 0.5.
    expect(plattThresholds(truth, scores, truth.length, 1)[0]).toBeCloseTo(sigmoid(0.5), 2);
    expect(thresholdsFor('platt', truth, scores, truth.length, 1)).toEqual(plattThresholds(truth, scores, truth.length, 1));
  });
  it('stays finite on separable labels (smoothed targets) and keeps 0.5 where it cannot be fitted', () => {
    const t = plattThresholds([1, 1, 0, 0], [0.3, 0.35, 0.1, 0.15], 4, 1)[0]!;
    expect(t).toBeGreaterThan(0.15);
    expect(t).toBeLessThan(0.3);
    // No positives; no negatives; scores that fall as positives rise (a ≤ 0).
    expect(plattThresholds([0, 0, 1, 1, 0, 1, 1, 0], [0.9, 0.1, 0.5, 0.5, 0.2, 0.1, 0.2, 0.9], 4, 2)).toEqual([0.5, 0.5]);
    expect(plattThresholds([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9], 4, 1)).toEqual([0.5]);
  });
  it("'cv' chooses by best F1 on the evidence it is given (out-of-fold scores)", () => {
    const truth = [1, 0, 1, 0, 0, 0, 0, 0];
    const scores = [0.3, 0.9, 0.35, 0.8, 0.1, 0.7, 0.2, 0.6];
    expect(thresholdsFor('cv', truth, scores, 4, 2)).toEqual(tuneThresholds(truth, scores, 4, 2));
  });
});

describe('prevalence thresholds (call each label as often as it was signed)', () => {
  it('puts the threshold between the p-th and (p+1)-th highest score, p the positives, whatever the scale of the scores', () => {
    // Two of five images carry label 0; its scores sit low (a network whose fit moved them) but keep their order.
    const truth = [1, 0, 0, 0, 1, 0, 0, 0, 0, 0];
    const scores = [0.09, 0.6, 0.02, 0.5, 0.07, 0.55, 0.03, 0.45, 0.01, 0.4];
    const [t0, t1] = prevalenceThresholds(truth, scores, 5, 2, [0.3, 0.25]);
    expect(t0).toBeCloseTo((0.07 + 0.03) / 2, 12);
    // Called exactly on the two positives, where 0.5 (or the best F1 on a grid from 0.05) calls none.
    expect(scores.filter((s, i) => i % 2 === 0 && s >= t0!)).toEqual([0.09, 0.07]);
    // Label 1 has no positive: the prior.
    expect(t1).toBe(0.25);
    expect(thresholdsFor('prevalence', truth, scores, 5, 2, [0.3, 0.25])).toEqual([t0, t1]);
  });
  it('keeps the prior where every image carries the label, and 0.5 without a prior', () => {
    expect(prevalenceThresholds([1, 1, 1], [0.2, 0.9, 0.4], 3, 1, [0.175])).toEqual([0.175]);
    expect(thresholdsFor('prevalence', [0, 0], [0.9, 0.1], 2, 1)).toEqual([0.5]);
  });
});
