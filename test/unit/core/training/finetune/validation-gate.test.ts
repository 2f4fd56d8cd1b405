import { describe, expect, it } from 'vitest';
import type { ClassMetrics, EvaluationReport } from '../../../../../electron/core/training/metrics/metrics';
import { validationGate } from '../../../../../electron/core/training/finetune/validation-gate';

function report(f1: number, map: number, recalls: Record<string, [number, number]>): EvaluationReport {
  const per_class: Record<string, ClassMetrics> = {};
  for (const [k, [recall, support]] of Object.entries(recalls)) per_class[k] = { precision: 1, recall, f1: 1, ap: 1, support };
  return { f1_micro: 0, f1_macro: f1, subset_accuracy: 0, map, hamming_loss: 0, one_error: 0, ranking_loss: 0, coverage: 0, average_precision: 0, per_class, n_images: 10, map_skipped: [], label_set_confusion: [] };
}

describe('validation gate', () => {
  const active = report(0.8, 0.85, { a: [0.9, 5], b: [0.7, 3], c: [0, 0] });
  it('passes a candidate within every tolerance', () => {
    const g = validationGate(report(0.795, 0.845, { a: [0.86, 5], b: [0.7, 3], c: [0, 0] }), active);
    expect(g.passed).toBe(true);
    expect(g.reasons).toEqual([]);
    expect(g.unjudgedClasses).toEqual(['c']);
  });
  it('refuses drops beyond tolerance, naming each reason', () => {
    const g = validationGate(report(0.7, 0.8, { a: [0.8, 5], b: [0.7, 3], c: [0, 0] }), active);
    expect(g.passed).toBe(false);
    expect(g.reasons).toHaveLength(3);
    expect(g.reasons[0]).toMatch(/macro-F1 0.700 is below the active model's 0.800/);
    expect(g.reasons[1]).toMatch(/mAP/);
    expect(g.reasons[2]).toMatch(/recall of a 0.800/);
  });
  it('a class without support is not judged', () => {
    const g = validationGate(report(0.8, 0.85, { a: [0.9, 5], b: [0.7, 3], c: [0, 0] }), report(0.8, 0.85, { a: [0.9, 5], b: [0.7, 3], c: [1, 0] }));
    expect(g.passed).toBe(true);
  });
  it('custom tolerances apply', () => {
    expect(validationGate(report(0.75, 0.85, { a: [0.9, 5] }), report(0.8, 0.85, { a: [0.9, 5] }), { macroF1Drop: 0.1, mapDrop: 0, recallDrop: 0 }).passed).toBe(true);
  });
});
