/**
 * What the workstation may say about a case's fields, for the case view, the sign dialog and the
 * worklist: which fields the readability gate refused, whether a negative sign-off needs the
 * physician's explicit confirmation, and the worklist's quality filter and counts (with the cases where
 * screening withheld a pattern the model called: core/reading/withheld.ts).
 */
import type { CaseListItem, FieldQuality, MicroscopeProfileSummary, NotReadableReason } from '../../../../electron/contract';
import { FEW_SCREENING_NEGATIVES, isNotReadable, NOT_READABLE_WORDS } from '../../../../electron/contract';

/** Every field of the case was judged not readable (readings made before the analysis do not count). */
export function onlyNotReadableFields(readings: readonly { quality: FieldQuality | null }[]): boolean {
  return readings.length > 0 && readings.every((r) => isNotReadable(r.quality));
}

/** Signing no label (negative) on not-readable fields only is refused unless confirmed (core enforces it too). */
export function needsNotReadableConfirmation(readings: readonly { quality: FieldQuality | null }[], labelCount: number): boolean {
  return labelCount === 0 && onlyNotReadableFields(readings);
}

/** The distinct not-readable reasons of a case's slides, in words: ['out of focus', 'blank field']. */
export function notReadableReasons(item: Pick<CaseListItem, 'notReadable'>): string[] {
  return [...new Set(item.notReadable.map((n: { reason: NotReadableReason }) => NOT_READABLE_WORDS[n.reason]))];
}

export const QUALITY_FILTERS = {
  '': 'any',
  'not-readable': 'not readable',
  unfamiliar: 'unfamiliar',
  'screening-positive': 'screened positive',
  'screening-negative': 'screened negative',
  'screening-withheld': 'screened negative, the model calls a pattern',
} as const;
export type QualityFilter = keyof typeof QUALITY_FILTERS;

export function matchesQualityFilter(item: Pick<CaseListItem, 'notReadable' | 'unfamiliar' | 'screening' | 'withheldLabels'>, filter: QualityFilter): boolean {
  switch (filter) {
    case '': return true;
    case 'not-readable': return item.notReadable.length > 0;
    case 'unfamiliar': return item.unfamiliar;
    case 'screening-positive': return item.screening === 'positive';
    case 'screening-negative': return item.screening === 'negative';
    case 'screening-withheld': return item.withheldLabels.length > 0;
  }
}

/** The day's summary: cases with a not-readable field, with a pattern screening withheld, and with a field unfamiliar to the model. */
export function qualityCounts(items: readonly Pick<CaseListItem, 'notReadable' | 'unfamiliar' | 'withheldLabels'>[]): { notReadable: number; withheld: number; unfamiliar: number } {
  return {
    notReadable: items.filter((c) => c.notReadable.length > 0).length,
    withheld: items.filter((c) => c.withheldLabels.length > 0).length,
    unfamiliar: items.filter((c) => c.unfamiliar).length,
  };
}

/**
 * What the Today page says about the microscope's setup (undefined: not loaded yet): no profile;
 * a profile whose screening still compares with generated negatives; a calibration on fewer than
 * FEW_SCREENING_NEGATIVES negatives once at least that many cases are signed negative (a better
 * calibration is one click away); else nothing.
 */
export function microscopeSetupNotice(profile: MicroscopeProfileSummary | null | undefined): 'not-set-up' | 'not-calibrated' | 'few-negatives' | null {
  if (profile === undefined) return null;
  if (profile === null) return 'not-set-up';
  if (!profile.calibration) return 'not-calibrated';
  return profile.calibration.negatives < FEW_SCREENING_NEGATIVES && profile.signedNegativeCases >= FEW_SCREENING_NEGATIVES ? 'few-negatives' : null;
}
