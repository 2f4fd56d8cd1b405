/**
 * Screening calibration on the lab's signed negative cases: the fields of the latest cases signed
 * with no pattern (review/signed-negatives.ts) are the negatives' reference, read as any
 * negative-control files are (quality/calibrate-screening.ts). Settings and `ana calibrate
 * --signed-negatives` both calibrate through here.
 */
import { resolve } from 'node:path';
import type { ReadableDb } from '../db/connection';
import { calibrateScreeningFromFiles, type CalibrationOutcome } from '../quality/calibrate-screening';
import { latestSignedNegativeCases } from '../review/signed-negatives';
import type { MicroscopeProfile } from '../slides/microscope-profile';

/** Calibrates on the latest signed negative cases' fields; `calibration.cases` counts the cases with at least one readable field. */
export async function calibrateOnSignedNegatives(
  db: ReadableDb,
  profile: MicroscopeProfile,
  nowMs: number,
  onProgress?: (done: number, total: number) => void,
): Promise<CalibrationOutcome> {
  const cases = latestSignedNegativeCases(db);
  const paths = [...new Set(cases.flatMap((c) => c.paths.map((p) => resolve(p))))];
  const outcome = await calibrateScreeningFromFiles(paths, profile, nowMs, onProgress);
  const leftOut = new Set(outcome.rejected.map((r) => r.path));
  const used = cases.filter((c) => c.paths.some((p) => !leftOut.has(resolve(p)))).length;
  return { ...outcome, calibration: { ...outcome.calibration, basis: 'signed-negatives', cases: used } };
}
