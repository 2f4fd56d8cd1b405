/**
 * A fine-tuning worker that dies mid-run (out of memory, a native crash) cannot close its run or
 * remove what it wrote: the app does, at once, through the real handler, worker thread, SQLite
 * record and candidate folder. The worker is the real run, made to die once its candidate is
 * written (test/support/workers/finetune-dies.worker.ts).
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import type { FinetuneState } from '../../../electron/contract';
import { createApp } from '../../../electron/core/app';
import { getTrainingRun } from '../../../electron/core/db/training-run.repo';
import { defaultModelDir } from '../../../electron/core/paths';
import { finetuneRun } from '../../../electron/core/training/finetune/finetune.handlers';
import { loginAs, seedTestUsers, TEST_SCRYPT_COST } from '../../support/record-fixtures';
import { seedSignedFieldRecord } from '../../support/signed-field-record';
import { tempDir } from '../../support/temp-dir';

const dir = tempDir('ana-finetune-dies-');
const dbPath = join(dir, 'ana.db');
const app = await createApp({ dbPath, modelDir: defaultModelDir(), version: 'test', providers: ['cpu'], log: () => {}, passwordCost: TEST_SCRYPT_COST });
afterAll(() => app.close());

it('closes the run as interrupted with the worker’s error and removes the candidate folder it had written', async () => {
  await seedTestUsers(app.db);
  mkdirSync(join(dir, 'fields'));
  await seedSignedFieldRecord(app.db, await loginAs(app, 'physician', 'physician'), join(dir, 'fields'), 20, 3);
  const admin = { sessionId: 'dies-admin' };
  await loginAs(app, admin.sessionId, 'admin');
  const states: FinetuneState[] = [];
  const logged: string[] = [];
  const run = finetuneRun(app.db, app.sessions, {
    dbPath,
    fallbackModelDir: defaultModelDir(),
    emit: (event, payload) => event === 'finetune/state' && states.push(payload as FinetuneState),
    log: (line) => logged.push(line),
    workerPath: join(dirname(fileURLToPath(import.meta.url)), '../../support/workers/finetune-dies.worker.ts'),
  });

  await run.handlers['finetune/start']({ mode: 'thresholds' }, admin);
  await expect.poll(() => states.at(-1)?.status, { timeout: 120_000 }).toBe('failed');
  expect(states.at(-1)!.error).toBe('fine-tuning worker exited (code 3) without a result');
  expect(logged).toEqual(['fine-tuning failed: fine-tuning worker exited (code 3) without a result']);
  expect(run.isRunning()).toBe(false);

  // The record: the run the worker started, closed by the app with the worker's error.
  expect(getTrainingRun(app.db, 1)).toMatchObject({ status: 'failed', error: 'interrupted: fine-tuning worker exited (code 3) without a result', resultModelVersionId: null });
  // The candidate it had written before dying is gone; models/ holds nothing unregistered.
  expect(existsSync(join(dir, 'models')) ? readdirSync(join(dir, 'models')) : []).toEqual([]);
});
