/**
 * The pixel size a lab's fields suggest, from their cells: at the right size, the median cell area
 * of the lab's fields is about the median of the model's training fields (the familiarity
 * reference's `cellAreaUm2`). So the estimate starts at a size s, analyses every field at s, and
 * moves s by √(reference area ÷ median measured area), until it moves less than 2 %. The cell
 * segmentation works in µm, so what it finds depends on s: one step is not enough, a few passes
 * are. It starts at the small end of microscope sizes, whatever the profile says: read at too
 * large a size, the split of touching cells (its spacing is in µm) cuts a big cell into pieces
 * of about the reference's size, a false agreement; read at too small a size, cells only look
 * small. On generated held-out styles a single field settles within 25 % of its size from
 * 0.2 µm/px in 25–26 of 30 fields, from 0.5 µm/px in 17–26 (docs/results.md).
 *
 * Why many fields and never one: on generated held-out styles a single field's suggestion can be
 * off by 1.5–5× (a field of few, touching or dim cells), the median over 20–40 fields is within
 * about 10 % (docs/results.md). Real cells may segment larger or smaller than the generated ones the
 * reference was built on, so this is a check of the profile, not a setting: the lab confirms it
 * against the camera's pixel pitch ÷ magnification before saving it.
 */
import { resolve } from 'node:path';
import { DomainError, errorMessage } from '../errors';
import type { ModelPackage } from '../models/model-package';
import { decodeSlide } from '../slides/decode';
import type { MicroscopeProfile } from '../slides/microscope-profile';
import { analyseField } from './analyse-field';
import { loadFamiliarityReference, type FamiliarityReference } from './familiarity';

export interface FieldPixels {
  fitc: Float32Array;
  widthPx: number;
  heightPx: number;
}

export interface PixelSizeEstimate {
  /** The suggested pixel size at the sample (µm/px). */
  pixelSizeUm: number;
  /** Fields whose cells were measured at the last pass. */
  fields: number;
  /** Quartiles of the single fields' suggestions at the last pass: how much the fields agree. */
  lowUm: number;
  highUm: number;
  startUm: number;
  passes: number;
}

export const ESTIMATE_RULES = {
  /** Where the passes start (µm/px): the small end of microscope sizes (see above). */
  startUm: 0.2,
  /** Fewest fields with measurable cells: sets of 6 held-out fields miss by 1.6× in 3 of 30, sets of 12 by more than 20 % in 1 of 24. */
  minFields: 10,
  /** Fields measured by default (Settings: the latest read; the CLI: spread over the files): sets of 20–40 settle within about 10 %. */
  defaultFields: 40,
  /** Stop when a pass moves the size by less than this share. */
  tolerance: 0.02,
  maxPasses: 8,
  /** A suggestion outside this range (µm/px) is not a microscope's pixel: the fields are not HEp-2 cells at any size. */
  plausibleUm: [0.03, 5] as const,
  /** A profile this far from the suggestion, either way, is worth checking (the estimate is within about 10 % on generated styles). */
  farRatio: 1.25,
};

/** The profile's size over the suggestion is outside 1/farRatio..farRatio. */
export function farFromSuggestion(profileUm: number, suggestedUm: number): boolean {
  const ratio = suggestedUm / profileUm;
  return ratio > ESTIMATE_RULES.farRatio || ratio < 1 / ESTIMATE_RULES.farRatio;
}

/** The median cell area (µm²) of the model's training fields, or null when its reference holds none. */
export function referenceCellAreaUm2(ref: FamiliarityReference | null): number | null {
  const centre = ref?.acquisition?.statistics.cellAreaUm2?.centre;
  // The reference keeps cell areas as natural logarithms (familiarity.ts, acquisitionScale).
  return centre === undefined ? null : Math.exp(centre);
}

/** Median cell area of one field analysed at `pixelSizeUm`, or null when no cell was found. */
export function medianCellAreaUm2(field: FieldPixels, pixelSizeUm: number): number | null {
  return analyseField(field.fitc, field.widthPx, field.heightPx, pixelSizeUm, { acquisition: ['cellAreaUm2'] }).acquisition?.cellAreaUm2 ?? null;
}

/**
 * `load(i)` gives field i of `count` (decoded again at each pass, so that a day's fields need not
 * all be held in memory); `onProgress(pass, done, count)` after each field.
 */
export async function estimatePixelSize(
  count: number,
  load: (index: number) => Promise<FieldPixels>,
  referenceAreaUm2: number,
  onProgress?: (pass: number, done: number, count: number) => void,
  startUm: number = ESTIMATE_RULES.startUm,
): Promise<PixelSizeEstimate> {
  let size = startUm;
  for (let pass = 1; pass <= ESTIMATE_RULES.maxPasses; pass++) {
    const areas: number[] = [];
    for (let i = 0; i < count; i++) {
      const area = medianCellAreaUm2(await load(i), size);
      if (area !== null) areas.push(area);
      onProgress?.(pass, i + 1, count);
    }
    if (areas.length < ESTIMATE_RULES.minFields) {
      throw new DomainError('bad-request', `Only ${areas.length} of ${count} field(s) show cells to measure at ${size.toPrecision(3)} µm/px; at least ${ESTIMATE_RULES.minFields} are needed to estimate the pixel size`);
    }
    // Each field's own suggestion; their median is the step, their quartiles the agreement.
    const suggestions = areas.map((a) => size * Math.sqrt(referenceAreaUm2 / a)).sort((a, b) => a - b);
    const next = quantile(suggestions, 0.5);
    const [lo, hi] = ESTIMATE_RULES.plausibleUm;
    if (!(next >= lo && next <= hi)) {
      throw new DomainError('bad-request', `The cells of these fields suggest ${next.toPrecision(3)} µm/px, outside any microscope's range (${lo}–${hi}): they do not look like HEp-2 cells at any size`);
    }
    const moved = Math.abs(next / size - 1);
    size = next;
    if (moved < ESTIMATE_RULES.tolerance || pass === ESTIMATE_RULES.maxPasses) {
      return { pixelSizeUm: size, fields: areas.length, lowUm: quantile(suggestions, 0.25), highUm: quantile(suggestions, 0.75), startUm, passes: pass };
    }
  }
  throw new Error('unreachable: the last pass returns');
}

export interface FilesEstimate {
  estimate: PixelSizeEstimate;
  /** Files that could not be decoded, with the reason; the estimate is made without them. */
  leftOut: { path: string; reason: string }[];
  /** The pixel sizes the files themselves state (µm/px), for comparison; empty when none does. */
  statedUm: number[];
}

/** Decoded planes kept between passes up to this many pixels (4 bytes each); the rest are decoded again at each pass. */
const KEPT_PIXELS = 64 * 1024 * 1024;

/** The estimate from field files decoded as a reading decodes them (the profile's pages and limits), against the model's reference. */
export async function estimatePixelSizeFromFiles(
  paths: string[],
  pkg: ModelPackage,
  profile: MicroscopeProfile | null,
  onProgress?: (pass: number, done: number, count: number) => void,
): Promise<FilesEstimate> {
  const referenceArea = referenceCellAreaUm2(await loadFamiliarityReference(pkg));
  if (referenceArea === null) {
    throw new DomainError('conflict', `The model ${pkg.manifest.displayName} ${pkg.manifest.version} holds no cell-size reference (reference.json with acquisition statistics), so it cannot suggest a pixel size`);
  }
  const readable: string[] = [];
  const kept = new Map<number, FieldPixels>();
  const leftOut: FilesEstimate['leftOut'] = [];
  const statedUm: number[] = [];
  let keptPixels = 0;
  for (const given of paths) {
    const path = resolve(given);
    try {
      const decoded = await decodeSlide(path, { profile });
      if (decoded.pixelSizeSource === 'file' && decoded.pixelSizeUm !== null) statedUm.push(decoded.pixelSizeUm);
      const pixels = decoded.widthPx * decoded.heightPx;
      if (keptPixels + pixels <= KEPT_PIXELS) {
        kept.set(readable.length, { fitc: decoded.fitc, widthPx: decoded.widthPx, heightPx: decoded.heightPx });
        keptPixels += pixels;
      }
      readable.push(path);
    } catch (error) {
      leftOut.push({ path, reason: errorMessage(error) });
    }
  }
  const load = async (i: number): Promise<FieldPixels> => kept.get(i) ?? decodeSlide(readable[i]!, { profile });
  const estimate = await estimatePixelSize(readable.length, load, referenceArea, onProgress);
  return { estimate, leftOut, statedUm };
}

/** Evenly spread picks of at most `max` items, in order: a day's folder sampled over its whole length. */
export function spreadSample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  return Array.from({ length: max }, (_, k) => items[Math.floor((k * items.length) / max)]!);
}

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below);
}
