/**
 * The case-level suggestion the reviewer sees (from the latest successful reading of each slide),
 * per-label agreement of a decision with it, and the uncertainty margin used to route doubtful
 * cases to a human first.
 */
import { agreementOf as agreementOfKeys, DEFAULT_THRESHOLD, DEFAULT_UNCERTAIN_MARGIN, type DecisionLabel, type LabelAgreement } from '../../contract';
import type { ReadableDb } from '../db/connection';
import { getSetting } from '../db/settings.repo';
import type { DecisionSuggestion } from '../db/decision.repo';
import type { ReadingOutputs } from '../db/reading.repo';

export type { ReadingOutputs };

export function suggestionOf(readings: ReadingOutputs[]): DecisionSuggestion {
  const probabilities: Record<string, number> = {};
  const predicted = new Set<string>();
  const models = new Map<string, { modelId: string; modelVersion: string }>();
  for (const r of readings) {
    r.labels.forEach((key, k) => (probabilities[key] = Math.max(probabilities[key] ?? 0, r.probabilities[k]!)));
    r.predicted.forEach((key) => predicted.add(key));
    models.set(`${r.modelId}@${r.modelVersion}`, { modelId: r.modelId, modelVersion: r.modelVersion });
  }
  return { readingIds: readings.map((r) => r.id), models: [...models.values()], probabilities, predicted: [...predicted].sort() };
}

/** The contract's agreement rule over a decision's labels. */
export function agreementOf(suggested: string[], labels: DecisionLabel[]): Record<string, LabelAgreement> {
  return agreementOfKeys(suggested, labels.map((l) => l.key));
}

/** The settings key of the lab's uncertainty margin (the review settings). */
export const UNCERTAIN_MARGIN_SETTING = 'review.uncertainMargin';

/** The lab's uncertainty margin, else the contract's default. */
export function uncertainMarginOf(db: ReadableDb): number {
  return getSetting<number>(db, UNCERTAIN_MARGIN_SETTING) ?? DEFAULT_UNCERTAIN_MARGIN;
}

/** Smallest |probability − threshold| over all labels of all readings; null without readings. */
export function uncertaintyMargin(readings: ReadingOutputs[]): number | null {
  let margin: number | null = null;
  for (const r of readings) {
    r.labels.forEach((key, k) => {
      const d = Math.abs(r.probabilities[k]! - (r.thresholds?.[key] ?? DEFAULT_THRESHOLD));
      margin = margin === null ? d : Math.min(margin, d);
    });
  }
  return margin;
}
