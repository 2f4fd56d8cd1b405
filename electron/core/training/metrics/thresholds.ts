/**
 * Per-label decision thresholds. docs/method.md §aggregation thresholds every label at 0.5; a head trained on
 * inherited (noisy) patch labels is not calibrated at 0.5 per label, so training can instead pick,
 * per label, the threshold with the best F1 on the validation images (never on test images).
 */
export type ThresholdMode = 'fixed' | 'tuned' | 'shrunk';

/** Best-F1 threshold per label on a 0.05..0.95 grid (step 0.025); ties go to the value nearest 0.5; labels without positives keep 0.5. */
export function tuneThresholds(truth: ArrayLike<number>, scores: ArrayLike<number>, imageCount: number, labelCount: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < labelCount; k++) {
    let positives = 0;
    for (let i = 0; i < imageCount; i++) positives += truth[i * labelCount + k]! > 0 ? 1 : 0;
    if (positives === 0) {
      out.push(0.5);
      continue;
    }
    let best = { t: 0.5, f1: -1 };
    for (let step = 0; step <= 36; step++) {
      const t = Math.round((0.05 + step * 0.025) * 1000) / 1000;
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (let i = 0; i < imageCount; i++) {
        const p = scores[i * labelCount + k]! >= t;
        const y = truth[i * labelCount + k]! > 0;
        if (p && y) tp++;
        else if (p) fp++;
        else if (y) fn++;
      }
      const f1 = (2 * tp) / (2 * tp + fp + fn);
      if (f1 > best.f1 + 1e-12 || (Math.abs(f1 - best.f1) <= 1e-12 && Math.abs(t - 0.5) < Math.abs(best.t - 0.5))) best = { t, f1 };
    }
    out.push(best.t);
  }
  return out;
}

/**
 * Positives at which a label's tuned threshold and the prior weigh the same (`shrunkThresholds`).
 * With a few dozen validation cases a label has a handful of positives, and the best-F1 threshold
 * on them swings across the whole grid (the issue-15 table: recall 1.0 one run, 0.0 the next).
 */
export const THRESHOLD_PRIOR_POSITIVES = 10;

/**
 * Best-F1 thresholds shrunk towards the prior (0.5, the threshold the head's loss is calibrated
 * for) by the evidence behind them: t = (p·t̂ + m·0.5) / (p + m), p the label's positives among the
 * validation images, m = THRESHOLD_PRIOR_POSITIVES. Many positives: the tuned value; none: 0.5.
 */
export function shrunkThresholds(truth: ArrayLike<number>, scores: ArrayLike<number>, imageCount: number, labelCount: number, priorPositives = THRESHOLD_PRIOR_POSITIVES): number[] {
  return tuneThresholds(truth, scores, imageCount, labelCount).map((tuned, k) => {
    let positives = 0;
    for (let i = 0; i < imageCount; i++) positives += truth[i * labelCount + k]! > 0 ? 1 : 0;
    return Math.round(((positives * tuned + priorPositives * 0.5) / (positives + priorPositives)) * 1000) / 1000;
  });
}

/** Thresholds for a mode: 0.5, best F1 on the validation images, or best F1 shrunk towards 0.5. */
export function thresholdsFor(mode: ThresholdMode, truth: ArrayLike<number>, scores: ArrayLike<number>, imageCount: number, labelCount: number): number[] {
  if (mode === 'tuned') return tuneThresholds(truth, scores, imageCount, labelCount);
  if (mode === 'shrunk') return shrunkThresholds(truth, scores, imageCount, labelCount);
  return new Array<number>(labelCount).fill(0.5);
}
