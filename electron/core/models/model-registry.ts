/**
 * The model registry over the record's model_versions table: which package version is active
 * (used for new readings), which are candidates (trained here, waiting or refused by the gate) and
 * which are retired. Promotion and rollback change the active-version setting (audited with old
 * and new value) and the statuses; a manual promotion of a version the gate did not pass needs a
 * written justification, stored in the audit log. Packages are registered with their manifest
 * and a hash of it, so a registered version can never silently change on disk.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UntrainedCallsSummary } from '../../contract';
import { DomainError } from '../errors';
import { appendAudit, listAuditOfEntity, type Actor } from '../db/audit.repo';
import { inTransaction, type ReadableDb, type WritableDb } from '../db/connection';
import {
  ACTIVE_MODEL_SETTING,
  getActiveModelVersion,
  getModelVersion,
  getModelVersionById,
  insertModelVersion,
  listModelVersions,
  setActiveModelVersion,
  setModelStatus,
  type ModelSource,
  type ModelVersionRow,
  type ModelVersionStatus,
} from '../db/model-version.repo';
import { loadModelPackage, type ModelPackage } from './model-package';

export async function manifestSha256(pkg: ModelPackage): Promise<string> {
  return createHash('sha256').update(await readFile(join(pkg.dir, 'manifest.json'))).digest('hex');
}

/** Registers a package version (idempotent by model id + version; a different package under the same version is refused). */
export async function registerPackage(
  db: WritableDb,
  pkg: ModelPackage,
  entry: { source: ModelSource; parentId?: number | null; trainingRunId?: number | null; status?: ModelVersionStatus },
  actor: Actor,
  nowMs = Date.now(),
): Promise<ModelVersionRow> {
  const sha = await manifestSha256(pkg);
  const { id, version } = pkg.manifest;
  const existing = getModelVersion(db, id, version);
  if (existing) {
    if (existing.packageSha256 !== sha) throw new DomainError('conflict', `${pkg.dir}: model ${id} ${version} is registered with a different package (${existing.dirPath}); give the new package its own version`);
    return existing;
  }
  return insertModelVersion(
    db,
    { modelId: id, version, manifest: pkg.manifest, packageSha256: sha, dirPath: pkg.dir, source: entry.source, parentId: entry.parentId ?? null, trainingRunId: entry.trainingRunId ?? null, createdAtMs: nowMs, status: entry.status ?? 'candidate' },
    actor,
  );
}

/** Loads a registered version's package and checks it is still the one registered. */
export async function loadRegisteredPackage(row: ModelVersionRow): Promise<ModelPackage> {
  const pkg = await loadModelPackage(row.dirPath);
  if ((await manifestSha256(pkg)) !== row.packageSha256) throw new DomainError('model-invalid', `${row.dirPath}: package of ${row.modelId} ${row.version} changed on disk since it was registered`);
  return pkg;
}

/**
 * The active version; on a fresh record the shipped package (`fallbackDir`) is registered,
 * released and made active, so every reading can name the registered version that produced it.
 */
export async function ensureActiveModel(db: WritableDb, fallbackDir: string, actor: Actor, nowMs = Date.now()): Promise<{ row: ModelVersionRow; pkg: ModelPackage }> {
  const active = getActiveModelVersion(db);
  if (active) return { row: active, pkg: await loadRegisteredPackage(active) };
  const pkg = await loadModelPackage(fallbackDir);
  const row = await registerPackage(db, pkg, { source: 'shipped', status: 'candidate' }, actor, nowMs);
  inTransaction(db, () => {
    setModelStatus(db, row.id, 'released', actor, nowMs);
    setActiveModelVersion(db, row.id, actor, nowMs);
  });
  return { row: getModelVersionById(db, row.id)!, pkg };
}

/** The folder of the active version, or null when the record has none yet. */
export function activeModelDir(db: ReadableDb): string | null {
  return getActiveModelVersion(db)?.dirPath ?? null;
}

export interface PromoteOptions {
  /** Required unless the version passed the validation gate (status 'validated'). */
  justification?: string;
  nowMs?: number;
}

/** Makes `id` the active version; the previously active one is retired. */
export function promoteModel(db: WritableDb, id: number, actor: Actor, options: PromoteOptions = {}): ModelVersionRow {
  const nowMs = options.nowMs ?? Date.now();
  const row = getModelVersionById(db, id);
  if (!row) throw new DomainError('not-found', `model version ${id} does not exist`);
  const current = getActiveModelVersion(db);
  if (current?.id === id) throw new DomainError('conflict', `model version ${id} (${row.modelId} ${row.version}) is already active`);
  const manual = row.status !== 'validated';
  const justification = options.justification?.trim() ?? '';
  if (manual && justification.length < 10) {
    throw new DomainError('bad-request', `model version ${id} (${row.modelId} ${row.version}) has status '${row.status}', not passed by the validation gate: promoting it needs a written justification (at least 10 characters)`);
  }
  return inTransaction(db, () => {
    if (manual) appendAudit(db, { actor, action: 'promote-manual', entity: 'model-version', entityId: id, oldValue: { status: row.status, validation: row.validation }, newValue: { justification }, atMs: nowMs });
    if (current) setModelStatus(db, current.id, 'retired', actor, nowMs);
    setModelStatus(db, id, 'released', actor, nowMs);
    setActiveModelVersion(db, id, actor, nowMs);
    return getModelVersionById(db, id)!;
  });
}

/**
 * Re-activates the version that was active before the current one (skipping versions that were
 * themselves rolled back from), and retires the current one.
 */
export function rollbackModel(db: WritableDb, actor: Actor, reason = '', nowMs = Date.now()): { from: ModelVersionRow; to: ModelVersionRow } {
  const current = getActiveModelVersion(db);
  if (!current) throw new DomainError('not-found', 'no active model version to roll back from');
  const rolledBackFrom = new Set(
    listModelVersions(db)
      .filter((m) => listAuditOfEntity(db, 'model-version', m.id).some((e) => e.action === 'rollback'))
      .map((m) => m.id),
  );
  const history = listAuditOfEntity(db, 'setting', ACTIVE_MODEL_SETTING)
    .map((e) => (e.oldJson === null ? null : (JSON.parse(e.oldJson) as number)))
    .filter((v): v is number => typeof v === 'number')
    .reverse();
  const targetId = history.find((id) => id !== current.id && !rolledBackFrom.has(id) && getModelVersionById(db, id)?.status !== 'rejected');
  if (targetId === undefined) throw new DomainError('not-found', `no earlier active version to roll back to from ${current.modelId} ${current.version}`);
  return inTransaction(db, () => {
    appendAudit(db, { actor, action: 'rollback', entity: 'model-version', entityId: current.id, oldValue: { active: current.id }, newValue: { active: targetId, reason }, atMs: nowMs });
    setModelStatus(db, current.id, 'retired', actor, nowMs);
    setModelStatus(db, targetId, 'released', actor, nowMs);
    setActiveModelVersion(db, targetId, actor, nowMs);
    return { from: getModelVersionById(db, current.id)!, to: getModelVersionById(db, targetId)! };
  });
}

export function listRegistry(db: ReadableDb): (ModelVersionRow & { active: boolean })[] {
  const active = getActiveModelVersion(db)?.id;
  return listModelVersions(db).map((m) => ({ ...m, active: m.id === active }));
}

/** The patterns a fine-tuned version was not trained on, from its manifest's provenance (`training.untrainedLabels`). */
export function untrainedOf(manifest: unknown): string[] {
  const labels = trainingProvenanceOf(manifest)?.untrainedLabels;
  return Array.isArray(labels) ? labels.filter((k): k is string => typeof k === 'string') : [];
}

/** How often a fine-tuned version calls those patterns on its training cases (`training.untrainedCalls`); null where not recorded. */
export function untrainedCallsOf(manifest: unknown): UntrainedCallsSummary | null {
  const parsed = UntrainedCallsSummary.safeParse(trainingProvenanceOf(manifest)?.untrainedCalls);
  return parsed.success ? parsed.data : null;
}

function trainingProvenanceOf(manifest: unknown): { untrainedLabels?: unknown; untrainedCalls?: unknown } | undefined {
  return (manifest as { provenance?: { training?: { untrainedLabels?: unknown; untrainedCalls?: unknown } } } | null)?.provenance?.training;
}
