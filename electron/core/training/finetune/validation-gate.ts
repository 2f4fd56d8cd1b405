/**
 * The validation gate of local fine-tuning: a candidate is released only if, on the same frozen
 * held-out signed cases, its macro-F1 and mAP do not fall more than a stated tolerance below the
 * active model's, and no class's recall falls by more than a stated amount (a missed pattern is
 * the costly error in ANA reading). Classes absent from the held-out cases cannot be judged and are
 * listed, not counted.
 *
 * Recall is compared **at matched specificity**: the candidate's recall at the threshold where its
 * specificity on the validation cases reaches the active version's specificity at the active
 * threshold. Comparing recalls at each model's own threshold rewards an active model that calls
 * nearly everything positive (on an unfamiliar microscope the shipped model does): its recall is
 * high because its specificity is near 0, and a better candidate that stops over-calling looked
 * like a loss. Matched, an active model that calls everything positive has specificity 0, the
 * candidate matches it by calling everything positive too, and its recall there is 1. A candidate
 * that truly ranks a pattern's positives worse still loses recall at the same specificity and is
 * refused. A class without negative validation cases has no specificity to match: its recalls are
 * compared at each model's own threshold, as before.
 */
import { Random } from '../../random';
import { binarise, f1Macro, meanAveragePrecision, type EvaluationReport, type ScoredReport } from '../metrics/metrics';

export interface GateTolerances {
  /** Largest allowed drop of macro-F1 (absolute). */
  macroF1Drop: number;
  /** Largest allowed drop of mAP (absolute). */
  mapDrop: number;
  /** Largest allowed drop of any class's recall at the active version's specificity (absolute). */
  recallDrop: number;
}

export const DEFAULT_GATE: GateTolerances = { macroF1Drop: 0.01, mapDrop: 0.01, recallDrop: 0.05 };

/**
 * How much the candidate's macro-F1 and mAP differences from the active version would typically
 * move on another set of as many cases like the validation cases: their standard deviation over
 * bootstrap resamples of the cases (the same resample for both versions). On 75 cases it matched how
 * much they moved from one drawn set of 75 to another (docs/results.md, *The gate on a lab's few
 * validation cases*), and it is often larger than the tolerances: it is reported, not judged.
 */
export interface GateSpread {
  f1_macro: number;
  map: number;
  resamples: number;
}

export const SPREAD_RESAMPLES = 200;

/** One class's recall comparison: the active version at its threshold, the candidate at the threshold matching that specificity. */
export interface MatchedRecall {
  /** The active version's specificity at its threshold; null when the validation cases hold no negative of the class (recalls compared at own thresholds). */
  specificity: number | null;
  active: number;
  candidate: number;
  /** The class's positive validation cases (both versions are scored on the same cases): one case moves a recall by 1 / positives. */
  positives: number;
}

export interface GateResult {
  passed: boolean;
  reasons: string[];
  tolerances: GateTolerances;
  /** Recall at each version's own threshold (what a reading would call), for the record. */
  candidate: { f1_macro: number; map: number; recall: Record<string, number> };
  active: { f1_macro: number; map: number; recall: Record<string, number> };
  /** What the recall rule judged, per class with validation positives. */
  matchedRecall: Record<string, MatchedRecall>;
  unjudgedClasses: string[];
  n_images: number;
  /** How much the macro-F1 and mAP differences would move on other cases like these; null when the two versions were not scored on the same cases. */
  spread: GateSpread | null;
}

/** `resamples` for the spread; 0 leaves it out (a measurement that calls the gate thousands of times). */
export function validationGate(candidate: ScoredReport, active: ScoredReport, tolerances: GateTolerances = DEFAULT_GATE, resamples = SPREAD_RESAMPLES): GateResult {
  const reasons: string[] = [];
  const d = (v: number): string => v.toFixed(3);
  const [c, a] = [candidate.report, active.report];
  const spread = resamples > 0 ? pairedSpread(candidate, active, resamples) : null;
  const moves = (by: number | undefined): string => (by === undefined ? '' : `; on another ${c.n_images} cases like these the difference would typically move by ${d(by)}`);
  if (c.f1_macro < a.f1_macro - tolerances.macroF1Drop) reasons.push(`macro-F1 ${d(c.f1_macro)} is below the active model's ${d(a.f1_macro)} by more than ${tolerances.macroF1Drop}${moves(spread?.f1_macro)}`);
  if (c.map < a.map - tolerances.mapDrop) reasons.push(`mAP ${d(c.map)} is below the active model's ${d(a.map)} by more than ${tolerances.mapDrop}${moves(spread?.map)}`);
  const labels = Object.keys(a.per_class);
  const matchedRecall: Record<string, MatchedRecall> = {};
  labels.forEach((key, k) => {
    if (a.per_class[key]!.support === 0) return;
    const m = matchRecall(candidate, active, k);
    matchedRecall[key] = m;
    if (m.candidate >= m.active - tolerances.recallDrop) return;
    const where = m.specificity === null ? 'each at its own threshold (no negative validation case)' : `at the active model's specificity ${d(m.specificity)}`;
    const cases = (recall: number): string => `${Math.round(recall * m.positives)} of ${m.positives}`;
    reasons.push(`recall of ${key} ${d(m.candidate)} (${cases(m.candidate)} cases) is below the active model's ${d(m.active)} (${cases(m.active)}) by more than ${tolerances.recallDrop}, ${where}`);
  });
  return {
    passed: reasons.length === 0,
    reasons,
    tolerances,
    candidate: { f1_macro: c.f1_macro, map: c.map, recall: ownRecall(c) },
    active: { f1_macro: a.f1_macro, map: a.map, recall: ownRecall(a) },
    matchedRecall,
    unjudgedClasses: Object.entries(a.per_class).filter(([, m]) => m.support === 0).map(([k]) => k),
    n_images: c.n_images,
    spread,
  };
}

/**
 * The standard deviation of (candidate − active) macro-F1 and mAP over `resamples` bootstrap
 * resamples of the cases, seeded (the same record gives the same figure). Null unless both versions
 * were scored on the same cases, in the same order, with the same labels.
 */
export function pairedSpread(candidate: ScoredReport, active: ScoredReport, resamples = SPREAD_RESAMPLES, seed = 1): GateSpread | null {
  const [c, a] = [candidate.data, active.data];
  const n = a.imageCount;
  const K = a.labelCount;
  if (c.imageCount !== n || c.labelCount !== K || n < 2) return null;
  for (let i = 0; i < n * K; i++) if (c.truth[i] !== a.truth[i]) return null;
  const rng = new Random(seed);
  const truth = new Float64Array(n * K);
  const candidateScores = new Float64Array(n * K);
  const activeScores = new Float64Array(n * K);
  const f1: number[] = [];
  const map: number[] = [];
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) {
      const r = Math.floor(rng.next() * n);
      for (let k = 0; k < K; k++) {
        truth[i * K + k] = a.truth[r * K + k]!;
        candidateScores[i * K + k] = c.scores[r * K + k]!;
        activeScores[i * K + k] = a.scores[r * K + k]!;
      }
    }
    // The gate's figures on the resample: macro-F1 at each version's thresholds (as evaluate computes it), and mAP.
    f1.push(f1Macro(truth, binarise(candidateScores, candidate.thresholds, K), n, K) - f1Macro(truth, binarise(activeScores, active.thresholds, K), n, K));
    map.push(meanAveragePrecision(truth, candidateScores, n, K) - meanAveragePrecision(truth, activeScores, n, K));
  }
  return { f1_macro: standardDeviation(f1), map: standardDeviation(map), resamples };
}

function standardDeviation(xs: readonly number[]): number {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, xs.length - 1));
}

function ownRecall(r: EvaluationReport): Record<string, number> {
  return Object.fromEntries(Object.entries(r.per_class).filter(([, m]) => m.support > 0).map(([k, m]) => [k, m.recall]));
}

/** One class's column: scores of its positive and negative images. */
function column(s: ScoredReport, k: number): { positives: number[]; negatives: number[] } {
  const { truth, scores, imageCount, labelCount } = s.data;
  const positives: number[] = [];
  const negatives: number[] = [];
  for (let i = 0; i < imageCount; i++) (truth[i * labelCount + k]! > 0 ? positives : negatives).push(scores[i * labelCount + k]!);
  return { positives, negatives };
}

/**
 * Class k: the active version's specificity and recall at its threshold, and the candidate's
 * highest recall among its thresholds whose specificity is at least that (specificity moves in
 * steps of one negative case, so "equal" is the nearest step at or above). Each version's own
 * validation labels are used, so the two need not hold the same images.
 */
export function matchRecall(candidate: ScoredReport, active: ScoredReport, k: number): MatchedRecall {
  const act = column(active, k);
  const threshold = active.thresholds[k]!;
  const activeRecall = act.positives.filter((s) => s >= threshold).length / Math.max(1, act.positives.length);
  const cand = column(candidate, k);
  if (act.negatives.length === 0 || cand.negatives.length === 0) {
    const own = cand.positives.filter((s) => s >= candidate.thresholds[k]!).length / Math.max(1, cand.positives.length);
    return { specificity: null, active: activeRecall, candidate: own, positives: act.positives.length };
  }
  const specificity = act.negatives.filter((s) => s < threshold).length / act.negatives.length;
  // The most false positives the candidate may call and keep that specificity (the epsilon absorbs rounding of equal shares).
  const allowed = Math.floor(cand.negatives.length * (1 - specificity) + 1e-9);
  const negativesDown = [...cand.negatives].sort((x, y) => y - x);
  // Calling everything above the (allowed+1)-th highest negative score keeps at most `allowed` negatives positive, ties included.
  const candidateRecall = allowed >= negativesDown.length ? 1 : cand.positives.filter((s) => s > negativesDown[allowed]!).length / Math.max(1, cand.positives.length);
  return { specificity, active: activeRecall, candidate: candidateRecall, positives: act.positives.length };
}
