/**
 * The validation gate of local fine-tuning: a candidate is released only if, on the same frozen
 * held-out signed cases, its macro-F1 and mAP do not fall more than a stated tolerance below the
 * active model's, and no class's recall falls by more than a stated amount (a missed pattern is
 * the costly error in ANA reading). Classes absent from the held-out cases cannot be judged and are
 * listed, not counted.
 */
import type { EvaluationReport } from '../metrics/metrics';

export interface GateTolerances {
  /** Largest allowed drop of macro-F1 (absolute). */
  macroF1Drop: number;
  /** Largest allowed drop of mAP (absolute). */
  mapDrop: number;
  /** Largest allowed drop of any class's recall (absolute). */
  recallDrop: number;
}

export const DEFAULT_GATE: GateTolerances = { macroF1Drop: 0.01, mapDrop: 0.01, recallDrop: 0.05 };

export interface GateResult {
  passed: boolean;
  reasons: string[];
  tolerances: GateTolerances;
  candidate: { f1_macro: number; map: number; recall: Record<string, number> };
  active: { f1_macro: number; map: number; recall: Record<string, number> };
  unjudgedClasses: string[];
  n_images: number;
}

export function validationGate(candidate: EvaluationReport, active: EvaluationReport, tolerances: GateTolerances = DEFAULT_GATE): GateResult {
  const reasons: string[] = [];
  const d = (v: number): string => v.toFixed(3);
  if (candidate.f1_macro < active.f1_macro - tolerances.macroF1Drop) reasons.push(`macro-F1 ${d(candidate.f1_macro)} is below the active model's ${d(active.f1_macro)} by more than ${tolerances.macroF1Drop}`);
  if (candidate.map < active.map - tolerances.mapDrop) reasons.push(`mAP ${d(candidate.map)} is below the active model's ${d(active.map)} by more than ${tolerances.mapDrop}`);
  const recall = (r: EvaluationReport): Record<string, number> => Object.fromEntries(Object.entries(r.per_class).filter(([, c]) => c.support > 0).map(([k, c]) => [k, c.recall]));
  const rc = recall(candidate);
  const ra = recall(active);
  for (const [key, value] of Object.entries(ra)) {
    const now = rc[key] ?? 0;
    if (now < value - tolerances.recallDrop) reasons.push(`recall of ${key} ${d(now)} is below the active model's ${d(value)} by more than ${tolerances.recallDrop}`);
  }
  return {
    passed: reasons.length === 0,
    reasons,
    tolerances,
    candidate: { f1_macro: candidate.f1_macro, map: candidate.map, recall: rc },
    active: { f1_macro: active.f1_macro, map: active.map, recall: ra },
    unjudgedClasses: Object.entries(active.per_class).filter(([, c]) => c.support === 0).map(([k]) => k),
    n_images: candidate.n_images,
  };
}
