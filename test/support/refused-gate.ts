/**
 * The validation gate's own record of refusing a candidate: two versions scored on eight validation
 * cases of two patterns, the candidate ranking them worse, so the record holds reasons on macro-F1,
 * mAP and recall, and the spread of its differences (for the registry's list, the Models page).
 */
import { validationGate, type GateResult } from '../../electron/core/training/finetune/validation-gate';
import { evaluate } from '../../electron/core/training/metrics/metrics';

export function refusedGate(labels: [string, string] = ['homogeneous', 'speckled']): GateResult {
  const truth = [1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1];
  const scored = (scores: number[]) => {
    const data = { truth, scores, imageCount: 8, labelCount: 2 };
    return { data, report: evaluate(data, labels), thresholds: [0.5, 0.5] };
  };
  const candidate = scored([0.3, 0.6, 0.7, 0.4, 0.4, 0.6, 0.2, 0.1, 0.6, 0.8, 0.4, 0.3, 0.6, 0.4, 0.7, 0.6]);
  const active = scored([0.9, 0.2, 0.3, 0.6, 0.7, 0.4, 0.2, 0.1, 0.6, 0.8, 0.6, 0.3, 0.2, 0.9, 0.7, 0.6]);
  return validationGate(candidate, active);
}
