/**
 * Review actions: save the working decision as a draft, sign it, amend a signed case (each returns
 * whether it succeeded; failures go to the one error handler), and the review settings.
 */
import type { CaseDetail, DecisionLabel, DecisionSummary, ResponseOf } from '../../../../electron/contract';
import { isNotReadable } from '../../../../electron/contract';
import { call } from './api';
import { handleError } from './errors.svelte';

/** Same values as the contract's DecisionLabel intensity. */
export type Intensity = 'borderline' | 'weak' | 'moderate' | 'strong';

export interface WorkingLabel {
  key: string;
  intensity: Intensity | null;
  titer: string | null;
  /** The exact ICAP code when the label spans several (AC-2/4/5 → AC-4, expert level), else null. */
  icapCode?: string | null;
}

export interface WorkingDecision {
  labels: WorkingLabel[];
  comment: string;
}

export interface Suggestion {
  key: string;
  probability: number;
  suggested: boolean;
}

/** What a review action needs of the review panel's state (state/review.state.svelte.ts): services never import state. */
export interface WorkingReview {
  readonly decision: WorkingDecision;
  markSaved(): void;
}

export function toDecisionLabels(labels: readonly WorkingLabel[]): DecisionLabel[] {
  return labels.map((l) => ({ key: l.key, ...(l.icapCode ? { icapCode: l.icapCode } : {}), ...(l.intensity ? { intensity: l.intensity } : {}), ...(l.titer ? { titer: l.titer } : {}) }));
}

export function fromDecision(d: DecisionSummary): WorkingDecision {
  return { labels: d.labels.map((l) => ({ key: l.key, intensity: l.intensity ?? null, titer: l.titer ?? null, ...(l.icapCode ? { icapCode: l.icapCode } : {}) })), comment: d.comment };
}

/**
 * Per label, the highest probability over the case's latest readings; suggested = predicted by any.
 * A field the readability gate refused suggests nothing, whatever its reading stored.
 */
export function caseSuggestions(detail: CaseDetail): Suggestion[] {
  const best = new Map<string, number>();
  const predicted = new Set<string>();
  for (const r of detail.readings) {
    if (isNotReadable(r.quality)) continue;
    for (const p of r.probabilities) best.set(p.key, Math.max(best.get(p.key) ?? 0, p.probability));
    for (const key of r.predictedLabels) predicted.add(key);
  }
  return [...best].map(([key, probability]) => ({ key, probability, suggested: predicted.has(key) }));
}

export async function saveDraft(caseId: number, review: WorkingReview): Promise<boolean> {
  try {
    await call('review/save-draft', { caseId, labels: toDecisionLabels(review.decision.labels), comment: review.decision.comment });
    review.markSaved();
    return true;
  } catch (error) {
    handleError(error);
    return false;
  }
}

/** `confirmNotReadable`: the signer confirmed a negative although no field was readable. */
export async function signCase(caseId: number, password: string, meaning: 'reviewed' | 'approved', confirmNotReadable = false): Promise<boolean> {
  try {
    await call('review/sign', { caseId, password, meaning, confirmNotReadable });
    return true;
  } catch (error) {
    handleError(error);
    return false;
  }
}

export async function amendCase(caseId: number, review: WorkingReview, reason: string, password: string, confirmNotReadable = false): Promise<boolean> {
  try {
    await call('review/amend', { caseId, labels: toDecisionLabels(review.decision.labels), comment: review.decision.comment, reason, password, confirmNotReadable });
    review.markSaved();
    return true;
  } catch (error) {
    handleError(error);
    return false;
  }
}

/** The review settings (the uncertainty margin that routes doubtful cases to a human first). */
export function reviewSettings(): Promise<ResponseOf<'review/settings'>> {
  return call('review/settings', {});
}

export function updateReviewSettings(uncertainMargin: number): Promise<ResponseOf<'review/update-settings'>> {
  return call('review/update-settings', { uncertainMargin });
}
