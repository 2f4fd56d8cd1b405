import { describe, expect, it } from 'vitest';
import type { FieldAnalysis } from '../../../../electron/core/quality/analyse-field';
import { DEFAULT_READABILITY, fieldQuality, notReadableReason, ReadabilityThresholds } from '../../../../electron/core/quality/readability';

const readable = { areaUm2: 200_000, saturatedFraction: 0, dynamicRange: 0.2, cells: 150, mitoses: 3, focusPerUm: 0.4, features: { signalToBackground: 2 } } as unknown as FieldAnalysis;

describe('readability gate', () => {
  it('names the first failing test, in the documented order', () => {
    expect(notReadableReason(readable)).toBeNull();
    expect(notReadableReason({ ...readable, areaUm2: 64, saturatedFraction: 1 })).toBe('too-small');
    expect(notReadableReason({ ...readable, saturatedFraction: 0.5, dynamicRange: 0 })).toBe('saturated');
    expect(notReadableReason({ ...readable, dynamicRange: 0.001, cells: 0 })).toBe('blank');
    expect(notReadableReason({ ...readable, cells: 0, mitoses: 0 })).toBe('no-cells');
    expect(notReadableReason({ ...readable, cells: 5, mitoses: 1 })).toBe('too-few-cells');
    expect(notReadableReason({ ...readable, focusPerUm: 0.1 })).toBe('out-of-focus');
  });

  it('takes a microscope profile\'s thresholds, keeping defaults for the rest', () => {
    const strict = ReadabilityThresholds.parse({ minCells: 200 });
    expect(strict.minFocusPerUm).toBe(DEFAULT_READABILITY.minFocusPerUm);
    expect(fieldQuality(readable, strict)).toMatchObject({ verdict: 'not-readable', reason: 'too-few-cells', cells: 150, mitoses: 3 });
    expect(fieldQuality(readable)).toMatchObject({ verdict: 'readable', reason: null, signalToBackground: 2 });
  });
});
