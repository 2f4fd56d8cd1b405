/**
 * The model registry: every model version the workstation has known (shipped, fine-tuned here, or
 * imported), its validation-gate result and release state. The active version is a setting, so
 * release and rollback are audited changes of one value.
 */
import { appendAudit, type Actor } from './audit.repo';
import { runWrite, type ReadableDb, type WritableDb } from './connection';
import { getSetting, setSetting } from './settings.repo';

export type ModelVersionStatus = 'candidate' | 'validated' | 'rejected' | 'released' | 'retired';
export type ModelSource = 'shipped' | 'fine-tuned' | 'imported';

export interface ModelVersionRow {
  id: number;
  modelId: string;
  version: string;
  manifest: unknown;
  packageSha256: string;
  dirPath: string;
  source: ModelSource;
  parentId: number | null;
  trainingRunId: number | null;
  status: ModelVersionStatus;
  validation: unknown | null;
  createdAtMs: number;
  releasedAtMs: number | null;
  releasedBy: number | null;
}

export type NewModelVersion = Omit<ModelVersionRow, 'id' | 'status' | 'validation' | 'releasedAtMs' | 'releasedBy'> & { status?: ModelVersionStatus };

export const ACTIVE_MODEL_SETTING = 'model.activeVersionId';

const SELECT_MODEL = `SELECT id, model_id AS modelId, version, manifest_json AS manifestJson, package_sha256 AS packageSha256,
  dir_path AS dirPath, source, parent_id AS parentId, training_run_id AS trainingRunId, status, validation_json AS validationJson,
  created_at_ms AS createdAtMs, released_at_ms AS releasedAtMs, released_by AS releasedBy FROM model_versions`;

type Raw = Omit<ModelVersionRow, 'manifest' | 'validation'> & { manifestJson: string; validationJson: string | null };

function fromRaw(raw: Raw | undefined): ModelVersionRow | undefined {
  if (!raw) return undefined;
  const { manifestJson, validationJson, ...rest } = raw;
  return { ...rest, manifest: JSON.parse(manifestJson), validation: validationJson === null ? null : JSON.parse(validationJson) };
}

export function getModelVersionById(db: ReadableDb, id: number): ModelVersionRow | undefined {
  return fromRaw(db.prepare(`${SELECT_MODEL} WHERE id = ?`).get(id) as Raw | undefined);
}

export function getModelVersion(db: ReadableDb, modelId: string, version: string): ModelVersionRow | undefined {
  return fromRaw(db.prepare(`${SELECT_MODEL} WHERE model_id = ? AND version = ?`).get(modelId, version) as Raw | undefined);
}

export function listModelVersions(db: ReadableDb, modelId?: string): ModelVersionRow[] {
  const raws = (modelId ? db.prepare(`${SELECT_MODEL} WHERE model_id = ? ORDER BY id`).all(modelId) : db.prepare(`${SELECT_MODEL} ORDER BY id`).all()) as Raw[];
  return raws.map((r) => fromRaw(r)!);
}

function auditValue(m: ModelVersionRow) {
  const { manifest: _manifest, ...rest } = m;
  return rest;
}

export function insertModelVersion(db: WritableDb, model: NewModelVersion, actor: Actor): ModelVersionRow {
  return runWrite(db, `Registering model ${model.modelId} ${model.version}`, () => {
    const info = db
      .prepare(
        `INSERT INTO model_versions (model_id, version, manifest_json, package_sha256, dir_path, source, parent_id, training_run_id, status, created_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(model.modelId, model.version, JSON.stringify(model.manifest), model.packageSha256, model.dirPath, model.source, model.parentId, model.trainingRunId, model.status ?? 'candidate', model.createdAtMs);
    const row = getModelVersionById(db, Number(info.lastInsertRowid))!;
    appendAudit(db, { actor, action: 'create', entity: 'model-version', entityId: row.id, newValue: auditValue(row), atMs: model.createdAtMs });
    return row;
  });
}

/** Records the validation gate's verdict (validated or rejected) with its metrics. */
export function setModelValidation(db: WritableDb, id: number, status: 'validated' | 'rejected', validation: unknown, actor: Actor, nowMs = Date.now()): ModelVersionRow {
  return runWrite(db, `Recording validation of model version ${id}`, () => {
    const before = getModelVersionById(db, id);
    if (!before) throw new Error(`Model version ${id} does not exist`);
    db.prepare('UPDATE model_versions SET status = ?, validation_json = ? WHERE id = ?').run(status, JSON.stringify(validation), id);
    appendAudit(db, { actor, action: 'update', entity: 'model-version', entityId: id, oldValue: { status: before.status, validation: before.validation }, newValue: { status, validation }, atMs: nowMs });
    return getModelVersionById(db, id)!;
  });
}

export function setModelStatus(db: WritableDb, id: number, status: ModelVersionStatus, actor: Actor, nowMs = Date.now()): ModelVersionRow {
  return runWrite(db, `Setting model version ${id} to ${status}`, () => {
    const before = getModelVersionById(db, id);
    if (!before) throw new Error(`Model version ${id} does not exist`);
    if (status === 'released') {
      db.prepare('UPDATE model_versions SET status = ?, released_at_ms = ?, released_by = ? WHERE id = ?').run(status, nowMs, actor.userId, id);
    } else {
      db.prepare('UPDATE model_versions SET status = ? WHERE id = ?').run(status, id);
    }
    appendAudit(db, { actor, action: 'update', entity: 'model-version', entityId: id, oldValue: { status: before.status }, newValue: { status }, atMs: nowMs });
    return getModelVersionById(db, id)!;
  });
}

export function getActiveModelVersion(db: ReadableDb): ModelVersionRow | undefined {
  const id = getSetting<number>(db, ACTIVE_MODEL_SETTING);
  return id === undefined ? undefined : getModelVersionById(db, id);
}

/** Makes a version the one used for new readings (release or rollback); audited as a setting change. */
export function setActiveModelVersion(db: WritableDb, id: number, actor: Actor, nowMs = Date.now()): void {
  runWrite(db, `Activating model version ${id}`, () => {
    if (!getModelVersionById(db, id)) throw new Error(`Model version ${id} does not exist`);
    setSetting(db, ACTIVE_MODEL_SETTING, id, actor, nowMs);
  });
}
