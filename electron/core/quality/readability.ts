/**
 * The readability gate: before any pattern call, is there enough of a field to read? Each
 * threshold is in physical or dimensionless units so it carries over between microscopes, and a
 * microscope profile may override any of them (`quality` in the profile JSON). The first failing
 * test names the reason, in this order: too small, saturated, blank, no cells, too few cells,
 * out of focus. Values and how they were chosen: docs/field-quality.md.
 */
import { z } from 'zod';
import type { FieldQuality, NotReadableReason } from '../../contract/quality';
import type { FieldAnalysis } from './analyse-field';

export const ReadabilityThresholds = z.object({
  /** Smallest field worth reading, µm² (10,000 µm² = 100 × 100 µm, room for about ten cells). */
  minFieldAreaUm2: z.number().nonnegative().default(10_000),
  /** Largest share of the field's pixels at the sensor's ceiling (0..1). */
  maxSaturatedFraction: z.number().min(0).max(1).default(0.05),
  /** A field whose 0.5–99.5 percentile spread is below this (share of full scale) holds no image: blank. */
  minDynamicRange: z.number().nonnegative().default(0.006),
  /** Fewest cells (interphase and mitotic) for a pattern call. */
  minCells: z.number().int().nonnegative().default(10),
  /**
   * Lowest focus on the cells, per µm (RMS gradient over mean signal). Sharp generated fields
   * 0.3–0.9; one positive field blurred by 1, 2, 4, 8 µm: 0.37, 0.26, 0.17, 0.08. At 0.2, 6 of 15
   * generated fields blurred by only 1.5 µm were refused: too strict for real optics.
   */
  minFocusPerUm: z.number().nonnegative().default(0.15),
});
export type ReadabilityThresholds = z.infer<typeof ReadabilityThresholds>;

export const DEFAULT_READABILITY: ReadabilityThresholds = ReadabilityThresholds.parse({});

export function notReadableReason(a: FieldAnalysis, t: ReadabilityThresholds = DEFAULT_READABILITY): NotReadableReason | null {
  if (a.areaUm2 < t.minFieldAreaUm2) return 'too-small';
  if (a.saturatedFraction > t.maxSaturatedFraction) return 'saturated';
  if (a.dynamicRange < t.minDynamicRange) return 'blank';
  const cells = a.cells + a.mitoses;
  if (cells === 0) return 'no-cells';
  if (cells < t.minCells) return 'too-few-cells';
  if (a.focusPerUm < t.minFocusPerUm) return 'out-of-focus';
  return null;
}

/** The contract's `quality` object of a field. */
export function fieldQuality(a: FieldAnalysis, t: ReadabilityThresholds = DEFAULT_READABILITY): FieldQuality {
  const reason = notReadableReason(a, t);
  return {
    verdict: reason ? 'not-readable' : 'readable',
    reason,
    cells: a.cells,
    mitoses: a.mitoses,
    focus: round(a.focusPerUm, 4),
    saturatedFraction: round(a.saturatedFraction, 6),
    signalToBackground: round(a.features.signalToBackground, 4),
  };
}

/** The quality of a file that could not be decoded at all. */
export function unreadableFileQuality(): FieldQuality {
  return { verdict: 'not-readable', reason: 'unreadable-file', cells: 0, mitoses: 0, focus: 0, saturatedFraction: 0, signalToBackground: 0 };
}

function round(v: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}
