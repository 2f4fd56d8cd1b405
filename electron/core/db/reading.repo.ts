import type { PatchEntry } from '../../contract';
import { appendAudit, SYSTEM_ACTOR, type Actor } from './audit.repo';
import { sha256Hex } from './canonical-json';
import { runWrite, type ReadableDb, type WritableDb } from './connection';
import type { CellOutline, Familiarity, FieldQuality, Screening } from '../../contract/quality';

/** One model run over a slide. Per-patch scores are kept: they are the evidence a reviewer sees. */
export interface ReadingRow {
  id: number;
  slideId: number;
  modelId: string;
  modelVersion: string;
  provider: string;
  status: 'done' | 'failed';
  error: string | null;
  labels: string[];
  probabilities: number[];
  predicted: string[];
  patchCount: number;
  /** Patch rectangles in slide pixels and whether the patch was skipped as background: [x, y, width, height, skipped]. */
  patches: PatchEntry[];
  /** patchCount × labels.length, row-major. */
  patchScores: Float32Array;
  timingsMs: Record<string, number>;
  /** The model's per-label decision thresholds at read time (null for readings stored without them). */
  thresholds: Record<string, number> | null;
  /** Field-quality verdict (null: stored before the analysis existed — never treat as readable). */
  quality: FieldQuality | null;
  /** Null when the field was not readable, or for older readings. */
  screening: Screening | null;
  familiarity: Familiarity | null;
  createdAtMs: number;
}

export type NewReading = Omit<ReadingRow, 'id' | 'thresholds' | 'quality' | 'screening' | 'familiarity'> & {
  thresholds?: Record<string, number> | null;
  quality?: FieldQuality | null;
  screening?: Screening | null;
  familiarity?: Familiarity | null;
  /** Segmented cells in slide pixels (kept apart from the row's usual reads: the viewer asks for them). */
  cells?: CellOutline[] | null;
};

/** A row as SQLite returns it: the JSON and BLOB columns not yet parsed. */
type RawReading = Omit<ReadingRow, 'labels' | 'probabilities' | 'predicted' | 'patches' | 'patchScores' | 'timingsMs' | 'thresholds' | 'quality' | 'screening' | 'familiarity'> & {
  labelsJson: string;
  probabilitiesJson: string;
  predictedJson: string;
  patchesJson: string;
  patchScores: Buffer | null;
  timingsJson: string;
  thresholdsJson: string | null;
  qualityJson: string | null;
  screeningJson: string | null;
  familiarityJson: string | null;
};

const SELECT_READING = `SELECT id, slide_id AS slideId, model_id AS modelId, model_version AS modelVersion, provider, status,
  error, labels_json AS labelsJson, probabilities_json AS probabilitiesJson, predicted_json AS predictedJson,
  patch_count AS patchCount, patches_json AS patchesJson, patch_scores AS patchScores, timings_json AS timingsJson,
  thresholds_json AS thresholdsJson, quality_json AS qualityJson, screening_json AS screeningJson,
  familiarity_json AS familiarityJson, created_at_ms AS createdAtMs FROM readings`;

const parseOrNull = <T>(json: string | null): T | null => (json === null ? null : (JSON.parse(json) as T));
const jsonOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

function fromRaw(raw: RawReading): ReadingRow {
  const scores = raw.patchScores
    ? new Float32Array(raw.patchScores.buffer.slice(raw.patchScores.byteOffset, raw.patchScores.byteOffset + raw.patchScores.byteLength))
    : new Float32Array(0);
  return {
    id: raw.id,
    slideId: raw.slideId,
    modelId: raw.modelId,
    modelVersion: raw.modelVersion,
    provider: raw.provider,
    status: raw.status,
    error: raw.error,
    labels: JSON.parse(raw.labelsJson),
    probabilities: JSON.parse(raw.probabilitiesJson),
    predicted: JSON.parse(raw.predictedJson),
    patchCount: raw.patchCount,
    patches: JSON.parse(raw.patchesJson),
    patchScores: scores,
    timingsMs: JSON.parse(raw.timingsJson),
    thresholds: raw.thresholdsJson === null ? null : JSON.parse(raw.thresholdsJson),
    quality: parseOrNull(raw.qualityJson),
    screening: parseOrNull(raw.screeningJson),
    familiarity: parseOrNull(raw.familiarityJson),
    createdAtMs: raw.createdAtMs,
  };
}

export function insertReading(db: WritableDb, reading: NewReading, actor: Actor = SYSTEM_ACTOR): ReadingRow {
  return runWrite(db, `Storing a reading of slide ${reading.slideId}`, () => {
    const scores = Buffer.from(reading.patchScores.buffer, reading.patchScores.byteOffset, reading.patchScores.byteLength);
    const info = db
      .prepare(
        `INSERT INTO readings (slide_id, model_id, model_version, provider, status, error, labels_json, probabilities_json,
           predicted_json, patch_count, patches_json, patch_scores, timings_json, thresholds_json, quality_json, screening_json,
           familiarity_json, cells_json, created_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        reading.slideId,
        reading.modelId,
        reading.modelVersion,
        reading.provider,
        reading.status,
        reading.error,
        JSON.stringify(reading.labels),
        JSON.stringify(reading.probabilities),
        JSON.stringify(reading.predicted),
        reading.patchCount,
        JSON.stringify(reading.patches),
        scores,
        JSON.stringify(reading.timingsMs),
        reading.thresholds ? JSON.stringify(reading.thresholds) : null,
        jsonOrNull(reading.quality),
        jsonOrNull(reading.screening),
        jsonOrNull(reading.familiarity),
        jsonOrNull(reading.cells),
        reading.createdAtMs,
      );
    const row = getReadingById(db, Number(info.lastInsertRowid))!;
    const { caseId } = db.prepare('SELECT case_id AS caseId FROM slides WHERE id = ?').get(row.slideId) as { caseId: number };
    appendAudit(db, {
      actor,
      action: 'create',
      entity: 'reading',
      entityId: row.id,
      caseId,
      atMs: row.createdAtMs,
      // The per-patch scores are evidence too: bound here by their hash rather than copied.
      newValue: {
        slideId: row.slideId,
        modelId: row.modelId,
        modelVersion: row.modelVersion,
        provider: row.provider,
        status: row.status,
        error: row.error,
        labels: row.labels,
        probabilities: row.probabilities,
        predicted: row.predicted,
        thresholds: row.thresholds,
        patchCount: row.patchCount,
        patchScoresSha256: sha256Hex(scores),
        quality: row.quality,
        screening: row.screening,
        familiarity: row.familiarity,
      },
    });
    return row;
  });
}

export function getReadingById(db: ReadableDb, id: number): ReadingRow | undefined {
  const raw = db.prepare(`${SELECT_READING} WHERE id = ?`).get(id) as RawReading | undefined;
  return raw && fromRaw(raw);
}

/** The segmented cells of a reading ([] when none were stored: older readings, or an empty field). */
export function getReadingCells(db: ReadableDb, id: number): CellOutline[] {
  const row = db.prepare('SELECT cells_json AS cellsJson FROM readings WHERE id = ?').get(id) as { cellsJson: string | null } | undefined;
  return parseOrNull<CellOutline[]>(row?.cellsJson ?? null) ?? [];
}

export function listReadingsOfSlide(db: ReadableDb, slideId: number): ReadingRow[] {
  return (db.prepare(`${SELECT_READING} WHERE slide_id = ? ORDER BY id`).all(slideId) as RawReading[]).map(fromRaw);
}

/** The newest successful reading of each slide of a case. */
export function latestReadingsOfCase(db: ReadableDb, caseId: number): ReadingRow[] {
  const raws = db
    .prepare(
      `${SELECT_READING} WHERE id IN (
         SELECT MAX(r.id) FROM readings r JOIN slides s ON s.id = r.slide_id
         WHERE s.case_id = ? AND r.status = 'done' GROUP BY r.slide_id)
       ORDER BY slide_id`,
    )
    .all(caseId) as RawReading[];
  return raws.map(fromRaw);
}

/** The ids of the current readings: a slide's current reading is its newest successful one (worklist, Today page). */
export const CURRENT_READING_IDS = "SELECT MAX(id) FROM readings WHERE status = 'done' GROUP BY slide_id";

/** Outputs of the newest successful reading of each slide, per case, without the per-patch data (for the worklist). */
/** What a reading concluded (no patches): the suggestion and the worklist's uncertainty need no more. */
export type ReadingOutputs = Pick<ReadingRow, 'id' | 'modelId' | 'modelVersion' | 'labels' | 'probabilities' | 'predicted' | 'thresholds'>;
export type ReadingOutputsRow = ReadingOutputs & Pick<ReadingRow, 'quality' | 'screening' | 'familiarity'> & { caseId: number; slideId: number };

export function latestReadingOutputsByCase(db: ReadableDb): Map<number, ReadingOutputsRow[]> {
  const rows = db
    .prepare(
      `SELECT r.id, s.case_id AS caseId, r.slide_id AS slideId, r.model_id AS modelId, r.model_version AS modelVersion,
         r.labels_json AS labelsJson, r.probabilities_json AS probabilitiesJson, r.predicted_json AS predictedJson,
         r.thresholds_json AS thresholdsJson, r.quality_json AS qualityJson, r.screening_json AS screeningJson,
         r.familiarity_json AS familiarityJson
       FROM readings r JOIN slides s ON s.id = r.slide_id
       WHERE r.id IN (${CURRENT_READING_IDS})
       ORDER BY r.slide_id`,
    )
    .all() as (Omit<ReadingOutputsRow, 'labels' | 'probabilities' | 'predicted' | 'thresholds' | 'quality' | 'screening' | 'familiarity'> & {
    labelsJson: string;
    probabilitiesJson: string;
    predictedJson: string;
    thresholdsJson: string | null;
    qualityJson: string | null;
    screeningJson: string | null;
    familiarityJson: string | null;
  })[];
  const byCase = new Map<number, ReadingOutputsRow[]>();
  for (const { labelsJson, probabilitiesJson, predictedJson, thresholdsJson, qualityJson, screeningJson, familiarityJson, ...rest } of rows) {
    const row: ReadingOutputsRow = {
      ...rest,
      labels: JSON.parse(labelsJson),
      probabilities: JSON.parse(probabilitiesJson),
      predicted: JSON.parse(predictedJson),
      thresholds: thresholdsJson === null ? null : JSON.parse(thresholdsJson),
      quality: parseOrNull(qualityJson),
      screening: parseOrNull(screeningJson),
      familiarity: parseOrNull(familiarityJson),
    };
    byCase.set(row.caseId, [...(byCase.get(row.caseId) ?? []), row]);
  }
  return byCase;
}
