/**
 * The workstation's microscope profile as the record holds it: the lab setting
 * `microscope.profile` (audited like every setting). Reading takes it when a batch starts, the
 * viewer's display cache for the rendition, fine-tuning for the slides read before it was set.
 */
import type { ReadableDb } from '../db/connection';
import { getSetting } from '../db/settings.repo';
import { DomainError } from '../errors';
import { MicroscopeProfile } from '../slides/microscope-profile';

export const MICROSCOPE_PROFILE_SETTING = 'microscope.profile';

/** The profile in force, or null when none is set (a damaged setting is an error, not a silent default). */
export function microscopeProfileOf(db: ReadableDb): MicroscopeProfile | null {
  const raw = getSetting<unknown>(db, MICROSCOPE_PROFILE_SETTING);
  if (raw === undefined) return null;
  const parsed = MicroscopeProfile.safeParse(raw);
  if (!parsed.success) throw new DomainError('internal', `Setting '${MICROSCOPE_PROFILE_SETTING}' is not a valid microscope profile: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}
