/**
 * A fine-tuning run whose process stopped before the run ended is closed in the record, as failed
 * with the reason, by the next run: on real SQLite, with a real process that has exited; and the
 * candidate folders ended runs left in models/ are removed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FinetuneMode } from '../../../electron/contract';
import { listAuditOfEntity, SYSTEM_ACTOR } from '../../../electron/core/db/audit.repo';
import { openDatabase } from '../../../electron/core/db/connection';
import { getTrainingRun, insertTrainingRun, updateTrainingRun } from '../../../electron/core/db/training-run.repo';
import { insertModelVersion } from '../../../electron/core/db/model-version.repo';
import { ensureActiveModel } from '../../../electron/core/models/model-registry';
import { defaultModelDir } from '../../../electron/core/paths';
import { candidateDir, candidateVersion } from '../../../electron/core/training/finetune/candidate';
import { runFinetune } from '../../../electron/core/training/finetune/finetune';
import { closeInterruptedRuns, closeRunsOfThisProcess, processAlive, thisRunner } from '../../../electron/core/training/finetune/interrupted-runs';
import { removeLeftoverCandidates } from '../../../electron/core/training/finetune/leftover-candidates';
import { tempDir } from '../../support/temp-dir';

const dir = tempDir('ana-interrupted-');
const db = openDatabase(join(dir, 'ana.db'));
afterAll(() => db.close());

const HOUR = 3_600_000;
const NOW = 1_790_000_000_000;

/** A run as fine-tuning records one, started `agoMs` before NOW and left as it was. */
function run(config: Record<string, unknown>, agoMs: number, status: 'queued' | 'running' | 'succeeded' = 'running'): number {
  const row = insertTrainingRun(db, { baseModelVersionId: null, config, dataset: {}, seed: 1, startedBy: null, createdAtMs: NOW - agoMs }, SYSTEM_ACTOR);
  if (status !== 'queued') updateTrainingRun(db, row.id, { status: 'running', startedAtMs: NOW - agoMs }, SYSTEM_ACTOR, NOW - agoMs);
  if (status === 'succeeded') updateTrainingRun(db, row.id, { status, finishedAtMs: NOW - agoMs + 1000 }, SYSTEM_ACTOR, NOW - agoMs + 1000);
  return row.id;
}

it('closes the unfinished runs whose process is gone from this host, and old ones it cannot ask about; leaves the rest', () => {
  const exited = spawnSync(process.execPath, ['-e', '']).pid!;
  expect(processAlive(exited)).toBe(false);
  expect(processAlive(process.pid)).toBe(true);
  const here = hostname();
  const ids = {
    deadHere: run({ runner: { host: here, pid: exited } }, HOUR),
    queuedDeadHere: run({ runner: { host: here, pid: exited } }, HOUR, 'queued'),
    aliveHere: run({ runner: { host: here, pid: process.pid } }, 3 * 24 * HOUR),
    elsewhereRecent: run({ runner: { host: `${here}-other`, pid: exited } }, HOUR),
    elsewhereOld: run({ runner: { host: `${here}-other`, pid: exited } }, 25 * HOUR),
    noRunnerOld: run({ mode: 'all' }, 2 * 24 * HOUR),
    noRunnerRecent: run({ mode: 'all' }, HOUR),
    ended: run({ runner: { host: here, pid: exited } }, HOUR, 'succeeded'),
  };
  const closed = closeInterruptedRuns(db, SYSTEM_ACTOR, NOW);
  expect(closed).toEqual([ids.deadHere, ids.queuedDeadHere, ids.elsewhereOld, ids.noRunnerOld]);
  const dead = getTrainingRun(db, ids.deadHere)!;
  expect(dead).toMatchObject({ status: 'failed', finishedAtMs: NOW });
  expect(dead.error).toBe(`interrupted: process ${exited} on ${here} stopped before the run ended (the workstation was closed, crashed or lost power); found by the next run`);
  expect(getTrainingRun(db, ids.noRunnerOld)!.error).toMatch(/^interrupted: the process running it stopped before the run ended/);
  for (const id of [ids.aliveHere, ids.elsewhereRecent, ids.noRunnerRecent]) expect(getTrainingRun(db, id)!.status).toBe('running');
  expect(getTrainingRun(db, ids.ended)!.status).toBe('succeeded');
  // The audit trail has the change, from running to failed.
  const audited = listAuditOfEntity(db, 'training-run', ids.deadHere).at(-1)!;
  expect(audited.action).toBe('update');
  expect([JSON.parse(audited.oldJson!).status, JSON.parse(audited.newJson!).status]).toEqual(['running', 'failed']);
  expect(closeInterruptedRuns(db, SYSTEM_ACTOR, NOW + 1)).toEqual([]);
});

it('a new fine-tuning run closes them first, even one that then fails for want of signed cases', async () => {
  const exited = spawnSync(process.execPath, ['-e', '']).pid!;
  const stale = run({ runner: { host: hostname(), pid: exited } }, HOUR);
  await expect(runFinetune({ db, fallbackModelDir: defaultModelDir(), modelsDir: join(dir, 'models'), cacheDir: join(dir, 'cache'), actor: SYSTEM_ACTOR, providers: ['cpu'] })).rejects.toThrow(/needs at least 20 signed cases/);
  expect(getTrainingRun(db, stale)!.status).toBe('failed');
});

it("closes this process's own unfinished run when its worker died without ending it, and no other", () => {
  const exited = spawnSync(process.execPath, ['-e', '']).pid!;
  // The first test left a run of this process unfinished ('aliveHere'): it is closed too.
  closeRunsOfThisProcess(db, SYSTEM_ACTOR, NOW, 'earlier');
  const mine = run({ runner: thisRunner(), mode: 'all' }, 60_000);
  const others = [run({ runner: { host: hostname(), pid: exited } }, 60_000), run({ runner: { host: `${hostname()}-other`, pid: process.pid } }, 60_000)];
  expect(closeRunsOfThisProcess(db, SYSTEM_ACTOR, NOW, 'fine-tuning worker crashed: Worker terminated due to reaching memory limit: JS heap out of memory')).toEqual([mine]);
  expect(getTrainingRun(db, mine)).toMatchObject({ status: 'failed', finishedAtMs: NOW, error: 'interrupted: fine-tuning worker crashed: Worker terminated due to reaching memory limit: JS heap out of memory' });
  for (const id of others) expect(getTrainingRun(db, id)!.status).toBe('running');
});

describe('candidate folders that ended runs left in models/', () => {
  const modelsDir = join(dir, 'models');
  /** A run of `mode` from the shipped version, ended with `status`, whose candidate folder (with a file in it) is on disk. */
  async function endedRunWithFolder(status: 'failed' | 'cancelled' | 'running' | 'succeeded', mode = 'all'): Promise<{ id: number; folder: string }> {
    const { row: base } = await ensureActiveModel(db, defaultModelDir(), SYSTEM_ACTOR, NOW);
    const id = insertTrainingRun(db, { baseModelVersionId: base.id, config: { runner: thisRunner(), mode }, dataset: {}, seed: 1, startedBy: null, createdAtMs: NOW }, SYSTEM_ACTOR).id;
    updateTrainingRun(db, id, { status: 'running', startedAtMs: NOW }, SYSTEM_ACTOR, NOW);
    if (status !== 'running') updateTrainingRun(db, id, { status, finishedAtMs: NOW }, SYSTEM_ACTOR, NOW);
    const folder = candidateDir(modelsDir, base.modelId, candidateVersion(base.version, mode as FinetuneMode, id));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'model.onnx'), 'half-written');
    return { id, folder };
  }

  it('removes those of failed and cancelled runs that no version points to, and nothing else', async () => {
    closeRunsOfThisProcess(db, SYSTEM_ACTOR, NOW, 'earlier');
    const failed = await endedRunWithFolder('failed');
    const cancelled = await endedRunWithFolder('cancelled', 'thresholds');
    const stillRunning = await endedRunWithFolder('running');
    const succeeded = await endedRunWithFolder('succeeded', 'last-blocks');
    // A run that failed after registering its candidate (promotion failed, say): the folder is a version in the record.
    const registered = await endedRunWithFolder('failed', 'adapt');
    insertModelVersion(db, { modelId: 'ana-default', version: 'registered-after-failure', manifest: {}, packageSha256: 'f'.repeat(64), dirPath: registered.folder, source: 'fine-tuned', parentId: null, trainingRunId: registered.id, createdAtMs: NOW }, SYSTEM_ACTOR);
    // The same, registered under a path that differs only in case (as Windows may write it): kept too.
    const otherCase = await endedRunWithFolder('cancelled');
    insertModelVersion(db, { modelId: 'ana-default', version: 'registered-other-case', manifest: {}, packageSha256: 'e'.repeat(64), dirPath: otherCase.folder.toUpperCase(), source: 'fine-tuned', parentId: null, trainingRunId: otherCase.id, createdAtMs: NOW }, SYSTEM_ACTOR);
    const imported = join(modelsDir, 'an-imported-package');
    mkdirSync(imported, { recursive: true });

    expect(removeLeftoverCandidates(db, modelsDir)).toEqual([failed.folder, cancelled.folder]);
    for (const kept of [stillRunning.folder, succeeded.folder, registered.folder, otherCase.folder, imported]) expect(existsSync(kept), kept).toBe(true);
    expect(existsSync(failed.folder) || existsSync(cancelled.folder)).toBe(false);
    expect(removeLeftoverCandidates(db, modelsDir)).toEqual([]);
  });

  it('a new run removes the folder of a run cut off by a crash, once it has closed that run', async () => {
    const exited = spawnSync(process.execPath, ['-e', '']).pid!;
    const cut = await endedRunWithFolder('running');
    db.prepare('UPDATE training_runs SET config_json = ? WHERE id = ?').run(JSON.stringify({ runner: { host: hostname(), pid: exited }, mode: 'all' }), cut.id);
    await expect(runFinetune({ db, fallbackModelDir: defaultModelDir(), modelsDir, cacheDir: join(dir, 'cache'), actor: SYSTEM_ACTOR, providers: ['cpu'] })).rejects.toThrow(/needs at least 20 signed cases/);
    expect(getTrainingRun(db, cut.id)!.status).toBe('failed');
    expect(existsSync(cut.folder)).toBe(false);
  });
});
