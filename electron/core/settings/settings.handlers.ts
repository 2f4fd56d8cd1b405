/**
 * Settings → Microscope: the workstation's microscope profile (stored as the lab setting
 * `microscope.profile`, audited like every setting) and the screening calibration on the lab's
 * negative-control fields or on its signed negative cases. The reading service takes the profile
 * in force when a batch starts.
 */
import { access } from 'node:fs/promises';
import type { MicroscopeProfileSummary } from '../../contract';
import { actorOf, type SessionStore } from '../auth/session-store';
import type { ReadableDb, WritableDb } from '../db/connection';
import { countSignedNegativeCases } from '../db/decision.repo';
import { setSetting } from '../db/settings.repo';
import { listRecentPathsWithoutStatedPixelSize } from '../db/slide.repo';
import { DomainError } from '../errors';
import type { HandlersFor } from '../handler';
import { MicroscopeProfile } from '../slides/microscope-profile';
import { calibrateScreeningFromFiles } from '../quality/calibrate-screening';
import { ESTIMATE_RULES, estimatePixelSizeFromFiles, farFromSuggestion } from '../quality/pixel-size-estimate';
import type { ModelSource } from '../reading/model-source';
import { MICROSCOPE_PROFILE_SETTING, microscopeProfileOf } from './microscope-profile-setting';
import { calibrateOnSignedNegatives } from './screening-calibration';

function summaryOf(db: ReadableDb, profile: MicroscopeProfile, rejected: { path: string; reason: string }[] = []): MicroscopeProfileSummary {
  const c = profile.screening;
  const basis = c?.basis ?? 'files';
  return {
    name: profile.name,
    pixelSizeUm: profile.pixelSizeUm,
    calibration:
      c && c.source === 'lab'
        ? { negatives: c.negatives, rejected, negativeAgreement: c.negativeAgreement, calibratedAtMs: c.calibratedAtMs, basis, signedCases: basis === 'signed-negatives' ? (c.cases ?? null) : null }
        : null,
    signedNegativeCases: countSignedNegativeCases(db),
  };
}

export function microscopeSettingsHandlers(
  db: WritableDb,
  sessions: SessionStore,
  modelSource: ModelSource,
  nowMs: () => number = Date.now,
): HandlersFor<'settings/microscope-profile' | 'settings/update-microscope-profile' | 'settings/calibrate-screening' | 'settings/estimate-pixel-size'> {
  return {
    'settings/microscope-profile': (_request, ctx) => {
      sessions.require(ctx, 'see the microscope profile');
      const profile = microscopeProfileOf(db);
      return { profile: profile ? summaryOf(db, profile) : null };
    },
    'settings/update-microscope-profile': (request, ctx) => {
      const admin = sessions.require(ctx, 'change the microscope profile', ['admin']);
      const before = microscopeProfileOf(db);
      // A calibration belongs to one microscope: renaming the profile means another microscope.
      const kept = before && before.name === request.name ? before : null;
      const profile = MicroscopeProfile.parse({ ...(kept ?? {}), name: request.name, pixelSizeUm: request.pixelSizeUm });
      setSetting(db, MICROSCOPE_PROFILE_SETTING, profile, actorOf(admin), nowMs());
      return { profile: summaryOf(db, profile) };
    },
    'settings/calibrate-screening': async (request, ctx) => {
      const admin = sessions.require(ctx, 'calibrate screening', ['admin']);
      const profile = microscopeProfileOf(db);
      if (!profile) throw new DomainError('conflict', 'Set the microscope profile (name and pixel size) before calibrating screening on its negative controls');
      const { calibration, rejected } =
        'paths' in request ? await calibrateScreeningFromFiles(request.paths, profile, nowMs()) : await calibrateOnSignedNegatives(db, profile, nowMs());
      const updated = { ...profile, screening: calibration };
      setSetting(db, MICROSCOPE_PROFILE_SETTING, updated, actorOf(admin), nowMs());
      return { profile: summaryOf(db, updated, rejected) };
    },
    'settings/estimate-pixel-size': async (_request, ctx) => {
      sessions.require(ctx, 'estimate the pixel size', ['admin']);
      // Some recent files may have been moved or archived since: look further back for enough that are still there.
      const recorded = listRecentPathsWithoutStatedPixelSize(db, ESTIMATE_RULES.defaultFields * 4);
      const paths: string[] = [];
      for (const path of recorded) {
        if (paths.length === ESTIMATE_RULES.defaultFields) break;
        if (await access(path).then(() => true, () => false)) paths.push(path);
      }
      if (paths.length === 0) {
        throw new DomainError(
          'conflict',
          recorded.length
            ? `None of the ${recorded.length} field file(s) read without a pixel size of their own is still where it was read (first: ${recorded[0]})`
            : 'No field has been read here whose file states no pixel size: read some of the microscope\'s fields first (files that state their size do not need the profile)',
        );
      }
      const profile = microscopeProfileOf(db);
      const pkg = await modelSource();
      const { estimate, leftOut } = await estimatePixelSizeFromFiles(paths, pkg, profile);
      return {
        suggestion: {
          pixelSizeUm: estimate.pixelSizeUm,
          fields: estimate.fields,
          lowUm: estimate.lowUm,
          highUm: estimate.highUm,
          leftOut,
          modelVersion: pkg.manifest.version,
          farFromProfile: profile ? farFromSuggestion(profile.pixelSizeUm, estimate.pixelSizeUm) : null,
        },
      };
    },
  };
}
