/**
 * `ana finetune` on a record some of whose signed field files have gone since they were read (a
 * moved folder): the run goes on without them and names the first ten, counting the rest; the
 * training run's record keeps every path and the cases each group was left with.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createApp } from '../../../electron/core/app';
import { openDatabase } from '../../../electron/core/db/connection';
import { getTrainingRun } from '../../../electron/core/db/training-run.repo';
import { defaultModelDir } from '../../../electron/core/paths';
import { anaInProcess } from '../../support/ana-cli';
import { loginAs, seedTestUsers, TEST_SCRYPT_COST } from '../../support/record-fixtures';
import { seedSignedFieldRecord } from '../../support/signed-field-record';
import { tempDir } from '../../support/temp-dir';

const dir = tempDir('ana-finetune-missing-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('fine-tunes without the missing files, names the first ten and records them all', async () => {
  const dbPath = join(dir, 'ana.db');
  const app = await createApp({ dbPath, modelDir: defaultModelDir(), version: 'test', providers: ['cpu'], log: () => {}, passwordCost: TEST_SCRYPT_COST });
  await seedTestUsers(app.db);
  mkdirSync(join(dir, 'fields'));
  const { paths } = await seedSignedFieldRecord(app.db, await loginAs(app, 'physician', 'physician'), join(dir, 'fields'), 32, 2);
  await app.close();
  const gone = paths.filter((_, k) => k % 3 === 1);
  for (const path of gone) rmSync(path);

  const run = await anaInProcess(['finetune', '--db', dbPath, '--models-dir', join(dir, 'models'), '--mode', 'thresholds', '--no-promote']);
  expect(run.status, run.stderr).toBe(0);
  const lines = run.stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${gone.length} signed slide file(s) could not be found and were left out (${gone.length} case(s) had no other field); restore them and fine-tune again to use them:`));
  expect(at, run.stdout).toBeGreaterThan(-1);
  const named = lines.slice(at + 1, at + 11).map((l) => l.trim());
  expect(named.every((path) => gone.includes(path))).toBe(true);
  expect(new Set(named).size).toBe(10);
  expect(lines[at + 11]).toMatch(new RegExp(`^  … and ${gone.length - 10} more \\(training run \\d+ in the record lists them all\\)$`));

  const db = openDatabase(dbPath);
  try {
    const metrics = getTrainingRun(db, 1)!.metrics as { missingSlides: { paths: string[]; cases: number }; casesUsed: { train: number; earlyStop: number; validation: number } };
    expect([...metrics.missingSlides.paths].sort()).toEqual([...gone].sort());
    expect(metrics.missingSlides.cases).toBe(gone.length);
    const used = metrics.casesUsed;
    expect(used.train + used.earlyStop + used.validation).toBe(paths.length - gone.length);
  } finally {
    db.close();
  }
});
