/**
 * The workstation's microscope profile and the screening calibration from the lab's own negatives
 * (Settings → Microscope): negative-control field files it names, or the fields of its cases
 * signed negative (AC-0). Calibrating reads the files, analyses their cells and stores the
 * negatives' reference in the profile; later readings screen against it.
 */
import { z } from 'zod';
import { lineText } from './text';

/** How many of the latest signed negative cases a calibration on them takes (core/review/signed-negatives.ts; the Settings page says it). */
export const SIGNED_NEGATIVE_CASES_FOR_CALIBRATION = 200;

/** Under this many negative fields a screening calibration's reference is rough: the CLI, Settings and the Today page say so. */
export const FEW_SCREENING_NEGATIVES = 10;

export const ScreeningCalibrationSummary = z.object({
  /** Negative-control fields the calibration was fitted on (readable ones only). */
  negatives: z.number().int(),
  /** Files given that were not readable, with why (they were left out). */
  rejected: z.array(z.object({ path: z.string(), reason: z.string() })),
  /** Share of the calibration negatives themselves screened negative with the new calibration. */
  negativeAgreement: z.number().min(0).max(1),
  calibratedAtMs: z.number(),
  /** What the negatives were: field files named by the lab, or the fields of its signed negative cases. */
  basis: z.enum(['files', 'signed-negatives']),
  /** Signed negative cases the fields came from (those with a readable field); null for the files basis. */
  signedCases: z.number().int().nullable(),
});
export type ScreeningCalibrationSummary = z.infer<typeof ScreeningCalibrationSummary>;

export const MicroscopeProfileSummary = z.object({
  name: z.string(),
  pixelSizeUm: z.number(),
  /** Null until the lab has calibrated screening on its negatives (the generic calibration is used). */
  calibration: ScreeningCalibrationSummary.nullable(),
  /** Cases in the record signed negative now (latest signed decision with no pattern, AC-0): what a calibration on them would take. */
  signedNegativeCases: z.number().int().nonnegative(),
});
export type MicroscopeProfileSummary = z.infer<typeof MicroscopeProfileSummary>;

/** The pixel size the cells of the fields read suggest (electron/core/quality/pixel-size-estimate.ts): a check of the profile, not a setting. */
export const PixelSizeSuggestion = z.object({
  pixelSizeUm: z.number(),
  /** Fields whose cells were measured. */
  fields: z.number().int(),
  /** Quartiles of single fields' suggestions: how much the fields agree. */
  lowUm: z.number(),
  highUm: z.number(),
  /** Field files that could not be decoded (moved, unreadable), with why; left out. */
  leftOut: z.array(z.object({ path: z.string(), reason: z.string() })),
  /** The model whose training cells set the reference size. */
  modelVersion: z.string(),
  /** The profile's size is far from the suggestion (null: no profile). */
  farFromProfile: z.boolean().nullable(),
});
export type PixelSizeSuggestion = z.infer<typeof PixelSizeSuggestion>;

export const settingsChannels = {
  /** The workstation's microscope profile (null: none set, files are read at the model's assumed pixel size). */
  'settings/microscope-profile': {
    request: z.object({}).strict(),
    response: z.object({ profile: MicroscopeProfileSummary.nullable() }),
  },
  /** Sets the workstation's microscope profile (admin); keeps an existing calibration when the name is unchanged. */
  'settings/update-microscope-profile': {
    request: z.object({ name: lineText(100), pixelSizeUm: z.number().positive().max(100) }).strict(),
    response: z.object({ profile: MicroscopeProfileSummary }),
  },
  /**
   * Calibrates screening (admin; audited as a change of the profile setting) on negative-control
   * field files, or on the fields of the latest 200 cases signed negative; long-running (seconds per file).
   */
  'settings/calibrate-screening': {
    request: z.union([z.object({ paths: z.array(z.string().min(1)).min(1).max(500) }).strict(), z.object({ signedNegatives: z.literal(true) }).strict()]),
    response: z.object({ profile: MicroscopeProfileSummary }),
  },
  /** Suggests a pixel size from the cells of the latest fields read whose files state none (admin); seconds. */
  'settings/estimate-pixel-size': {
    request: z.object({}).strict(),
    response: z.object({ suggestion: PixelSizeSuggestion }),
  },
} as const;
