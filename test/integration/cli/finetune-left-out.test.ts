/**
 * `ana finetune` on a record some of whose signed field files have gone since they were read (a
 * moved folder) or been damaged: the run goes on without them and names the first ten with the
 * reason, counting the rest; the training run's record keeps every one and the cases each group
 * was left with. Then, on the same record, a run that fails after writing its candidate removes
 * the folder it wrote.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createApp } from '../../../electron/core/app';
import { SYSTEM_ACTOR } from '../../../electron/core/db/audit.repo';
import { openDatabase } from '../../../electron/core/db/connection';
import { getActiveModelVersion, insertModelVersion } from '../../../electron/core/db/model-version.repo';
import { getTrainingRun } from '../../../electron/core/db/training-run.repo';
import { defaultModelDir } from '../../../electron/core/paths';
import { candidateDir, candidateVersion } from '../../../electron/core/training/finetune/candidate';
import { anaInProcess } from '../../support/ana-cli';
import { loginAs, seedTestUsers, TEST_SCRYPT_COST } from '../../support/record-fixtures';
import { seedSignedFieldRecord } from '../../support/signed-field-record';
import { tempDir } from '../../support/temp-dir';

const dir = tempDir('ana-finetune-missing-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('fine-tunes without the files it cannot use, names the first ten with the reason and records them all', async () => {
  const dbPath = join(dir, 'ana.db');
  const app = await createApp({ dbPath, modelDir: defaultModelDir(), version: 'test', providers: ['cpu'], log: () => {}, passwordCost: TEST_SCRYPT_COST });
  await seedTestUsers(app.db);
  mkdirSync(join(dir, 'fields'));
  const { paths } = await seedSignedFieldRecord(app.db, await loginAs(app, 'physician', 'physician'), join(dir, 'fields'), 32, 2);
  await app.close();
  const gone = paths.filter((_, k) => k % 3 === 1);
  for (const path of gone.slice(1)) rmSync(path);
  // The first one cut short instead, as a copy interrupted halfway leaves it.
  truncateSync(gone[0]!, Math.floor(statSync(gone[0]!).size / 2));

  const run = await anaInProcess(['finetune', '--db', dbPath, '--models-dir', join(dir, 'models'), '--mode', 'thresholds', '--no-promote']);
  expect(run.status, run.stderr).toBe(0);
  const lines = run.stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${gone.length} signed slide file(s) could not be used and were left out (${gone.length} case(s) had no other field); restore them and fine-tune again to use them:`));
  expect(at, run.stdout).toBeGreaterThan(-1);
  const named = lines.slice(at + 1, at + 11).map((l) => l.trim());
  const reasonOf = (path: string) => (path === gone[0] ? /^PNG pixel data is damaged or truncated \(.+\)$/ : /^file not found$/);
  for (const line of named) {
    const path = gone.find((p) => line.startsWith(`${p}: `));
    expect(path, line).toBeDefined();
    expect(line.slice(path!.length + 2)).toMatch(reasonOf(path!));
  }
  expect(new Set(named).size).toBe(10);
  expect(lines[at + 11]).toMatch(new RegExp(`^  … and ${gone.length - 10} more \\(training run \\d+ in the record lists them all\\)$`));

  // ana models runs lists it with the candidate and what it left out.
  const runs = await anaInProcess(['models', 'runs', '--db', dbPath]);
  expect(runs.status, runs.stderr).toBe(0);
  expect(runs.stdout).toMatch(new RegExp(`^   1  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d    thresholds  succeeded \\S+\\+thr1 \\(${gone.length} signed field\\(s\\) left out\\)$`));
  const json = JSON.parse((await anaInProcess(['models', 'runs', '--db', dbPath, '--json'])).stdout) as { id: number; status: string; leftOutSlides: number }[];
  expect(json).toMatchObject([{ id: 1, status: 'succeeded', mode: 'thresholds', leftOutSlides: gone.length, error: null }]);

  const db = openDatabase(dbPath);
  try {
    const metrics = getTrainingRun(db, 1)!.metrics as { leftOutSlides: { slides: { path: string; reason: string }[]; cases: number }; casesUsed: { train: number; earlyStop: number; validation: number } };
    expect(metrics.leftOutSlides.slides.map((s) => s.path).sort()).toEqual([...gone].sort());
    for (const { path, reason } of metrics.leftOutSlides.slides) expect(reason).toMatch(reasonOf(path));
    expect(metrics.leftOutSlides.cases).toBe(gone.length);
    const used = metrics.casesUsed;
    expect(used.train + used.earlyStop + used.validation).toBe(paths.length - gone.length);
  } finally {
    db.close();
  }
});

it('a run that fails after writing its candidate leaves no folder behind in models/', async () => {
  const dbPath = join(dir, 'ana.db');
  const db = openDatabase(dbPath);
  let folder: string;
  let first: string;
  try {
    // The next run (2) would register its candidate as ACTIVE+thr2: that version is taken, by another package, so registering fails.
    const active = getActiveModelVersion(db)!;
    const version = candidateVersion(active.version, 'thresholds', 2);
    insertModelVersion(db, { modelId: active.modelId, version, manifest: {}, packageSha256: '0'.repeat(64), dirPath: join(dir, 'elsewhere'), source: 'imported', parentId: null, trainingRunId: null, createdAtMs: Date.now() }, SYSTEM_ACTOR);
    folder = candidateDir(join(dir, 'models'), active.modelId, version);
    first = candidateDir(join(dir, 'models'), active.modelId, candidateVersion(active.version, 'thresholds', 1));
  } finally {
    db.close();
  }
  const run = await anaInProcess(['finetune', '--db', dbPath, '--models-dir', join(dir, 'models'), '--mode', 'thresholds', '--no-promote']);
  expect(run.status).not.toBe(0);
  expect(run.stderr).toMatch(/registered with a different package/);
  const after = openDatabase(dbPath);
  try {
    expect(getTrainingRun(after, 2)).toMatchObject({ status: 'failed', resultModelVersionId: null });
  } finally {
    after.close();
  }
  // The failed run's folder is gone; the first run's candidate, registered, is the one left.
  expect(readdirSync(join(dir, 'models')).map((name) => join(dir, 'models', name))).toEqual([first]);
  expect(existsSync(folder)).toBe(false);
});
