/**
 * A microscope profile: what a lab knows about its camera that the files may not say. Used when a
 * file has no plausible resolution tags, and to say which TIFF page holds FITC and which DAPI.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DomainError } from '../errors';

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
