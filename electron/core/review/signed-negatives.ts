/**
 * The lab's negatives are already in its record: every case a physician signed with no pattern
 * (AC-0). Screening is calibrated on their fields (settings/screening-calibration.ts), the latest
 * signed first: the microscope, lamp and kit drift, so the recent negatives are the reference
 * that matters, and 200 cases are plenty for a median and a robust spread.
 */
import { SIGNED_NEGATIVE_CASES_FOR_CALIBRATION } from '../../contract/channels/settings.channels';
import type { ReadableDb } from '../db/connection';
import { latestSignatureOfCase } from '../db/signature.repo';
import { DomainError } from '../errors';
import { listSignedCases } from './signed-cases';

/** A signed negative case's slide files as recorded (some may have moved since: the calibration lists those). */
export interface SignedNegativeCase {
  caseId: number;
  paths: string[];
}

/**
 * The latest `limit` cases whose latest signed decision has no labels, most recently signed first
 * (an amendment to negative counts from its signature), with their files. Refuses a record with none.
 */
export function latestSignedNegativeCases(db: ReadableDb, limit = SIGNED_NEGATIVE_CASES_FOR_CALIBRATION): SignedNegativeCase[] {
  const negatives = listSignedCases(db)
    .filter((c) => c.labels.length === 0)
    // Signature ids follow the order of signing (the signing clock may be set back; the ids are not).
    .map((c) => ({ c, signatureId: latestSignatureOfCase(db, c.caseId)?.id ?? 0 }))
    .sort((a, b) => b.signatureId - a.signatureId || b.c.caseId - a.c.caseId)
    .slice(0, limit);
  if (negatives.length === 0) {
    throw new DomainError('conflict', 'The record holds no case signed negative (AC-0, no pattern) yet: sign some negative cases first, or calibrate on negative-control field files');
  }
  return negatives.map(({ c }) => ({ caseId: c.caseId, paths: c.slides.map((s) => s.path) }));
}
