/**
 * The view-model every report renderer (PDF, CSV, HL7) works from: a plain, fully resolved
 * snapshot of one signed version of a case. Renderers are pure functions of this object and the
 * lab's settings, so the same record always renders to the same bytes: every time shown comes
 * from the record (signature, receipt, reading), never from the clock.
 */
import { findLabel, NEGATIVE_ICAP_CODE, type PatternGroup } from '../../contract/labels';
import type { Familiarity, FieldQuality, Screening } from '../../contract/quality';

/** One pattern of the final (signed) result. */
export interface PatternResult {
  labelKey: string;
  displayName: string;
  /** The code reported, e.g. 'AC-4'; for a label spanning several codes without a chosen subtype, 'AC-2,4,5'. */
  icapCode: string;
  group: PatternGroup;
  /** e.g. 'strong' or '3+'; null when the lab reports a titer only. */
  intensity: string | null;
  /** e.g. '1:640'. */
  titer: string | null;
}

export interface ModelSuggestion {
  modelId: string;
  modelVersion: string;
  /** Case-level probability per label key, highest first. */
  probabilities: { labelKey: string; probability: number }[];
  /** Label keys the model put over its thresholds. */
  predicted: string[];
}

export interface SignatureBlock {
  signerName: string;
  /** e.g. 'approved', 'reviewed'. */
  meaning: string;
  signedAtMs: number;
  /** Hash of the exact record content the signature binds. */
  contentSha256: string;
}

export interface Patient {
  /** Medical record number as known to the lab system; null when the record has none. */
  id: string | null;
  /** As the record holds it; 'Family, Given' is split into HL7 name components. */
  name: string | null;
  /** ISO date 'YYYY-MM-DD'. */
  birthDate: string | null;
}

export interface Thumbnail {
  /** PNG bytes of the field with the main pattern's overlay. */
  png: Uint8Array;
  caption: string;
}

/** What the workstation could say about one field (slide) the signer saw: its verdict first. */
export interface FieldReport {
  fileName: string;
  /** Null for a reading made before the field-quality analysis existed ("not analysed"). */
  quality: FieldQuality | null;
  /** Null when the field was not screened (not readable, or an older reading). */
  screening: Screening | null;
  familiarity: Familiarity | null;
  /** The pixel size the field was cut at when nothing stated it (no size in the file, no microscope profile); null when stated or not recorded. */
  assumedPixelSizeUm: number | null;
  /** Label keys the model suggested on this field; a not-readable field never lists any. */
  suggested: string[];
}

export interface SignedCaseReport {
  /** Stable id of this report version, e.g. 'ANA-2026-0042-v2'. */
  reportId: string;
  /** 1 for the first signed report, +1 per amendment. */
  version: number;
  caseId: number;
  accessionId: string;
  patient: Patient;
  receivedAtMs: number;
  /** When the model read the case's slides (newest reading); null when never read. */
  readAtMs: number | null;
  screeningDilution: string | null;
  /** Empty means negative (AC-0). */
  results: PatternResult[];
  suggestion: ModelSuggestion | null;
  comment: string | null;
  signature: SignatureBlock;
  /** Set when this version amends an earlier signed report. */
  amends: { reportId: string; reason: string | null } | null;
  thumbnail: Thumbnail | null;
  /** One entry per field the signer saw, in reading order. */
  fields: FieldReport[];
  /** The signer explicitly confirmed a negative result although no field was readable. */
  confirmedNotReadable: boolean;
}

/**
 * Builds one pattern result from the vocabulary, keeping a chosen ICAP subtype when there is one.
 * A label a model brought that the vocabulary lacks is reported under its key, as nuclear.
 */
export function patternResult(labelKey: string, options: { icapCode?: string | null; intensity?: string | null; titer?: string | null } = {}): PatternResult {
  const label = findLabel(labelKey);
  return {
    labelKey,
    displayName: label?.displayName ?? labelKey,
    icapCode: options.icapCode ?? (label ? competentCode(label.icapCodes) : ''),
    group: label?.group ?? 'nuclear',
    intensity: options.intensity ?? null,
    titer: options.titer ?? null,
  };
}

/** 'AC-2','AC-4','AC-5' → 'AC-2,4,5' (ICAP's notation for a competent-level group). */
function competentCode(codes: string[]): string {
  if (codes.length === 1) return codes[0]!;
  return `AC-${codes.map((c) => c.replace(/^AC-/, '')).join(',')}`;
}

export { NEGATIVE_ICAP_CODE };
