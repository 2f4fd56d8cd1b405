/**
 * What the day dashboard and the model evidence read from the record: each slide's current
 * reading (the newest successful one) made in a time window, and each case's current signed
 * result with the suggestion the physician saw. Computed from the existing tables (no QC table to
 * keep in sync); docs/today.md gives the query time on a 30-day record.
 */
import type { Familiarity, FieldQuality, PixelSizeSource, Screening } from '../../contract';
import type { ReadableDb } from '../db/connection';
import { CURRENT_READING_IDS } from '../db/reading.repo';
import type { DecisionSuggestion } from '../db/decision.repo';
import { withheldByScreening } from '../reading/withheld';

export interface CurrentReading {
  caseId: number;
  modelId: string;
  modelVersion: string;
  provider: string;
  labels: string[];
  predicted: string[];
  /** Patterns the model called that screening withheld (reading/withheld.ts). */
  withheld: string[];
  quality: FieldQuality | null;
  familiarity: Familiarity | null;
  /** Where the slide's pixel size came from ('model-default': assumed; null: not recorded). */
  pixelSizeSource: PixelSizeSource | null;
  timingsMs: Record<string, number>;
  createdAtMs: number;
}

type Raw = Omit<CurrentReading, 'labels' | 'predicted' | 'withheld' | 'quality' | 'familiarity' | 'timingsMs'> & {
  labelsJson: string;
  predictedJson: string;
  probabilitiesJson: string;
  thresholdsJson: string | null;
  screeningJson: string | null;
  qualityJson: string | null;
  familiarityJson: string | null;
  timingsJson: string;
};

/** Current readings (newest successful per slide) made in [startMs, endMs), oldest first. */
export function currentReadingsBetween(db: ReadableDb, startMs: number, endMs: number): CurrentReading[] {
  const rows = db
    .prepare(
      `SELECT s.case_id AS caseId, r.model_id AS modelId, r.model_version AS modelVersion, r.provider,
         r.labels_json AS labelsJson, r.predicted_json AS predictedJson, r.probabilities_json AS probabilitiesJson,
         r.thresholds_json AS thresholdsJson, r.screening_json AS screeningJson, r.quality_json AS qualityJson,
         r.familiarity_json AS familiarityJson, r.timings_json AS timingsJson, r.created_at_ms AS createdAtMs,
         s.pixel_size_source AS pixelSizeSource
       FROM readings r JOIN slides s ON s.id = r.slide_id
       WHERE r.id IN (${CURRENT_READING_IDS})
         AND r.created_at_ms >= ? AND r.created_at_ms < ?
       ORDER BY r.created_at_ms, r.id`,
    )
    .all(startMs, endMs) as Raw[];
  return rows.map(({ labelsJson, predictedJson, probabilitiesJson, thresholdsJson, screeningJson, qualityJson, familiarityJson, timingsJson, ...rest }) => {
    const labels: string[] = JSON.parse(labelsJson);
    const screening = screeningJson === null ? null : (JSON.parse(screeningJson) as Screening);
    // Only a field screened negative can have anything withheld: the probabilities are parsed for those alone.
    const withheld =
      screening?.call === 'negative'
        ? withheldByScreening({ labels, probabilities: JSON.parse(probabilitiesJson), thresholds: thresholdsJson === null ? null : JSON.parse(thresholdsJson), screening })
        : [];
    return {
      ...rest,
      labels,
      predicted: JSON.parse(predictedJson),
      withheld,
      quality: qualityJson === null ? null : JSON.parse(qualityJson),
      familiarity: familiarityJson === null ? null : JSON.parse(familiarityJson),
      timingsMs: JSON.parse(timingsJson),
    };
  });
}

export interface SignedResult {
  caseId: number;
  signedAtMs: number;
  /** Pattern keys of the signed result (empty: negative). */
  signed: string[];
  suggestion: DecisionSuggestion;
}

/** Each case's latest signature (signing or amendment) with its decision; optionally only those made in [startMs, endMs). */
export function currentSignedResults(db: ReadableDb, window?: { startMs: number; endMs: number }): SignedResult[] {
  const rows = db
    .prepare(
      `SELECT s.case_id AS caseId, s.signed_at_ms AS signedAtMs, d.labels_json AS labelsJson, d.suggestion_json AS suggestionJson
       FROM signatures s JOIN decisions d ON d.id = s.decision_id
       WHERE s.id IN (SELECT MAX(id) FROM signatures GROUP BY case_id)
         AND s.signed_at_ms >= ? AND s.signed_at_ms < ?
       ORDER BY s.signed_at_ms, s.id`,
    )
    .all(window?.startMs ?? Number.MIN_SAFE_INTEGER, window?.endMs ?? Number.MAX_SAFE_INTEGER) as { caseId: number; signedAtMs: number; labelsJson: string; suggestionJson: string }[];
  return rows.map((r) => ({
    caseId: r.caseId,
    signedAtMs: r.signedAtMs,
    signed: (JSON.parse(r.labelsJson) as { key: string }[]).map((l) => l.key),
    suggestion: JSON.parse(r.suggestionJson) as DecisionSuggestion,
  }));
}
