/**
 * Image-level multi-label metrics (docs/method.md §metrics). Definitions follow scikit-learn 1.x where one
 * exists, so figures are comparable with the paper's Python code:
 * - F1 / precision / recall: zero division scores 0 (sklearn's default `zero_division='warn'`).
 * - AP: non-interpolated, ties in score grouped into one threshold (`average_precision_score`).
 *   mAP skips classes without positives and lists them (sklearn would return 0 for them).
 * - F1 macro: every class, a class without positives scoring 0 (docs/method.md §metrics); beside it
 *   `f1_macro_present`, over the classes mAP averages, the figure for a set that holds only some of
 *   the labels (a lab without golgi cases, a real-cell set of six patterns).
 * - Hamming loss, subset accuracy: `hamming_loss`, `accuracy_score`.
 * - ranking loss, coverage, example-based average precision: `label_ranking_loss`,
 *   `coverage_error`, `label_ranking_average_precision_score` (ties are pessimistic there).
 * - one-error has no sklearn twin: the share of images with at least one true label whose
 *   top-scored label (lowest index among ties) is not a true label.
 * Inputs are row-major: `truth[i*K+k]` ∈ {0,1}, `scores[i*K+k]` ∈ [0,1].
 */

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** null when the class has no positive image (AP undefined). */
  ap: number | null;
  support: number;
  /** Images the class was called on (on a class without positives, every one a false call). */
  called: number;
}

export interface LabelSetConfusion {
  truth: string;
  predicted: string;
  count: number;
}

export interface EvaluationReport {
  f1_micro: number;
  f1_macro: number;
  /** Mean F1 over the classes with at least one positive image (mAP's classes); f1_macro when every class has one. */
  f1_macro_present: number;
  subset_accuracy: number;
  map: number;
  hamming_loss: number;
  one_error: number;
  ranking_loss: number;
  coverage: number;
  average_precision: number;
  per_class: Record<string, ClassMetrics>;
  n_images: number;
  /** Classes skipped by mAP because the data holds no positive for them. */
  map_skipped: string[];
  /** How often each true label set was predicted as each predicted set, most frequent first. */
  label_set_confusion: LabelSetConfusion[];
}

export interface MultiLabelData {
  truth: ArrayLike<number>;
  scores: ArrayLike<number>;
  imageCount: number;
  labelCount: number;
}

/** Fields with no label (negative wells) and how many of them no label's score reaches its threshold on. */
export function negativesReadNegative(d: MultiLabelData, threshold: number | ArrayLike<number>): { negatives: number; readNegative: number } {
  const K = d.labelCount;
  const t = (k: number) => (typeof threshold === 'number' ? threshold : threshold[k]!);
  let negatives = 0;
  let readNegative = 0;
  for (let b = 0; b < d.imageCount; b++) {
    let positive = false;
    let called = false;
    for (let k = 0; k < K; k++) {
      positive ||= d.truth[b * K + k]! > 0;
      called ||= d.scores[b * K + k]! >= t(k);
    }
    if (positive) continue;
    negatives++;
    if (!called) readNegative++;
  }
  return { negatives, readNegative };
}

function check(d: MultiLabelData): void {
  const n = d.imageCount * d.labelCount;
  if (d.truth.length !== n || d.scores.length !== n) {
    throw new RangeError(`metrics: expected ${n} values for ${d.imageCount} images × ${d.labelCount} labels, got truth ${d.truth.length}, scores ${d.scores.length}`);
  }
}

const div = (a: number, b: number): number => (b === 0 ? 0 : a / b);

export function binarise(scores: ArrayLike<number>, threshold: number | ArrayLike<number>, labelCount: number): Uint8Array {
  const out = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const t = typeof threshold === 'number' ? threshold : threshold[i % labelCount]!;
    out[i] = scores[i]! >= t ? 1 : 0;
  }
  return out;
}

interface Counts {
  tp: number[];
  fp: number[];
  fn: number[];
}

function counts(truth: ArrayLike<number>, predicted: ArrayLike<number>, n: number, K: number): Counts {
  const c: Counts = { tp: new Array(K).fill(0), fp: new Array(K).fill(0), fn: new Array(K).fill(0) };
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const t = truth[i * K + k]! > 0;
      const p = predicted[i * K + k]! > 0;
      if (t && p) c.tp[k]!++;
      else if (p) c.fp[k]!++;
      else if (t) c.fn[k]!++;
    }
  }
  return c;
}

export function f1Micro(truth: ArrayLike<number>, predicted: ArrayLike<number>, n: number, K: number): number {
  const c = counts(truth, predicted, n, K);
  const tp = sum(c.tp);
  return div(2 * tp, 2 * tp + sum(c.fp) + sum(c.fn));
}

export function f1PerClass(truth: ArrayLike<number>, predicted: ArrayLike<number>, n: number, K: number): number[] {
  const c = counts(truth, predicted, n, K);
  return c.tp.map((tp, k) => div(2 * tp, 2 * tp + c.fp[k]! + c.fn[k]!));
}

export function f1Macro(truth: ArrayLike<number>, predicted: ArrayLike<number>, n: number, K: number): number {
  return mean(f1PerClass(truth, predicted, n, K));
}

export function subsetAccuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>, n: number, K: number): number {
  if (n === 0) return 0;
  let exact = 0;
  for (let i = 0; i < n; i++) {
    let same = true;
    for (let k = 0; k < K && same; k++) same = truth[i * K + k]! > 0 === predicted[i * K + k]! > 0;
    if (same) exact++;
  }
  return exact / n;
}

export function hammingLoss(truth: ArrayLike<number>, predicted: ArrayLike<number>, n: number, K: number): number {
  if (n === 0) return 0;
  let wrong = 0;
  for (let i = 0; i < n * K; i++) if (truth[i]! > 0 !== predicted[i]! > 0) wrong++;
  return wrong / (n * K);
}

/** Non-interpolated AP of one class; null without positives (sklearn warns and returns 0 there). */
export function averagePrecision(truth: ArrayLike<number>, scores: ArrayLike<number>): number | null {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let positives = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i]! > 0) positives++;
  if (positives === 0) return null;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let i = 0;
  while (i < order.length) {
    // All items sharing a score form one threshold: they enter the ranking together.
    const score = scores[order[i]!]!;
    let newTp = 0;
    while (i < order.length && scores[order[i]!]! === score) {
      if (truth[order[i]!]! > 0) newTp++;
      else fp++;
      i++;
    }
    tp += newTp;
    if (newTp > 0) ap += (newTp / positives) * (tp / (tp + fp));
  }
  return ap;
}

function column(data: ArrayLike<number>, n: number, K: number, k: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = data[i * K + k]!;
  return out;
}

export function perClassAp(truth: ArrayLike<number>, scores: ArrayLike<number>, n: number, K: number): (number | null)[] {
  return Array.from({ length: K }, (_, k) => averagePrecision(column(truth, n, K, k), column(scores, n, K, k)));
}

/** Mean AP over classes that have at least one positive; 0 when none has. */
export function meanAveragePrecision(truth: ArrayLike<number>, scores: ArrayLike<number>, n: number, K: number): number {
  const aps = perClassAp(truth, scores, n, K).filter((a): a is number => a !== null);
  return aps.length ? mean(aps) : 0;
}

export function oneError(truth: ArrayLike<number>, scores: ArrayLike<number>, n: number, K: number): number {
  let counted = 0;
  let errors = 0;
  for (let i = 0; i < n; i++) {
    let any = false;
    let best = 0;
    for (let k = 0; k < K; k++) {
      if (truth[i * K + k]! > 0) any = true;
      if (scores[i * K + k]! > scores[i * K + best]!) best = k;
    }
    if (!any) continue;
    counted++;
    if (!(truth[i * K + best]! > 0)) errors++;
  }
  return div(errors, counted);
}

/** sklearn `label_ranking_loss`: share of (relevant, irrelevant) pairs with s_rel <= s_irr. */
export function rankingLoss(truth: ArrayLike<number>, scores: ArrayLike<number>, n: number, K: number): number {
  if (n === 0) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let rel = 0;
    let bad = 0;
    for (let a = 0; a < K; a++) {
      if (!(truth[i * K + a]! > 0)) continue;
      rel++;
      for (let b = 0; b < K; b++) if (!(truth[i * K + b]! > 0) && scores[i * K + a]! <= scores[i * K + b]!) bad++;
    }
    if (rel === 0 || rel === K) continue;
    total += bad / (rel * (K - rel));
  }
  return total / n;
}

/** sklearn `coverage_error`: labels scored at or above the lowest-scored true label; 0 without true labels. */
export function coverage(truth: ArrayLike<number>, scores: ArrayLike<number>, n: number, K: number): number {
  if (n === 0) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let lowest = Infinity;
    for (let k = 0; k < K; k++) if (truth[i * K + k]! > 0) lowest = Math.min(lowest, scores[i * K + k]!);
    if (lowest === Infinity) continue;
    for (let k = 0; k < K; k++) if (scores[i * K + k]! >= lowest) total++;
  }
  return total / n;
}

/** sklearn `label_ranking_average_precision_score`: images with no or all true labels score 1. */
export function exampleAveragePrecision(truth: ArrayLike<number>, scores: ArrayLike<number>, n: number, K: number): number {
  if (n === 0) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let rel = 0;
    for (let k = 0; k < K; k++) if (truth[i * K + k]! > 0) rel++;
    if (rel === 0 || rel === K) {
      total += 1;
      continue;
    }
    let s = 0;
    for (let j = 0; j < K; j++) {
      if (!(truth[i * K + j]! > 0)) continue;
      const sj = scores[i * K + j]!;
      let rank = 0;
      let relAbove = 0;
      for (let k = 0; k < K; k++) {
        if (scores[i * K + k]! >= sj) {
          rank++;
          if (truth[i * K + k]! > 0) relAbove++;
        }
      }
      s += relAbove / rank;
    }
    total += s / rel;
  }
  return total / n;
}

export function labelSetConfusion(truth: ArrayLike<number>, predicted: ArrayLike<number>, n: number, labels: readonly string[]): LabelSetConfusion[] {
  const K = labels.length;
  const name = (data: ArrayLike<number>, i: number): string => labels.filter((_, k) => data[i * K + k]! > 0).join('+') || '(none)';
  const tally = new Map<string, LabelSetConfusion>();
  for (let i = 0; i < n; i++) {
    const t = name(truth, i);
    const p = name(predicted, i);
    const key = `${t}\u0000${p}`;
    const entry = tally.get(key) ?? { truth: t, predicted: p, count: 0 };
    entry.count++;
    tally.set(key, entry);
  }
  return [...tally.values()].sort((a, b) => b.count - a.count || a.truth.localeCompare(b.truth) || a.predicted.localeCompare(b.predicted));
}

/** `data` narrowed to the labels `keep` (their columns, in that order) and their names: a report over some of the labels only. */
export function onLabels(data: MultiLabelData, labels: readonly string[], keep: readonly number[]): { data: MultiLabelData; labels: string[] } {
  const { imageCount: n, labelCount: K } = data;
  const column = (m: ArrayLike<number>) => Float64Array.from({ length: n * keep.length }, (_, i) => m[Math.floor(i / keep.length) * K + keep[i % keep.length]!]!);
  return { data: { truth: column(data.truth), scores: column(data.scores), imageCount: n, labelCount: keep.length }, labels: keep.map((k) => labels[k]!) };
}

/** Every metric of docs/method.md §metrics at one threshold (0.5 by default, or one per class). */
export function evaluate(data: MultiLabelData, labels: readonly string[], threshold: number | ArrayLike<number> = 0.5): EvaluationReport {
  return evaluatePredicted(data, labels, binarise(data.scores, threshold, data.labelCount));
}

/**
 * Every metric with the calls given instead of thresholded from the scores (`predicted[i*K+k]` ∈
 * {0,1}): what a reading offered, where a gate may withhold calls the scores would make. The
 * ranking metrics (AP, one-error, …) still come from the scores.
 */
export function evaluatePredicted(data: MultiLabelData, labels: readonly string[], predicted: ArrayLike<number>): EvaluationReport {
  check(data);
  const { truth, scores, imageCount: n, labelCount: K } = data;
  if (labels.length !== K) throw new RangeError(`metrics: ${labels.length} label names for ${K} labels`);
  if (predicted.length !== n * K) throw new RangeError(`metrics: expected ${n * K} predicted values, got ${predicted.length}`);
  const c = counts(truth, predicted, n, K);
  const aps = perClassAp(truth, scores, n, K);
  const per_class: Record<string, ClassMetrics> = {};
  labels.forEach((key, k) => {
    const precision = div(c.tp[k]!, c.tp[k]! + c.fp[k]!);
    const recall = div(c.tp[k]!, c.tp[k]! + c.fn[k]!);
    per_class[key] = { precision, recall, f1: div(2 * c.tp[k]!, 2 * c.tp[k]! + c.fp[k]! + c.fn[k]!), ap: aps[k]!, support: c.tp[k]! + c.fn[k]!, called: c.tp[k]! + c.fp[k]! };
  });
  const present = aps.filter((a): a is number => a !== null);
  return {
    f1_micro: f1Micro(truth, predicted, n, K),
    f1_macro: f1Macro(truth, predicted, n, K),
    f1_macro_present: mean(labels.filter((key) => per_class[key]!.support > 0).map((key) => per_class[key]!.f1)),
    subset_accuracy: subsetAccuracy(truth, predicted, n, K),
    map: present.length ? mean(present) : 0,
    hamming_loss: hammingLoss(truth, predicted, n, K),
    one_error: oneError(truth, scores, n, K),
    ranking_loss: rankingLoss(truth, scores, n, K),
    coverage: coverage(truth, scores, n, K),
    average_precision: exampleAveragePrecision(truth, scores, n, K),
    per_class,
    n_images: n,
    map_skipped: labels.filter((_, k) => aps[k] === null),
    label_set_confusion: labelSetConfusion(truth, predicted, n, labels),
  };
}

/** A report with the image-level scores and per-label thresholds it was computed from: what a comparison of operating points (the validation gate) needs beyond the figures. */
export interface ScoredReport {
  report: EvaluationReport;
  data: MultiLabelData;
  thresholds: number[];
}

export function scoredReport(data: MultiLabelData, labels: readonly string[], thresholds: readonly number[]): ScoredReport {
  return { report: evaluate(data, labels, thresholds), data, thresholds: [...thresholds] };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function mean(values: number[]): number {
  return values.length ? sum(values) / values.length : 0;
}
