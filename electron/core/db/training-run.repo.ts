/** Training runs (local fine-tuning): configuration, data set, seed, metrics and outcome. */
import { appendAudit, type Actor } from './audit.repo';
import { runWrite, type ReadableDb, type WritableDb } from './connection';

export type TrainingRunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface TrainingRunRow {
  id: number;
  baseModelVersionId: number | null;
  status: TrainingRunStatus;
  config: unknown;
  dataset: unknown;
  seed: number;
  metrics: unknown | null;
  error: string | null;
  resultModelVersionId: number | null;
  startedBy: number | null;
  createdAtMs: number;
  startedAtMs: number | null;
  finishedAtMs: number | null;
}

const SELECT_RUN = `SELECT id, base_model_version_id AS baseModelVersionId, status, config_json AS configJson, dataset_json AS datasetJson,
  seed, metrics_json AS metricsJson, error, result_model_version_id AS resultModelVersionId, started_by AS startedBy,
  created_at_ms AS createdAtMs, started_at_ms AS startedAtMs, finished_at_ms AS finishedAtMs FROM training_runs`;

type Raw = Omit<TrainingRunRow, 'config' | 'dataset' | 'metrics'> & { configJson: string; datasetJson: string; metricsJson: string | null };

function fromRaw(raw: Raw | undefined): TrainingRunRow | undefined {
  if (!raw) return undefined;
  const { configJson, datasetJson, metricsJson, ...rest } = raw;
  return { ...rest, config: JSON.parse(configJson), dataset: JSON.parse(datasetJson), metrics: metricsJson === null ? null : JSON.parse(metricsJson) };
}

export function getTrainingRun(db: ReadableDb, id: number): TrainingRunRow | undefined {
  return fromRaw(db.prepare(`${SELECT_RUN} WHERE id = ?`).get(id) as Raw | undefined);
}

/** The latest runs, newest first. */
export function listLatestTrainingRuns(db: ReadableDb, limit: number): TrainingRunRow[] {
  return (db.prepare(`${SELECT_RUN} ORDER BY id DESC LIMIT ?`).all(limit) as Raw[]).map((r) => fromRaw(r)!);
}

/** Runs not yet ended ('queued' or 'running'), oldest first. */
export function listUnfinishedTrainingRuns(db: ReadableDb): TrainingRunRow[] {
  return (db.prepare(`${SELECT_RUN} WHERE status IN ('queued', 'running') ORDER BY id`).all() as Raw[]).map((r) => fromRaw(r)!);
}

/** Runs that ended (failed or cancelled) without a candidate in the record, oldest first. */
export function listEndedRunsWithoutResult(db: ReadableDb): TrainingRunRow[] {
  return (db.prepare(`${SELECT_RUN} WHERE status IN ('failed', 'cancelled') AND result_model_version_id IS NULL ORDER BY id`).all() as Raw[]).map((r) => fromRaw(r)!);
}

export interface NewTrainingRun {
  baseModelVersionId: number | null;
  config: unknown;
  dataset: unknown;
  seed: number;
  startedBy: number | null;
  createdAtMs: number;
}

export function insertTrainingRun(db: WritableDb, run: NewTrainingRun, actor: Actor): TrainingRunRow {
  return runWrite(db, 'Creating a training run', () => {
    const info = db
      .prepare(
        `INSERT INTO training_runs (base_model_version_id, status, config_json, dataset_json, seed, started_by, created_at_ms)
         VALUES (?, 'queued', ?, ?, ?, ?, ?)`,
      )
      .run(run.baseModelVersionId, JSON.stringify(run.config), JSON.stringify(run.dataset), run.seed, run.startedBy, run.createdAtMs);
    const row = getTrainingRun(db, Number(info.lastInsertRowid))!;
    appendAudit(db, { actor, action: 'create', entity: 'training-run', entityId: row.id, newValue: row, atMs: run.createdAtMs });
    return row;
  });
}

export interface TrainingRunUpdate {
  status?: TrainingRunStatus;
  metrics?: unknown;
  error?: string | null;
  resultModelVersionId?: number | null;
  startedAtMs?: number | null;
  finishedAtMs?: number | null;
}

export function updateTrainingRun(db: WritableDb, id: number, update: TrainingRunUpdate, actor: Actor, nowMs = Date.now()): TrainingRunRow {
  return runWrite(db, `Updating training run ${id}`, () => {
    const before = getTrainingRun(db, id);
    if (!before) throw new Error(`Training run ${id} does not exist`);
    const after: TrainingRunRow = {
      ...before,
      ...Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined)),
    } as TrainingRunRow;
    db.prepare(
      `UPDATE training_runs SET status = ?, metrics_json = ?, error = ?, result_model_version_id = ?, started_at_ms = ?, finished_at_ms = ?
       WHERE id = ?`,
    ).run(after.status, after.metrics === null ? null : JSON.stringify(after.metrics), after.error, after.resultModelVersionId, after.startedAtMs, after.finishedAtMs, id);
    const keys = Object.keys(update).filter((k) => update[k as keyof TrainingRunUpdate] !== undefined) as (keyof TrainingRunUpdate)[];
    appendAudit(db, {
      actor,
      action: 'update',
      entity: 'training-run',
      entityId: id,
      oldValue: Object.fromEntries(keys.map((k) => [k, before[k]])),
      newValue: Object.fromEntries(keys.map((k) => [k, after[k]])),
      atMs: nowMs,
    });
    return after;
  });
}
