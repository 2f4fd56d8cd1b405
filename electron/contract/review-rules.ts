/**
 * The review rules the core records by and the renderer shows by, in one place so the two cannot
 * drift: the default decision threshold, the uncertainty margin that routes a case to a human
 * first, and how a final decision agrees with the suggestion, label by label.
 */
import type { LabelAgreement } from './channels/review.channels';

/** A label's threshold when the model's manifest gives none. */
export const DEFAULT_THRESHOLD = 0.5;
/** A probability within this distance of its threshold counts as uncertain (the lab can change it in the review settings). */
export const DEFAULT_UNCERTAIN_MARGIN = 0.15;

export function isUncertain(probabilities: readonly { key: string; probability: number }[], thresholds: Readonly<Record<string, number>> = {}, margin = DEFAULT_UNCERTAIN_MARGIN): boolean {
  return probabilities.some((p) => Math.abs(p.probability - (thresholds[p.key] ?? DEFAULT_THRESHOLD)) < margin);
}

/** Per label: suggested and kept 'confirmed', kept but not suggested 'added', suggested but dropped 'rejected'. */
export function agreementOf(suggestedKeys: readonly string[], finalKeys: readonly string[]): Record<string, LabelAgreement> {
  const final = new Set(finalKeys);
  const result: Record<string, LabelAgreement> = {};
  for (const key of [...new Set([...suggestedKeys, ...finalKeys])].sort()) {
    result[key] = final.has(key) ? (suggestedKeys.includes(key) ? 'confirmed' : 'added') : 'rejected';
  }
  return result;
}
