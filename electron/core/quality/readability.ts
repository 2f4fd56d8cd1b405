/**
 * The readability gate: before any pattern call, is there enough of a field to read? Each
 * threshold is in physical or dimensionless units so it carries over between microscopes, and a
 * microscope profile may override any of them (`quality` in the profile JSON). The first failing
 * test names the reason, in this order: too small, saturated, blank, no cells, too few cells,
 * out of focus. Values and how they were chosen: docs/field-quality.md.
 */
import { ReadabilityThresholds } from '../slides/profile-thresholds';
import type { FieldQuality, NotReadableReason } from '../../contract/quality';
import type { FieldAnalysis } from './analyse-field';

export { ReadabilityThresholds };

export const DEFAULT_READABILITY: ReadabilityThresholds = ReadabilityThresholds.parse({});

export function notReadableReason(a: FieldAnalysis, t: ReadabilityThresholds = DEFAULT_READABILITY): NotReadableReason | null {
  if (a.areaUm2 < t.minFieldAreaUm2) return 'too-small';
  if (a.saturatedFraction > t.maxSaturatedFraction) return 'saturated';
  if (a.dynamicRange < t.minDynamicRange) return 'blank';
  const cells = a.cells + a.mitoses;
  if (cells === 0) return 'no-cells';
  if (cells < minCellsFor(a.areaUm2, t)) return 'too-few-cells';
  if (a.focusPerUm < t.minFocusPerUm) return 'out-of-focus';
  return null;
}

/** Cells a field of this area (µm²) needs: its share of the density threshold, never fewer than `minCells`. */
export function minCellsFor(areaUm2: number, t: ReadabilityThresholds = DEFAULT_READABILITY): number {
  return Math.max(t.minCells, Math.ceil((t.minCellsPerMm2 * areaUm2) / 1e6));
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
