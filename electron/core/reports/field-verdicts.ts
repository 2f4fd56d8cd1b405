/**
 * The per-field verdict as reports state it: a not-readable field says so in words and lists no
 * patterns, whatever the reading stored; a readable one gives its measures, its screening call and
 * the model's patterns, and a pixel size the field was cut at that nothing stated. The PDF
 * (compact, beside the specimen) and the HL7 notes (in full) are built from these.
 */
import { findLabel } from '../../contract/labels';
import { assumedPixelSizeWords, familiarityWords, isNotReadable, measuresWords, screeningWords, verdictWords } from '../../contract/quality-words';
import type { FieldReport } from './report-model';

export const CONFIRMED_NOT_READABLE_WORDS = 'Signed negative although no field was readable; the signer confirmed this explicitly.';

/** The model's patterns on a field: 'Homogeneous, Golgi', 'none', or 'none (field not readable)'. */
export function fieldPatternsWords(field: FieldReport): string {
  if (isNotReadable(field.quality)) return 'none (field not readable)';
  return field.suggested.length ? field.suggested.map((k) => findLabel(k)?.displayName ?? k).join(', ') : 'none';
}

/**
 * 'F1.png: readable (54 cells, 2 candidate mitoses (approximate), …); screening positive (…); model patterns: Homogeneous'.
 * `compact` keeps only the cell counts and the screening probability (the PDF's specimen column).
 */
export function fieldSummary(field: FieldReport, compact = false): string {
  const q = field.quality;
  const measured = q ? (compact ? ` (${q.cells} cells, ${q.mitoses} candidate mitoses)` : ` (${measuresWords(q)})`) : '';
  const screening = compact && field.screening ? `screening ${field.screening.call} (${field.screening.positiveProbability.toFixed(2)})` : screeningWords(field.screening);
  const parts = [`${verdictWords(q)}${measured}`, familiarityWords(field.familiarity), pixelSizeWords(field, compact), screening, `model patterns: ${fieldPatternsWords(field)}`];
  return `${field.fileName}: ${parts.filter(Boolean).join('; ')}`;
}

/** '' when the field's pixel size was stated (by its file or the microscope profile). */
function pixelSizeWords(field: FieldReport, compact: boolean): string {
  const um = field.assumedPixelSizeUm;
  if (um === null) return '';
  return compact ? `pixel size assumed (${um.toFixed(3)} µm/px)` : `pixel size ${assumedPixelSizeWords(um)}`;
}

/** One sentence per field for the message notes. */
export function fieldVerdictLine(field: FieldReport): string {
  return `Field ${fieldSummary(field)}.`;
}
