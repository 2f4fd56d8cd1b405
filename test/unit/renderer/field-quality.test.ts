import { describe, expect, it } from 'vitest';
import type { CaseListItem, FieldQuality, MicroscopeProfileSummary } from '../../../electron/contract';
import { matchesQualityFilter, microscopeSetupNotice, needsNotReadableConfirmation, notReadableReasons, onlyNotReadableFields, qualityCounts } from '../../../renderer/src/lib/utils/field-quality';

const readable: FieldQuality = { verdict: 'readable', reason: null, cells: 40, mitoses: 1, focus: 0.3, saturatedFraction: 0, signalToBackground: 3 };
const blurred: FieldQuality = { verdict: 'not-readable', reason: 'out-of-focus', cells: 30, mitoses: 0, focus: 0.01, saturatedFraction: 0, signalToBackground: 2 };
const black: FieldQuality = { verdict: 'not-readable', reason: 'blank', cells: 0, mitoses: 0, focus: 0, saturatedFraction: 0, signalToBackground: 0 };

describe('sign-off on not-readable fields', () => {
  it('needs the confirmation only for a negative on a case whose every field is not readable', () => {
    expect(needsNotReadableConfirmation([{ quality: blurred }, { quality: black }], 0)).toBe(true);
    expect(needsNotReadableConfirmation([{ quality: blurred }, { quality: black }], 1)).toBe(false);
    expect(needsNotReadableConfirmation([{ quality: blurred }, { quality: readable }], 0)).toBe(false);
    expect(needsNotReadableConfirmation([], 0)).toBe(false);
  });

  it('a reading made before the analysis (no verdict) is not counted as not readable', () => {
    expect(onlyNotReadableFields([{ quality: null }])).toBe(false);
    expect(onlyNotReadableFields([{ quality: blurred }, { quality: null }])).toBe(false);
  });
});

describe('worklist quality', () => {
  const item = (over: Partial<CaseListItem>): Pick<CaseListItem, 'notReadable' | 'unfamiliar' | 'screening' | 'withheldLabels'> => ({ notReadable: [], unfamiliar: false, screening: null, withheldLabels: [], ...over });
  const refused = item({ notReadable: [{ slideId: 1, reason: 'out-of-focus' }, { slideId: 2, reason: 'out-of-focus' }, { slideId: 3, reason: 'blank' }] });
  const strange = item({ unfamiliar: true, screening: 'positive' });
  const clean = item({ screening: 'negative' });
  const screenedOut = item({ screening: 'negative', withheldLabels: ['mitochondrial'] });

  it('names each distinct reason once, in words', () => {
    expect(notReadableReasons(refused)).toEqual(['out of focus', 'blank field']);
    expect(notReadableReasons(clean)).toEqual([]);
  });

  it('filters by quality', () => {
    const all = [refused, strange, clean, screenedOut];
    expect(all.filter((c) => matchesQualityFilter(c, ''))).toEqual(all);
    expect(all.filter((c) => matchesQualityFilter(c, 'not-readable'))).toEqual([refused]);
    expect(all.filter((c) => matchesQualityFilter(c, 'unfamiliar'))).toEqual([strange]);
    expect(all.filter((c) => matchesQualityFilter(c, 'screening-positive'))).toEqual([strange]);
    expect(all.filter((c) => matchesQualityFilter(c, 'screening-negative'))).toEqual([clean, screenedOut]);
    expect(all.filter((c) => matchesQualityFilter(c, 'screening-withheld'))).toEqual([screenedOut]);
  });

  it('counts cases with a not-readable field, with a pattern screening withheld and with an unfamiliar field for the day\'s summary', () => {
    expect(qualityCounts([refused, strange, clean, screenedOut, item({ unfamiliar: true })])).toEqual({ notReadable: 1, withheld: 1, unfamiliar: 2 });
  });
});

describe("the Today page's microscope notice", () => {
  const profile = (negatives: number | null, signedNegativeCases: number): MicroscopeProfileSummary => ({
    name: 'scope',
    pixelSizeUm: 0.5,
    signedNegativeCases,
    calibration: negatives === null ? null : { negatives, rejected: [], negativeAgreement: 1, calibratedAtMs: 0, basis: 'files', signedCases: null },
  });
  it('asks for the profile, then the calibration, then a better one once enough cases are signed negative', () => {
    expect(microscopeSetupNotice(undefined)).toBeNull();
    expect(microscopeSetupNotice(null)).toBe('not-set-up');
    expect(microscopeSetupNotice(profile(null, 0))).toBe('not-calibrated');
    expect(microscopeSetupNotice(profile(3, 9))).toBeNull();
    expect(microscopeSetupNotice(profile(3, 10))).toBe('few-negatives');
    expect(microscopeSetupNotice(profile(10, 40))).toBeNull();
  });
});
