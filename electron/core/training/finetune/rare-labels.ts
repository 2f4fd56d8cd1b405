/** The patterns too few of a lab's training cases hold for fine-tuning to learn them: left out of the loss, their thresholds kept. */
import type { UntrainedCallsSummary } from '../../../contract';
import { bagCount, type BagDataset } from '../dataset';

/**
 * Fine-tuning trains a label only when at least this many training cases hold it (`casesToTrain`).
 * Five is under 2 % of a lab's ~250 training cases, where nuclear dots and AMA sit; fixed before it
 * was measured, not tuned (docs/results.md, *Patterns the lab's cases never show*, rules 4–6).
 */
export const MIN_CASES_TO_TRAIN = 5;

/**
 * ... and only when at least this share of them hold it. What costs a rare pattern its calls is
 * the lesson "mostly never": ten cases among 255 (3.9 %) lost recall that the same patterns left
 * out keep (rules 7 and 8), where the benchmark's own cases, the pattern at 11–15 %, did not (rule
 * 1's control). Up to 83 training cases it asks for no more than `MIN_CASES_TO_TRAIN`: small runs
 * are unchanged.
 */
export const MIN_SHARE_TO_TRAIN = 0.06;

/**
 * A label this many training cases hold is trained whatever its share, so that a pattern rare in
 * a lab (1–3 % of its sera) is learnt from its cases once there are enough of them, not never.
 * About the fewest cases measured to keep a pattern's recall when trained (rule 1's control: 33 of
 * routine's 300 signed fields hold nuclear dots, some 28 of them training cases); how a pattern
 * this many cases hold at a share under 6 % fares is not measured.
 */
export const ENOUGH_CASES_TO_TRAIN = 30;

/** The training cases that must hold a label for fine-tuning to train it, out of `trainingCases`. */
export function casesToTrain(trainingCases: number): number {
  return Math.max(MIN_CASES_TO_TRAIN, Math.min(Math.ceil(MIN_SHARE_TO_TRAIN * trainingCases), ENOUGH_CASES_TO_TRAIN));
}

/** The labels fine-tuning leaves out of the loss: fewer than `casesToTrain` of the training cases `fit` hold them. */
export function labelsTooRareToTrain(fit: BagDataset): number[] {
  return labelsWithFewCases(fit, casesToTrain(bagCount(fit)));
}

/**
 * The labels fewer than `minCases` cases of `data` hold. Fine-tuning leaves them out of the loss:
 * their lesson would be mostly "never". On 300 generated cases without mitochondrial or nuclear
 * dots that lesson cost those patterns a quarter of their recall on fields that have them, where
 * the gate cannot see it (no validation case holds them either; docs/results.md, *Patterns the
 * lab's cases never show*).
 */
export function labelsWithFewCases(data: BagDataset, minCases: number): number[] {
  const K = data.labels.length;
  const cases = new Uint32Array(K);
  for (let i = 0; i < data.bagLabels.length; i++) if (data.bagLabels[i]) cases[i % K]!++;
  return data.labels.map((_, k) => k).filter((k) => cases[k]! < minCases);
}

/** How often a candidate calls a label it was not trained on (at the threshold it keeps), against the cases signed with it. */
export type UntrainedCalls = UntrainedCallsSummary['calls'][number];

/**
 * The calls of each label in `untrained` on the cases of `data`, from their image scores ([cases ×
 * K], pooled as the package reads) at `thresholds` (per label), beside how many of those cases were
 * signed with it. Nothing trained such a label to its cases, so this is how its kept threshold fits
 * the lab's fields: left out of the loss, far from the lab, a candidate called one on 113 of its 266
 * training cases, 10 of them signed with it (docs/results.md, rules 30 and 31).
 */
export function untrainedCalls(data: BagDataset, imageScores: ArrayLike<number>, untrained: readonly string[], thresholds: readonly number[]): UntrainedCalls[] {
  const K = data.labels.length;
  return untrained.map((key) => {
    const k = data.labels.indexOf(key);
    let called = 0;
    let signed = 0;
    for (let b = 0; b < bagCount(data); b++) {
      if (imageScores[b * K + k]! >= thresholds[k]!) called++;
      if (data.bagLabels[b * K + k]) signed++;
    }
    return { key, called, signed };
  });
}
