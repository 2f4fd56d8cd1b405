/**
 * The words for a field's verdict, screening and familiarity. The viewer, the worklist, the PDF and
 * the HL7 message all say it with these, so a physician and the lab system read the same sentence.
 */
import type { Familiarity, FieldQuality, NotReadableReason, Screening } from './quality';

export const NOT_READABLE_WORDS: Record<NotReadableReason, string> = {
  blank: 'blank field',
  'no-cells': 'no cells found',
  'too-few-cells': 'too few cells',
  'out-of-focus': 'out of focus',
  saturated: 'saturated',
  'too-small': 'image too small',
  'unreadable-file': 'file could not be read',
};

/**
 * '0.500 µm/px, assumed: …' — a field cut at the model's assumed pixel size (PixelSizeSource
 * 'model-default'): nothing stated its scale (docs/field-quality-review.md).
 */
export function assumedPixelSizeWords(pixelSizeUm: number): string {
  return `${pixelSizeUm.toFixed(3)} µm/px, assumed: the file states no pixel size and no microscope profile was set when it was read`;
}

/** A field the analysis judged not readable (an older reading without analysis is not). */
export function isNotReadable(quality: FieldQuality | null | undefined): boolean {
  return quality?.verdict === 'not-readable';
}

/** 'readable', 'not readable: out of focus', or 'not analysed' for readings made before the analysis. */
export function verdictWords(quality: FieldQuality | null | undefined): string {
  if (!quality) return 'not analysed';
  if (quality.verdict === 'readable') return 'readable';
  return `not readable: ${quality.reason ? NOT_READABLE_WORDS[quality.reason] : 'reason not recorded'}`;
}

/**
 * '54 cells, 2 candidate mitoses (approximate), focus 0.31, signal/background 3.4, saturated 0.1 %'.
 * Mitoses are candidates: the analysis's call is right for few of them (docs/field-quality.md, "Mitoses").
 */
export function measuresWords(quality: FieldQuality): string {
  return [
    `${quality.cells} ${quality.cells === 1 ? 'cell' : 'cells'}`,
    `${quality.mitoses} ${quality.mitoses === 1 ? 'candidate mitosis' : 'candidate mitoses'} (approximate)`,
    `focus ${significant(quality.focus)}`,
    `signal/background ${significant(quality.signalToBackground)}`,
    `saturated ${significant(quality.saturatedFraction * 100)} %`,
  ].join(', ');
}

/** 'screening positive (probability 0.93)'; null when the field was not screened. */
export function screeningWords(screening: Screening | null | undefined): string | null {
  return screening ? `screening ${screening.call} (probability of positive ${screening.positiveProbability.toFixed(2)})` : null;
}

/** 'unfamiliar to the model: review with care'; null for a familiar (or unmeasured) field. */
export function familiarityWords(familiarity: Familiarity | null | undefined): string | null {
  return familiarity?.unfamiliar ? 'unfamiliar to the model: review with care' : null;
}

/** Two significant digits, without exponent notation for the ranges shown (0.001 … 99 999). */
function significant(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  return Number(value.toPrecision(2)).toString();
}
