/** Suggestion vs signed result per pattern: the counts, the ratios and their Wilson intervals. */
import { describe, expect, it } from 'vitest';
import { confusionTable, wilsonInterval } from '../../../../electron/core/qc/confusion';

describe('confusionTable', () => {
  const outcomes = [
    { suggested: ['homogeneous'], signed: ['homogeneous'] }, // TP homogeneous, TP positive
    { suggested: ['homogeneous'], signed: [] }, // FP homogeneous, FP positive
    { suggested: [], signed: ['speckled'] }, // FN speckled, FN positive
    { suggested: ['speckled'], signed: ['centromere'] }, // positive TP; speckled FP; centromere FN
    { suggested: [], signed: [] }, // TN everywhere
    { suggested: ['lab_special'], signed: ['lab_special'] }, // a key outside the vocabulary gets its row
  ];
  const table = confusionTable(outcomes);
  const row = (key: string) => table.rows.find((r) => r.key === key)!;

  it('counts per pattern and for "any pattern", with the signed result as the reference', () => {
    expect(table.cases).toBe(6);
    expect(table.exactMatches).toBe(3);
    expect(table.rows[0]!.key).toBe('positive');
    expect(row('positive')).toMatchObject({ truePositive: 3, falsePositive: 1, falseNegative: 1, trueNegative: 1, sensitivity: 0.75, ppv: 0.75 });
    expect(row('homogeneous')).toMatchObject({ truePositive: 1, falsePositive: 1, falseNegative: 0, trueNegative: 4, sensitivity: 1, ppv: 0.5 });
    expect(row('speckled')).toMatchObject({ truePositive: 0, falsePositive: 1, falseNegative: 1, trueNegative: 4, sensitivity: 0, ppv: 0 });
    expect(row('speckled').agreement).toBeCloseTo(4 / 6, 12);
    expect(row('lab_special')).toMatchObject({ truePositive: 1, displayName: 'lab_special' });
    // Never suggested, never signed: no sensitivity, no PPV, full agreement.
    expect(row('golgi')).toMatchObject({ sensitivity: null, ppv: null, sensitivityCi95: null, ppvCi95: null, agreement: 1 });
  });

  it('is empty but well-formed without cases', () => {
    const empty = confusionTable([]);
    expect(empty.cases).toBe(0);
    expect(empty.rows.every((r) => r.agreement === null && r.sensitivity === null)).toBe(true);
  });
});

describe('wilsonInterval', () => {
  it('matches the published Wilson score intervals', () => {
    // 8 of 10: 0.490–0.943; 0 of 10: 0–0.278; 10 of 10: 0.722–1 (Newcombe 1998, Table I method 3).
    const [a, b] = wilsonInterval(8, 10)!;
    expect(a).toBeCloseTo(0.4902, 3);
    expect(b).toBeCloseTo(0.9433, 3);
    expect(wilsonInterval(0, 10)![1]).toBeCloseTo(0.2775, 3);
    expect(wilsonInterval(10, 10)![0]).toBeCloseTo(0.7225, 3);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});
