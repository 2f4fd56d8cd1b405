/**
 * A microscope profile: what a lab knows about its camera that the files may not say. Used when a
 * file has no plausible resolution tags, and to say which TIFF page holds FITC and which DAPI; it
 * also carries this microscope's readability thresholds and screening calibration.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { DomainError } from '../errors';
import { ReadabilityThresholds, ScreeningCalibration } from './profile-thresholds';

export const MicroscopeProfile = z.object({
  name: z.string().min(1),
  /** Micrometres per pixel at the camera (objective and camera adapter included). */
  pixelSizeUm: z.number().positive().max(100),
  /** Page of a multi-page TIFF holding the FITC signal. */
  fitcPage: z.number().int().min(0).default(0),
  /** Page holding DAPI, or null when the microscope writes none. */
  dapiPage: z.number().int().min(0).nullable().default(1),
  /**
   * Largest value the camera writes, when below the container's maximum (a 12-bit camera in a
   * 16-bit file writes up to 4095). Signals are scaled by it instead of by 255/65535.
   */
  maxValue: z.number().int().positive().nullable().default(null),
  /** Larger fields than the default 64 megapixels (slides/decode.ts DEFAULT_SLIDE_LIMITS). */
  maxMegapixels: z.number().positive().max(2000).optional(),
  /** Larger files than the default 512 MB. */
  maxFileMb: z.number().positive().max(16_384).optional(),
  /** More time per file (reading, decoding) than the default 120 s: slow network shares. */
  fileTimeLimitS: z.number().positive().max(3600).optional(),
  /** Readability gate thresholds for this microscope (any left out keep their defaults; docs/field-quality.md). */
  quality: ReadabilityThresholds.default(ReadabilityThresholds.parse({})),
  /** Screening calibration from this lab's negative controls (`ana calibrate`); null: the generic one. */
  screening: ScreeningCalibration.nullable().default(null),
});
export type MicroscopeProfile = z.infer<typeof MicroscopeProfile>;

export async function loadMicroscopeProfile(path: string): Promise<MicroscopeProfile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new DomainError('bad-request', `${path}: cannot read microscope profile (${(error as Error).message})`, { cause: error });
  }
  const parsed = MicroscopeProfile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DomainError('bad-request', `${path}: ${issue.path.join('.') || 'profile'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Writes a profile as JSON (the calibration flow stores its result this way); the whole file is replaced. */
export async function saveMicroscopeProfile(path: string, profile: MicroscopeProfile): Promise<void> {
  const checked = MicroscopeProfile.parse(profile);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(checked, null, 2) + '\n');
  await rename(temporary, path);
}
