/**
 * Per-label decision thresholds. docs/method.md §aggregation thresholds every label at 0.5; a head trained on
 * inherited (noisy) patch labels is not calibrated at 0.5 per label, so training can instead pick,
 * per label, the threshold with the best F1 on the validation images (never on test images).
 */
export const THRESHOLD_MODES = ['fixed', 'tuned', 'shrunk', 'cv', 'platt', 'prevalence'] as const;
export type ThresholdMode = (typeof THRESHOLD_MODES)[number];

/**
 * Modes whose evidence is the out-of-fold scores of every signed case (k-fold cross-validation,
 * heads/train-model.ts `outOfFoldScores`) rather than the early-stopping cases' scores: 'cv' the
 * best-F1 threshold on them, 'platt' the threshold where a sigmoid fitted to them (Platt scaling)
 * says 0.5.
 */
export const OUT_OF_FOLD_MODES: readonly ThresholdMode[] = ['cv', 'platt'];

/**
 * Modes whose evidence is the trained candidate's own scores on every case it learnt from (the
 * training and the early-stopping cases): 'prevalence' needs only the order of the scores and the
 * share of positives, both of which hold up on cases the candidate was fitted to.
 */
export const TRAINING_CASE_MODES: readonly ThresholdMode[] = ['prevalence'];

/** Each mode in words (model provenance, cards); `folds` of the cross-validation. */
export const THRESHOLD_WORDS = (folds: number): Record<ThresholdMode, string> => ({
  fixed: '0.5 for every label (docs/method.md §aggregation)',
  tuned: 'per label, best F1 on the validation images',
  shrunk: `per label, best F1 on the validation images shrunk towards 0.5 by the label's positives (m = ${THRESHOLD_PRIOR_POSITIVES})`,
  cv: `per label, best F1 on ${folds}-fold out-of-fold scores of every training case`,
  platt: `per label, where Platt scaling fitted on ${folds}-fold out-of-fold scores of every training case gives 0.5`,
  prevalence: 'per label, the score above which the candidate calls the label on as many of its training cases as were signed with it',
});

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

/** Platt's thresholds never leave this range: a label whose sigmoid is flat or inverted keeps 0.5. */
const PLATT_RANGE = [0.01, 0.99] as const;

/**
 * Platt scaling per label: q = σ(a·logit(p) + b) fitted by Newton's method on the images' scores
 * (log loss, Platt's smoothed targets (P+1)/(P+2) and 1/(N+2), which keep a separable label
 * finite), and the raw score where q = 0.5: p = σ(−b/a). Labels without positives or negatives,
 * or with a ≤ 0, keep 0.5.
 */
export function plattThresholds(truth: ArrayLike<number>, scores: ArrayLike<number>, imageCount: number, labelCount: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < labelCount; k++) {
    const z: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < imageCount; i++) {
      const p = Math.min(Math.max(scores[i * labelCount + k]!, 1e-6), 1 - 1e-6);
      z.push(Math.log(p / (1 - p)));
      y.push(truth[i * labelCount + k]! > 0 ? 1 : 0);
    }
    const positives = y.reduce((a, b) => a + b, 0);
    const negatives = imageCount - positives;
    if (positives === 0 || negatives === 0) {
      out.push(0.5);
      continue;
    }
    const target = y.map((v) => (v ? (positives + 1) / (positives + 2) : 1 / (negatives + 2)));
    const { a, b } = fitSigmoid(z, target);
    const t = a > 1e-9 ? 1 / (1 + Math.exp(b / a)) : 0.5;
    out.push(Math.round(Math.min(Math.max(t, PLATT_RANGE[0]), PLATT_RANGE[1]) * 1000) / 1000);
  }
  return out;
}

/** Minimises Σ log loss of σ(a·z + b) against soft targets by damped Newton steps (a 2-parameter convex problem). */
function fitSigmoid(z: readonly number[], target: readonly number[]): { a: number; b: number } {
  let a = 1;
  let b = 0;
  const loss = (a: number, b: number): number => z.reduce((sum, zi, i) => sum + softplus(a * zi + b) - target[i]! * (a * zi + b), 0);
  for (let iter = 0; iter < 100; iter++) {
    let [ga, gb, haa, hab, hbb] = [0, 0, 1e-9, 0, 1e-9];
    z.forEach((zi, i) => {
      const q = 1 / (1 + Math.exp(-(a * zi + b)));
      const r = q - target[i]!;
      const w = q * (1 - q);
      ga += r * zi;
      gb += r;
      haa += w * zi * zi;
      hab += w * zi;
      hbb += w;
    });
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    let step = 1;
    const before = loss(a, b);
    while (step > 1e-6 && loss(a - step * da, b - step * db) > before) step /= 2;
    a -= step * da;
    b -= step * db;
    if (Math.abs(step * da) + Math.abs(step * db) < 1e-9) break;
  }
  return { a, b };
}

function softplus(x: number): number {
  return x > 30 ? x : Math.log1p(Math.exp(x));
}

/**
 * Prevalence matching: per label, the midpoint between the p-th and (p+1)-th highest score of the
 * n images, p the label's positives among them, so that the label is called on exactly as many
 * images as carry it (ties aside). A best-F1 threshold is the argmax of a step function over a
 * handful of positives and jumps across the grid; a share of positives and an order of scores
 * are stable with a few hundred cases, and a fine-tuned network's scores keep their order when
 * its fit moves them (docs/results.md, "Thresholds of a fine-tuned network"). Labels without
 * positives or without negatives keep `prior`'s value.
 */
export function prevalenceThresholds(truth: ArrayLike<number>, scores: ArrayLike<number>, imageCount: number, labelCount: number, prior: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let k = 0; k < labelCount; k++) {
    const column: number[] = [];
    let positives = 0;
    for (let i = 0; i < imageCount; i++) {
      column.push(scores[i * labelCount + k]!);
      positives += truth[i * labelCount + k]! > 0 ? 1 : 0;
    }
    if (positives === 0 || positives === imageCount) {
      out.push(prior[k]!);
      continue;
    }
    column.sort((a, b) => b - a);
    out.push((column[positives - 1]! + column[positives]!) / 2);
  }
  return out;
}

/**
 * Thresholds for a mode from the evidence given: 0.5; best F1 ('tuned', and 'cv' whose evidence
 * is out-of-fold); best F1 shrunk towards 0.5; Platt scaling's 0.5 ('platt', out-of-fold);
 * prevalence matching ('prevalence', its labels without positives or negatives at `prior`,
 * default 0.5).
 */
export function thresholdsFor(mode: ThresholdMode, truth: ArrayLike<number>, scores: ArrayLike<number>, imageCount: number, labelCount: number, prior?: ArrayLike<number>): number[] {
  if (mode === 'tuned' || mode === 'cv') return tuneThresholds(truth, scores, imageCount, labelCount);
  if (mode === 'shrunk') return shrunkThresholds(truth, scores, imageCount, labelCount);
  if (mode === 'platt') return plattThresholds(truth, scores, imageCount, labelCount);
  if (mode === 'prevalence') return prevalenceThresholds(truth, scores, imageCount, labelCount, prior ?? new Array<number>(labelCount).fill(0.5));
  return new Array<number>(labelCount).fill(0.5);
}
