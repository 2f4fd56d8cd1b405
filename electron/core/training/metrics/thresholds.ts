/**
 * Per-label decision thresholds. docs/method.md §aggregation thresholds every label at 0.5; a head trained on
 * inherited (noisy) patch labels is not calibrated at 0.5 per label, so training can instead pick,
 * per label, the threshold with the best F1 on the validation images (never on test images).
 */
export type ThresholdMode = 'fixed' | 'tuned';

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
