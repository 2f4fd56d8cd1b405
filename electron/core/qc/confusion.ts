/**
 * Suggestion vs signed result, per pattern, over a set of signed cases: the physicians' agreement
 * on the Today page and the per-version evidence for ISO 15189 verification share this one count.
 * The signed result is the reference (what the lab reported); the suggestion is the one the
 * physician saw when deciding, as stored with the decision.
 */
import { findLabel, LABEL_KEYS, type ConfusionRow, type ConfusionTable } from '../../contract';

export interface SignedOutcome {
  /** Pattern keys the model suggested. */
  suggested: readonly string[];
  /** Pattern keys of the signed result (empty: negative). */
  signed: readonly string[];
}

export const ANY_PATTERN_KEY = 'positive';

const ratio = (num: number, den: number): number | null => (den === 0 ? null : num / den);

const Z_95 = 1.959964;

/** 95 % Wilson score interval of k successes in n: honest at 0/n and n/n, unlike k/n ± 1.96·se. */
export function wilsonInterval(k: number, n: number): [number, number] | null {
  if (n === 0) return null;
  const p = k / n;
  const z2 = Z_95 * Z_95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z_95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function rowOf(key: string, displayName: string, outcomes: readonly SignedOutcome[], has: (keys: readonly string[]) => boolean): ConfusionRow {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const o of outcomes) {
    const s = has(o.suggested);
    const r = has(o.signed);
    if (s && r) tp++;
    else if (s) fp++;
    else if (r) fn++;
    else tn++;
  }
  return {
    key,
    displayName,
    truePositive: tp,
    falsePositive: fp,
    falseNegative: fn,
    trueNegative: tn,
    sensitivity: ratio(tp, tp + fn),
    ppv: ratio(tp, tp + fp),
    sensitivityCi95: wilsonInterval(tp, tp + fn),
    ppvCi95: wilsonInterval(tp, tp + fp),
    agreement: ratio(tp + tn, outcomes.length),
  };
}

/** One row for "positive (any pattern)", then one per pattern of the vocabulary and any other key met. */
export function confusionTable(outcomes: readonly SignedOutcome[]): ConfusionTable {
  const keys = [...LABEL_KEYS];
  for (const o of outcomes) for (const k of [...o.suggested, ...o.signed]) if (!keys.includes(k)) keys.push(k);
  const exactMatches = outcomes.filter((o) => o.suggested.length === o.signed.length && o.suggested.every((k) => o.signed.includes(k))).length;
  return {
    cases: outcomes.length,
    exactMatches,
    rows: [
      rowOf(ANY_PATTERN_KEY, 'ANA positive (any pattern)', outcomes, (ks) => ks.length > 0),
      ...keys.map((key) => rowOf(key, findLabel(key)?.displayName ?? key, outcomes, (ks) => ks.includes(key))),
    ],
  };
}
