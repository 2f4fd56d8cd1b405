/** The gate's verdict as the Models page gets it from a version's stored validation record. */
import { describe, expect, it } from 'vitest';
import { gateOf } from '../../../../electron/core/models/models.handlers';
import { validationGate } from '../../../../electron/core/training/finetune/validation-gate';
import { evaluate } from '../../../../electron/core/training/metrics/metrics';

describe('gateOf', () => {
  it('carries the patterns no validation case holds, which the gate could not judge', () => {
    // Three validation cases over labels a, b, c; none holds c.
    const data = { truth: [1, 0, 0, 0, 1, 0, 1, 1, 0], scores: [0.9, 0.1, 0.2, 0.2, 0.8, 0.1, 0.7, 0.6, 0.4], imageCount: 3, labelCount: 3 };
    const scored = { data, report: evaluate(data, ['a', 'b', 'c']), thresholds: [0.5, 0.5, 0.5] };
    const stored = JSON.parse(JSON.stringify({ gate: validationGate(scored, scored) })) as unknown;
    expect(gateOf(stored)).toMatchObject({ passed: true, validationCases: 3, unjudged: ['c'] });
  });

  it("carries the spread of the gate's differences under the contract's names", () => {
    // Two versions scored on the same six cases, so the gate measures how much their differences move.
    const truth = [1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0];
    const at = (scores: number[]) => {
      const data = { truth, scores, imageCount: 6, labelCount: 2 };
      return { data, report: evaluate(data, ['a', 'b']), thresholds: [0.5, 0.5] };
    };
    const gate = validationGate(at([0.9, 0.2, 0.3, 0.6, 0.7, 0.4, 0.2, 0.1, 0.6, 0.8, 0.4, 0.3]), at([0.8, 0.3, 0.6, 0.4, 0.6, 0.5, 0.3, 0.2, 0.4, 0.9, 0.7, 0.2]));
    expect(gate.spread!.f1_macro).toBeGreaterThan(0);
    expect(gateOf(JSON.parse(JSON.stringify({ gate })))!.spread).toEqual({ f1Macro: gate.spread!.f1_macro, map: gate.spread!.map });
  });

  it('reads a record written before the gate listed them as judging every pattern it names (none)', () => {
    const old = { gate: { passed: false, reasons: ['mAP fell'], candidate: { f1_macro: 0.5, map: 0.6 }, active: { f1_macro: 0.6, map: 0.7 }, n_images: 40 } };
    expect(gateOf(old)).toEqual({ passed: false, reasons: ['mAP fell'], candidate: { f1Macro: 0.5, map: 0.6 }, active: { f1Macro: 0.6, map: 0.7 }, validationCases: 40, unjudged: [], spread: null });
    expect(gateOf(null)).toBeNull();
  });
});
