/**
 * What the workstation can honestly say about a field before any pattern call: the cell-level
 * quality analysis, the readability gate, the negative/positive screening and the familiarity of
 * the field to the active model. Stored with each reading and shown in worklist, viewer, reports
 * and `ana read --json`. Distances and sizes are in micrometres; intensities are relative to the
 * field's own background, so they carry over between microscopes.
 */
import { z } from 'zod';

/** Why a field cannot be read. `null` when the field is readable. */
export const NotReadableReason = z.enum(['blank', 'no-cells', 'too-few-cells', 'out-of-focus', 'saturated', 'too-small', 'unreadable-file']);
export type NotReadableReason = z.infer<typeof NotReadableReason>;

/**
 * Where the pixel size a field was cut at came from: the file's resolution tags, the workstation's
 * microscope profile, or the model's assumed default (the file states none and no profile is set;
 * the field may then be read at the wrong scale). null on slides stored before it was recorded.
 */
export const PixelSizeSource = z.enum(['file', 'profile', 'model-default']);
export type PixelSizeSource = z.infer<typeof PixelSizeSource>;

export const QualityVerdict = z.enum(['readable', 'not-readable']);
export type QualityVerdict = z.infer<typeof QualityVerdict>;

/** The `quality` object of a slide: `{ verdict, reason, cells, mitoses, focus, saturatedFraction, signalToBackground }`. */
export const FieldQuality = z.object({
  verdict: QualityVerdict,
  reason: NotReadableReason.nullable(),
  /** Interphase cells (nuclei) found. */
  cells: z.number().int().nonnegative(),
  /** Candidate mitoses: objects the analysis calls mitotic (approximate; few are true mitoses, docs/field-quality.md). */
  mitoses: z.number().int().nonnegative(),
  /** Focus measured on the cells (higher is sharper; documented unit in docs/field-quality.md). */
  focus: z.number(),
  /** Share of the field's pixels at the sensor's ceiling, 0..1. */
  saturatedFraction: z.number().min(0).max(1),
  /** Median cell signal over the field's background level. */
  signalToBackground: z.number(),
});
export type FieldQuality = z.infer<typeof FieldQuality>;

/** Screening: is there any ANA? Decided from the cells' specific signal, not from the pattern heads. */
export const ScreeningCall = z.enum(['negative', 'positive']);
export type ScreeningCall = z.infer<typeof ScreeningCall>;

export const Screening = z.object({
  call: ScreeningCall,
  /** Calibrated probability that the field is positive, 0..1 (the call is positive at ≥ 0.5). */
  positiveProbability: z.number().min(0).max(1),
  /** The name of the microscope profile whose calibration decided the call. */
  profile: z.string(),
});
export type Screening = z.infer<typeof Screening>;

/** A field far from everything the active model was trained on: suggestions shown greyed. */
export const Familiarity = z.object({
  unfamiliar: z.boolean(),
  /** Distance of the field's embedding from the model's training fields, in units of the calibrated threshold (> 1 = unfamiliar). */
  distance: z.number().nonnegative(),
});
export type Familiarity = z.infer<typeof Familiarity>;

/** One segmented cell, for the viewer's outline overlay and cell-level evidence. Slide pixels. */
export const CellOutline = z.object({
  /** Closed polygon [x0, y0, x1, y1, …] in slide pixels. */
  polygon: z.array(z.number()),
  mitotic: z.boolean(),
});
export type CellOutline = z.infer<typeof CellOutline>;
