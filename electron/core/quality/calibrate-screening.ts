/**
 * Screening calibration from a lab's own negative-control fields: each file is decoded as a
 * reading would (the microscope profile's pages, scale and pixel size), its cells analysed, and
 * the readable fields' features become the negatives' reference (screening.ts). Unreadable files
 * are reported and left out, never silently used.
 */
import { resolve } from 'node:path';
import { DomainError, errorMessage } from '../errors';
import { decodeSlide } from '../slides/decode';
import type { MicroscopeProfile } from '../slides/microscope-profile';
import { analyseField, type ScreeningFeatures } from './analyse-field';
import { DEFAULT_READABILITY, notReadableReason } from './readability';
import { calibrateOnNegatives, type ScreeningCalibration } from './screening';

export interface CalibrationOutcome {
  calibration: ScreeningCalibration;
  rejected: { path: string; reason: string }[];
}

export async function calibrateScreeningFromFiles(
  paths: string[],
  profile: MicroscopeProfile,
  nowMs: number,
  onProgress?: (done: number, total: number) => void,
): Promise<CalibrationOutcome> {
  const features: ScreeningFeatures[] = [];
  const rejected: { path: string; reason: string }[] = [];
  for (const [i, given] of paths.entries()) {
    const path = resolve(given);
    try {
      const decoded = await decodeSlide(path, { profile });
      const a = analyseField(decoded.fitc, decoded.widthPx, decoded.heightPx, decoded.pixelSizeUm ?? profile.pixelSizeUm);
      const reason = notReadableReason(a, profile.quality ?? DEFAULT_READABILITY);
      if (reason) rejected.push({ path, reason: `not readable: ${reason}` });
      else features.push(a.features);
    } catch (error) {
      rejected.push({ path, reason: errorMessage(error) });
    }
    onProgress?.(i + 1, paths.length);
  }
  if (features.length === 0) {
    throw new DomainError('bad-request', `No readable negative-control field among the ${paths.length} file(s) given: ${rejected.slice(0, 3).map((r) => `${r.path} (${r.reason})`).join('; ')}`);
  }
  return { calibration: { ...calibrateOnNegatives(features, nowMs, 'lab'), basis: 'files' }, rejected };
}
