/**
 * A fine-tuning run whose process stopped before the run ended is closed in the record, as failed
 * with the reason, by the next run: on real SQLite, with a real process that has exited.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { listAuditOfEntity, SYSTEM_ACTOR } from '../../../electron/core/db/audit.repo';
import { openDatabase } from '../../../electron/core/db/connection';
import { getTrainingRun, insertTrainingRun, updateTrainingRun } from '../../../electron/core/db/training-run.repo';
import { defaultModelDir } from '../../../electron/core/paths';
import { runFinetune } from '../../../electron/core/training/finetune/finetune';
import { closeInterruptedRuns, closeRunsOfThisProcess, processAlive, thisRunner } from '../../../electron/core/training/finetune/interrupted-runs';
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
