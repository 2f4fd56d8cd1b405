import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../electron/core/db/connection';
import { listAudit, SYSTEM_ACTOR } from '../../../../electron/core/db/audit.repo';
import {
  getActiveModelVersion,
  insertModelVersion,
  listModelVersions,
  setActiveModelVersion,
  setModelStatus,
  setModelValidation,
} from '../../../../electron/core/db/model-version.repo';
import { getTrainingRun, insertTrainingRun, updateTrainingRun } from '../../../../electron/core/db/training-run.repo';
import { getReport, insertReport, listReportsOfCase } from '../../../../electron/core/db/report.repo';
import { sha256Hex } from '../../../../electron/core/db/canonical-json';
import { verifyRecord } from '../../../../electron/core/review/record-verify';
import { seedReadCase, tempDbPath } from '../../../support/record-fixtures';

const admin = { userId: null, name: 'admin' };

describe('model registry, training runs and reports', () => {
  it('registers versions, records the validation gate, releases and rolls back (audited)', () => {
    const db = openDatabase(tempDbPath());
    const base = insertModelVersion(db, { modelId: 'ana', version: '1.0.0', manifest: { labels: ['homogeneous'] }, packageSha256: 'a'.repeat(64), dirPath: '/m/1', source: 'shipped', parentId: null, trainingRunId: null, status: 'released', createdAtMs: 1 }, SYSTEM_ACTOR);
    setActiveModelVersion(db, base.id, admin);
    const run = insertTrainingRun(db, { baseModelVersionId: base.id, config: { epochs: 3 }, dataset: { train: [1, 2], validation: [3] }, seed: 42, startedBy: null, createdAtMs: 2 }, admin);
    expect(run.status).toBe('queued');
    updateTrainingRun(db, run.id, { status: 'running', startedAtMs: 3 }, admin);
    const tuned = insertModelVersion(db, { modelId: 'ana', version: '1.1.0-lab', manifest: { labels: ['homogeneous'] }, packageSha256: 'b'.repeat(64), dirPath: '/m/2', source: 'fine-tuned', parentId: base.id, trainingRunId: run.id, createdAtMs: 4 }, admin);
    const done = updateTrainingRun(db, run.id, { status: 'succeeded', finishedAtMs: 5, metrics: { macroF1: 0.8 }, resultModelVersionId: tuned.id }, admin);
    expect(getTrainingRun(db, run.id)).toEqual(done);
    expect(setModelValidation(db, tuned.id, 'validated', { macroF1: 0.8, gate: 'passed' }, admin)).toMatchObject({ status: 'validated', validation: { gate: 'passed' } });
    setModelStatus(db, tuned.id, 'released', { userId: null, name: 'admin' }, 6);
    setActiveModelVersion(db, tuned.id, admin);
    expect(getActiveModelVersion(db)?.version).toBe('1.1.0-lab');
    setActiveModelVersion(db, base.id, admin); // rollback
    expect(getActiveModelVersion(db)?.version).toBe('1.0.0');
    expect(listModelVersions(db, 'ana').map((m) => [m.version, m.status])).toEqual([
      ['1.0.0', 'released'],
      ['1.1.0-lab', 'released'],
    ]);
    const activations = listAudit(db).filter((e) => e.entity === 'setting' && e.entityId === 'model.activeVersionId');
    expect(activations.map((e) => [e.oldJson, e.newJson])).toEqual([
      [null, String(base.id)],
      [String(base.id), String(tuned.id)],
      [String(tuned.id), String(base.id)],
    ]);
    expect(() => insertModelVersion(db, { modelId: 'ana', version: '1.0.0', manifest: {}, packageSha256: 'c'.repeat(64), dirPath: '/x', source: 'imported', parentId: null, trainingRunId: null, createdAtMs: 7 }, admin)).toThrow(
      expect.objectContaining({ code: 'conflict', message: expect.stringContaining('Registering model ana 1.0.0') }),
    );
    expect(() => db.prepare("UPDATE model_versions SET package_sha256 = ? WHERE id = ?").run('d'.repeat(64), base.id)).toThrow(/content cannot change/);
    expect(() => db.prepare('DELETE FROM model_versions WHERE id = ?').run(base.id)).toThrow(/cannot be deleted/);
    expect(() => db.prepare('DELETE FROM training_runs WHERE id = ?').run(run.id)).toThrow(/cannot be deleted/);
    expect(verifyRecord(db).ok).toBe(true);
  });

  it('stores report bytes with their sha256 and supersedes older reports', () => {
    const db = openDatabase(tempDbPath());
    const { caseId } = seedReadCase(db, { accessionId: 'REP-1' });
    const bytes = new Uint8Array([37, 80, 68, 70, 0, 255]);
    const first = insertReport(db, { caseId, signatureId: null, format: 'pdf', fileName: 'REP-1.pdf', bytes, createdBy: null, createdAtMs: 1 }, SYSTEM_ACTOR);
    expect(first).toMatchObject({ sha256: sha256Hex(bytes), sizeBytes: 6, supersededById: null });
    const second = insertReport(db, { caseId, signatureId: null, format: 'pdf', fileName: 'REP-1-v2.pdf', bytes: new Uint8Array([1]), createdBy: null, createdAtMs: 2, supersedesId: first.id }, SYSTEM_ACTOR);
    expect(listReportsOfCase(db, caseId).map((r) => [r.id, r.supersededById])).toEqual([
      [first.id, second.id],
      [second.id, null],
    ]);
    expect(Buffer.from(getReport(db, first.id)!.bytes).equals(Buffer.from(bytes))).toBe(true);
  });
});
