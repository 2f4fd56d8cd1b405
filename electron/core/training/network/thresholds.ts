/**
 * Per-label decision thresholds chosen on the validation split: for each label the threshold in
 * 0.05..0.95 (steps of 0.05) with the best image-level F1; ties go to the one closest to 0.5, and
 * a label without validation positives keeps 0.5.
 */
export function chooseThresholds(truth: ArrayLike<number>, scores: ArrayLike<number>, imageCount: number, labelCount: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < labelCount; k++) {
    let positives = 0;
    for (let i = 0; i < imageCount; i++) positives += truth[i * labelCount + k]!;
    if (positives === 0) {
      out.push(0.5);
      continue;
    }
    let best = 0.5;
    let bestF1 = -1;
    for (let step = 1; step <= 19; step++) {
      const t = step / 20;
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (let i = 0; i < imageCount; i++) {
        const predicted = scores[i * labelCount + k]! >= t;
        const actual = truth[i * labelCount + k] === 1;
        if (predicted && actual) tp++;
        else if (predicted) fp++;
        else if (actual) fn++;
      }
      const f1 = (2 * tp) / (2 * tp + fp + fn);
      if (f1 > bestF1 + 1e-12 || (Math.abs(f1 - bestF1) <= 1e-12 && Math.abs(t - 0.5) < Math.abs(best - 0.5))) [best, bestF1] = [t, f1];
    }
    out.push(best);
  }
  return out;
}
