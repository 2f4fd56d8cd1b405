/**
 * The slide viewer's evidence: a reading's patch grid and per-patch, per-label scores, which the
 * renderer turns into the confidence heatmap, hover probabilities and the evidence gallery.
 */
import { z } from 'zod';
import { CellOutline, Familiarity, FieldQuality, Screening } from '../quality';

/**
 * A patch of a reading's grid: [x, y, width, height, skipped] in slide pixels; skipped = 1 for
 * background patches (no score). The one patch type: the record stores it, the viewer draws it.
 */
export type PatchEntry = [x: number, y: number, width: number, height: number, skipped: 0 | 1];
export const PatchRect: z.ZodType<PatchEntry> = z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int(), z.union([z.literal(0), z.literal(1)])]);

export const ReadingPatches = z.object({
  readingId: z.number().int(),
  slideId: z.number().int(),
  /** Label keys in the model's order: the column order of `scores`. */
  labels: z.array(z.string()),
  patches: z.array(PatchRect),
  /** patches.length × labels.length probabilities, row-major; 0 for skipped patches. */
  scores: z.array(z.number()),
  /** The model's per-label thresholds at read time, when the reading stored them. */
  thresholds: z.record(z.string(), z.number()).nullable(),
});
export type ReadingPatches = z.infer<typeof ReadingPatches>;

/** The cells segmented in a reading's field (outline overlay) with the field's verdict. */
export const ReadingCells = z.object({
  readingId: z.number().int(),
  slideId: z.number().int(),
  /** Null for readings stored before the field-quality analysis (then `cells` is empty). */
  quality: FieldQuality.nullable(),
  screening: Screening.nullable(),
  familiarity: Familiarity.nullable(),
  cells: z.array(CellOutline),
});
export type ReadingCells = z.infer<typeof ReadingCells>;

/** How a slide can be displayed: whether its file has a DAPI counterstain page (the viewer's DAPI toggle). */
export const SlideDisplay = z.object({
  slideId: z.number().int(),
  dapi: z.boolean(),
});
export type SlideDisplay = z.infer<typeof SlideDisplay>;

export const viewerChannels = {
  'viewer/slide-display': {
    request: z.object({ slideId: z.number().int().positive() }).strict(),
    response: SlideDisplay,
  },
  'viewer/reading-patches': {
    request: z.object({ readingId: z.number().int().positive() }).strict(),
    response: ReadingPatches,
  },
  'viewer/reading-cells': {
    request: z.object({ readingId: z.number().int().positive() }).strict(),
    response: ReadingCells,
  },
} as const;
