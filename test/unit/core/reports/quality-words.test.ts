import { describe, expect, it } from 'vitest';
import { familiarityWords, measuresWords, NotReadableReason, NOT_READABLE_WORDS, screeningWords, verdictWords, type FieldQuality } from '../../../../electron/contract';

const quality = (overrides: Partial<FieldQuality> = {}): FieldQuality => ({
  verdict: 'readable',
  reason: null,
  cells: 54,
  mitoses: 2,
  focus: 0.3125,
  saturatedFraction: 0.0012,
  signalToBackground: 3.417,
  ...overrides,
});

describe('field verdict words', () => {
  it('names every not-readable reason in words', () => {
    for (const reason of NotReadableReason.options) expect(NOT_READABLE_WORDS[reason]).toMatch(/^[a-z][a-z ]+$/);
    expect(verdictWords(quality({ verdict: 'not-readable', reason: 'out-of-focus' }))).toBe('not readable: out of focus');
    expect(verdictWords(quality({ verdict: 'not-readable', reason: 'blank' }))).toBe('not readable: blank field');
  });

  it('a readable field is readable; a reading made before the analysis is "not analysed", never readable', () => {
    expect(verdictWords(quality())).toBe('readable');
    expect(verdictWords(null)).toBe('not analysed');
  });

  it('measures with two significant digits and singular/plural', () => {
    expect(measuresWords(quality())).toBe('54 cells, 2 candidate mitoses (approximate), focus 0.31, signal/background 3.4, saturated 0.12 %');
    expect(measuresWords(quality({ cells: 1, mitoses: 1, saturatedFraction: 0 }))).toMatch(/^1 cell, 1 candidate mitosis \(approximate\),.*saturated 0 %$/);
  });

  it('screening and familiarity', () => {
    expect(screeningWords({ call: 'positive', positiveProbability: 0.934, profile: 'default' })).toBe('screening positive (probability of positive 0.93)');
    expect(screeningWords(null)).toBeNull();
    expect(familiarityWords({ unfamiliar: true, distance: 1.7 })).toBe('unfamiliar to the model: review with care');
    expect(familiarityWords({ unfamiliar: false, distance: 0.4 })).toBeNull();
  });
});
