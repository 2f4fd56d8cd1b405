/**
 * The patterns the model called on a field that the gate withheld because screening called the
 * field negative. Screening decides from the cells alone so that a model calling every field
 * positive cannot put a pattern on a negative well; but screening is wrong too, mostly on
 * cytoplasmic patterns on microscopes it was not fitted on (on the held-out lab styles the model
 * called a right pattern on 21 of the 23 positive fields screening withheld: docs/results.md,
 * *Screening as read*). Nothing is suggested on such a field; the workstation says what the model
 * saw, so the physician looks before signing the case negative.
 */
import type { Screening } from '../../contract/quality';
import { predictedLabels } from '../inference/aggregate';

export interface ScreenedOutputs {
  labels: string[];
  probabilities: number[];
  /** The model's thresholds when it read the field; null for readings stored without them (nothing is said). */
  thresholds: Record<string, number> | null;
  screening: Screening | null;
}

export function withheldByScreening(r: ScreenedOutputs): string[] {
  if (r.screening?.call !== 'negative' || !r.thresholds) return [];
  return predictedLabels(r.labels, r.probabilities, r.thresholds);
}
