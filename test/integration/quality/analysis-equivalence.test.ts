/**
 * Issue 18: the field analysis was made faster without changing what it says. On generated fields
 * of every lab style, several working-image factors and hostile fields, the outputs equal those
 * the code measured before the change (test/fixtures/analysis-reference.json): verdict, reason,
 * cell and mitosis counts, the cell labels and outlines bit for bit; real-valued outputs (focus,
 * saturated share, signal to background and the other screening features, screening p, the
 * acquisition statistics, noise, background, dynamic range) within 1e-9 relative. Why 1e-9: the
 * rewrite only changes the order of double-precision sums over at most a few million terms
 * (rounding ≈ 1e-16 each), and the float32 planes are kept bit for bit, so anything larger is a
 * change of method, not of summation order.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { analyseField } from '../../../electron/core/quality/analyse-field';
import { analysisCases, summariseAnalysis, type AnalysisSummary } from '../../fixtures/analysis-cases';

const reference = JSON.parse(readFileSync(new URL('../../fixtures/analysis-reference.json', import.meta.url), 'utf8')) as Record<string, AnalysisSummary>;
const RELATIVE_TOLERANCE = 1e-9;

/** Every leaf of `actual` against `expected`: numbers within the tolerance, everything else equal. */
function differences(actual: unknown, expected: unknown, path: string): string[] {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const scale = Math.max(Math.abs(expected), Math.abs(actual), 1e-12);
    return Math.abs(actual - expected) / scale <= RELATIVE_TOLERANCE ? [] : [`${path}: ${actual} vs ${expected}`];
  }
  if (expected !== null && typeof expected === 'object' && actual !== null && typeof actual === 'object') {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    return [...keys].flatMap((k) => differences((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return actual === expected ? [] : [`${path}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`];
}

describe('field analysis: the same outputs as before the speed work', () => {
  it('reads every reference field as the previous implementation did', () => {
    const cases = analysisCases();
    expect(cases.map((c) => c.name).sort()).toEqual(Object.keys(reference).sort());
    const found = cases.flatMap((c) => differences(summariseAnalysis(analyseField(c.fitc, c.widthPx, c.heightPx, c.pixelSizeUm)), reference[c.name], c.name));
    expect(found).toEqual([]);
  }, 60_000);
});
