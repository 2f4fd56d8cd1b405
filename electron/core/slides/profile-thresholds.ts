/**
 * What a microscope profile may set for field quality (./microscope-profile.ts): readability
 * thresholds and the screening calibration, as schemas. They live with the profile so the slides
 * folder does not depend on quality/ (quality/ judges fields and depends on slides/).
 */
import { z } from 'zod';

const DEFAULT_MIN_CELLS_PER_MM2 = 80;
const DEFAULT_MIN_CELLS = 5;

export const ReadabilityThresholds = z.object({
  /** Smallest field worth reading, µm² (10,000 µm² = 100 × 100 µm, room for about ten cells). */
  minFieldAreaUm2: z.number().nonnegative().default(10_000),
  /** Largest share of the field's pixels at the sensor's ceiling (0..1). */
  maxSaturatedFraction: z.number().min(0).max(1).default(0.05),
  /** A field whose 0.5–99.5 percentile spread is below this (share of full scale) holds no image: blank. */
  minDynamicRange: z.number().nonnegative().default(0.006),
  /**
   * Fewest cells (interphase and mitotic) per mm² of field for a pattern call: the count a field
   * needs grows with its area, so a small 40× field is judged as fairly as a large 20× one.
   * Value and how it was chosen: docs/field-quality.md.
   */
  minCellsPerMm2: z.number().nonnegative().default(DEFAULT_MIN_CELLS_PER_MM2),
  /** Fewest cells whatever the field's area: below this a pattern is an anecdote. */
  minCells: z.number().int().nonnegative().default(DEFAULT_MIN_CELLS),
  /**
   * Lowest focus on the cells, per µm (RMS gradient over mean signal). Sharp generated fields
   * 0.3–0.9; one positive field blurred by 1, 2, 4, 8 µm: 0.37, 0.26, 0.17, 0.08. At 0.2, 6 of 15
   * generated fields blurred by only 1.5 µm were refused: too strict for real optics.
   */
  minFocusPerUm: z.number().nonnegative().default(0.15),
});
export type ReadabilityThresholds = z.infer<typeof ReadabilityThresholds>;

export const SCREENING_FEATURES = ['signalToBackground', 'peakToMean', 'texture', 'innerToOuter', 'outerTexture'] as const;
export type ScreeningFeature = (typeof SCREENING_FEATURES)[number];

const FeatureReference = z.object({ centre: z.number(), scale: z.number().positive() });

export const ScreeningCalibration = z.object({
  /** 'lab': fitted on the lab's own negative-control fields; 'generic': the generator's negatives. */
  source: z.enum(['lab', 'generic']),
  calibratedAtMs: z.number().int().nonnegative(),
  /** Negative fields the reference was taken from. */
  negatives: z.number().int().positive(),
  /** Per feature (on the transformed scale, see `featureVector`): the negatives' median and robust spread. */
  reference: z.record(z.enum(SCREENING_FEATURES), FeatureReference),
  /** Share of the calibration negatives screened negative with this calibration. */
  negativeAgreement: z.number().min(0).max(1),
  /**
   * What the lab's negatives were: field files it named ('files'; also when absent, as in
   * calibrations stored before this was recorded) or the fields of its cases signed negative.
   */
  basis: z.enum(['files', 'signed-negatives']).optional(),
  /** For the signed-negatives basis: how many signed negative cases the fields came from. */
  cases: z.number().int().positive().optional(),
});
export type ScreeningCalibration = z.infer<typeof ScreeningCalibration>;
