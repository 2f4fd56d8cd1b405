import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../../electron/contract';
import { createAccount, toSessionUser } from '../../../electron/core/auth/auth.service';
import { TEST_SCRYPT_COST } from '../../support/record-fixtures';
import { SYSTEM_ACTOR } from '../../../electron/core/db/audit.repo';
import { openDatabase, type WritableDb } from '../../../electron/core/db/connection';
import { getActiveModelVersion } from '../../../electron/core/db/model-version.repo';
import { getTrainingRun } from '../../../electron/core/db/training-run.repo';
import { setSetting } from '../../../electron/core/db/settings.repo';
import { MICROSCOPE_PROFILE_SETTING } from '../../../electron/core/settings/microscope-profile-setting';
import { createEngine } from '../../../electron/core/inference/engine';
import { activeModelDir, loadRegisteredPackage, promoteModel, rollbackModel } from '../../../electron/core/models/model-registry';
import { Random } from '../../../electron/core/random';
import { readBatch } from '../../../electron/core/reading/batch-reader';
import { getReadingById } from '../../../electron/core/db/reading.repo';
import { runFinetune } from '../../../electron/core/training/finetune/finetune';
import { startFinetuneWorker } from '../../../electron/core/training/finetune/finetune-worker';
import { listSignedCases } from '../../../electron/core/review/signed-cases';
import { splitSignedCases } from '../../../electron/core/training/finetune/signed-cases';
import { trainModelFromCsv } from '../../../electron/core/training/heads/train-model';
import { epochCapWords } from '../../../electron/core/training/trainer';
import { writeSkeletonPackage } from '../../../native-models/recipes/build-skeleton';
import { readAndSignCases, writeField, writeFieldDataset } from './fields';

const run = promisify(execFile);
const PASSWORD = 'correct horse battery';
let dir: string;
let db: WritableDb;
let physician: SessionUser;
let mismatchedDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-ft-'));
  await writeSkeletonPackage(join(dir, 'skeleton'));
  // The deliberately mismatched model: trained on a microscope 3× brighter than the lab's (saturating).
  const rng = new Random(21);
  const dimCsv = await writeFieldDataset(dir, 'dim.csv', 40, rng, (i) => (i < 32 ? 'train' : 'val'), { prefix: 'dim', gain: 3 });
  mismatchedDir = join(dir, 'mismatched');
  await trainModelFromCsv({ dataCsv: dimCsv, outDir: mismatchedDir, baseModelDir: join(dir, 'skeleton'), version: '1.0.0', trainer: { seed: 1, lr: 1e-2, maxEpochs: 10 }, providers: ['cpu'] });

  // The lab's record: 64 cases read with the mismatched model and signed by a physician.
  db = openDatabase(join(dir, 'ana.db'));
  physician = toSessionUser(await createAccount(db, { username: 'reader', displayName: 'Dr. Reader', role: 'physician', password: PASSWORD }, SYSTEM_ACTOR, Date.now(), TEST_SCRYPT_COST));
  await readAndSignCases(db, physician, PASSWORD, mismatchedDir, dir, 64, rng);
}, 120_000);

afterAll(async () => {
  db?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('local fine-tuning', () => {
  it('splits signed cases by case, deterministically and frozen', () => {
    const cases = listSignedCases(db);
    expect(cases).toHaveLength(64);
    const a = splitSignedCases(cases, 0.25);
    const b = splitSignedCases(cases.slice(10), 0.25);
    // dropping cases never moves another case across the split
    expect(b.validation.map((c) => c.caseId)).toEqual(a.validation.filter((c) => b.train.concat(b.validation).some((x) => x.caseId === c.caseId)).map((c) => c.caseId));
    expect(a.validation.length).toBeGreaterThan(5);
  });

  it('a worse candidate is refused by the gate and stays a candidate; the active version is unchanged', async () => {
    const r = await runFinetune({
      db,
      fallbackModelDir: mismatchedDir,
      modelsDir: join(dir, 'models'),
      cacheDir: join(dir, 'cache'),
      actor: SYSTEM_ACTOR,
      // A deliberately broken run: a huge step size, no warm-start fallback.
      trainer: { seed: 1, lr: 50, maxEpochs: 1, keepInitialIfBest: false, method: 'plain' },
      providers: ['cpu'],
    });
    expect(r.gate.passed).toBe(false);
    expect(r.gate.reasons.length).toBeGreaterThan(0);
    expect(r.candidate.status).toBe('rejected');
    expect(r.promoted).toBe(false);
    expect(getActiveModelVersion(db)!.version).toBe('1.0.0');
    expect(() => promoteModel(db, r.candidate.id, SYSTEM_ACTOR)).toThrow(/needs a written justification/);
    expect(getTrainingRun(db, r.runId)!.status).toBe('succeeded');
  });

  it('fine-tuning measurably improves the mismatched model, passes the gate and is promoted', async () => {
    const r = await runFinetune({ db, fallbackModelDir: mismatchedDir, modelsDir: join(dir, 'models'), cacheDir: join(dir, 'cache'), actor: SYSTEM_ACTOR, trainer: { seed: 2, lr: 0.05, maxEpochs: 40, patience: 10 }, providers: ['cpu'] });
    // ranking quality on the frozen validation cases: the saturated model mis-ranks the lab's fields
    expect(r.gate.active.map).toBeLessThan(0.8);
    expect(r.gate.candidate.map).toBeGreaterThan(r.gate.active.map + 0.15);
    expect(r.gate.candidate.f1_macro).toBeGreaterThanOrEqual(r.gate.active.f1_macro);
    expect(r.gate.passed).toBe(true);
    expect(r.promoted).toBe(true);
    const active = getActiveModelVersion(db)!;
    expect(active.id).toBe(r.candidate.id);
    expect(active.parentId).toBe(r.base.id);
    expect(activeModelDir(db)).toBe(r.candidate.dirPath);
  });

  it('rollback restores the previous version and new readings use it', async () => {
    const before = getActiveModelVersion(db)!;
    const { from, to } = rollbackModel(db, SYSTEM_ACTOR, 'test');
    expect(from.id).toBe(before.id);
    expect(to.version).toBe('1.0.0');
    expect(getActiveModelVersion(db)!.id).toBe(to.id);
    const model = await loadRegisteredPackage(getActiveModelVersion(db)!);
    const engine = await createEngine(model, { providers: ['cpu'], warn: () => {} });
    try {
      const path = join(dir, 'A2026-9999_F1.bmp');
      await writeField(path, ['speckled'], new Random(5));
      const [read] = (await readBatch({ db, model, engine }, [path])).items;
      expect(getReadingById(db, read!.readingId!)!.modelVersion).toBe('1.0.0');
    } finally {
      await engine.close();
    }
    // the command line reads with the registry's active version too
    const cliSlide = join(dir, 'A2026-9998_F1.bmp');
    await writeField(cliSlide, ['homogeneous'], new Random(6));
    await run(process.execPath, ['--import', 'tsx', 'electron/cli/ana.ts', 'read', cliSlide, '--db', join(dir, 'ana.db'), '--in-process', '--provider', 'cpu']);
    const row = db.prepare('SELECT r.model_version AS v FROM readings r JOIN slides s ON s.id = r.slide_id WHERE s.file_name = ?').get('A2026-9998_F1.bmp') as { v: string };
    expect(row.v).toBe('1.0.0');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'electron/cli/ana.ts', 'models', 'list', '--db', join(dir, 'ana.db')]);
    expect(stdout).toMatch(/\* +\d+ +ana-default 1\.0\.0 +active/);
    expect(stdout).toMatch(/gate refused/);
    // nothing earlier than the shipped version: a second rollback has nowhere to go
    expect(() => rollbackModel(db, SYSTEM_ACTOR)).toThrow(/no earlier active version/);
  });

  it('runs in a worker and can be cancelled; the run is recorded as cancelled', async () => {
    const handle = startFinetuneWorker({ dbPath: join(dir, 'ana.db'), fallbackModelDir: mismatchedDir, modelsDir: join(dir, 'models'), cacheDir: join(dir, 'cache'), actor: SYSTEM_ACTOR, trainer: { seed: 3 }, providers: ['cpu'] }, { onProgress: () => handle.cancel() });
    await expect(handle.result).rejects.toThrow(/cancelled/);
    const runs = db.prepare("SELECT status FROM training_runs ORDER BY id DESC LIMIT 1").get() as { status: string };
    expect(runs.status).toBe('cancelled');
  });

  it("says on the head's card, its run and its result when the epoch cap ended training, not when early stopping did", async () => {
    const headRun = (trainer: { maxEpochs: number; patience: number }) =>
      runFinetune({ db, fallbackModelDir: mismatchedDir, modelsDir: join(dir, 'models'), cacheDir: join(dir, 'cache'), actor: SYSTEM_ACTOR, mode: 'head', trainer: { seed: 5, lr: 0.05, ...trainer }, autoPromote: false, providers: ['cpu'] });
    const card = (r: { candidate: { dirPath: string } }) => readFile(join(r.candidate.dirPath, 'MODEL_CARD.md'), 'utf8');
    // 2 epochs under a patience of 10: whichever epoch was best, early stopping would have gone on.
    const capped = await headRun({ maxEpochs: 2, patience: 10 });
    expect(capped.training).toMatchObject({ epochs: 2, endedAtEpochCap: 2 });
    expect(await card(capped)).toContain(`- ${epochCapWords(2, capped.training.bestEpoch)}.`);
    expect(getTrainingRun(db, capped.runId)!.metrics).toMatchObject({ epochs: 2, endedAtEpochCap: 2 });
    // A patience of 1 ends the run at its first epoch without a better score, long before 40.
    const stopped = await headRun({ maxEpochs: 40, patience: 1 });
    expect(stopped.training.epochs).toBeLessThan(40);
    expect(stopped.training.endedAtEpochCap).toBeUndefined();
    expect(await card(stopped)).not.toContain('Training ended at its cap');
    expect(getTrainingRun(db, stopped.runId)!.metrics).not.toHaveProperty('endedAtEpochCap');
  });

  it('cuts the slides read at the assumed pixel size at the microscope profile size once one is set; the record keeps them as read', async () => {
    // The BMP fields state no size: read without a profile, every slide took the model's assumed size.
    const slides = () => db.prepare('SELECT DISTINCT pixel_size_um AS um, pixel_size_source AS source FROM slides').all();
    expect(slides()).toEqual([{ um: 0.5, source: 'model-default' }]);
    setSetting(db, MICROSCOPE_PROFILE_SETTING, { name: 'Lab scope 40x', pixelSizeUm: 0.4 }, SYSTEM_ACTOR);
    const embeddings = async () => (await readdir(join(dir, 'cache'), { recursive: true })).filter((f) => f.endsWith('.emb')).length;
    const before = await embeddings();
    const r = await runFinetune({ db, fallbackModelDir: mismatchedDir, modelsDir: join(dir, 'models'), cacheDir: join(dir, 'cache'), actor: SYSTEM_ACTOR, mode: 'head', trainer: { seed: 4, maxEpochs: 2 }, autoPromote: false, providers: ['cpu'] });
    expect(r.counts.slidesAtProfileSize).toBe(64);
    expect(getTrainingRun(db, r.runId)!.config).toMatchObject({ slidesAtProfileSize: 64, profilePixelSizeUm: 0.4 });
    // Every field was cut again, at the new size: its embeddings are cached under another preparation.
    expect((await embeddings()) - before).toBe(64);
    expect(slides()).toEqual([{ um: 0.5, source: 'model-default' }]);
    expect(listSignedCases(db)[0]!.slides[0]).toMatchObject({ pixelSizeUm: 0.5, pixelSizeSource: 'model-default' });
  });

  it("leaves out a signed slide whose file is gone or no longer decodes, says which and why, and trains on the rest", async () => {
    const cases = listSignedCases(db);
    const [gone, damaged] = [cases[5]!.slides[0]!.path, cases[40]!.slides[0]!.path];
    await rm(gone);
    await writeFile(damaged, 'not a field any more');
    const r = await runFinetune({ db, fallbackModelDir: mismatchedDir, modelsDir: join(dir, 'models'), cacheDir: join(dir, 'cache'), actor: SYSTEM_ACTOR, mode: 'head', trainer: { seed: 5, maxEpochs: 2 }, providers: ['cpu'], autoPromote: false });
    // In the order the groups were read (training, early stopping, validation): either may come first.
    expect(r.counts.leftOut.slides).toHaveLength(2);
    expect(r.counts.leftOut.slides).toEqual(
      expect.arrayContaining([
        { path: gone, reason: 'file not found' },
        { path: damaged, reason: 'not a supported image file (PNG, JPEG, TIFF or BMP expected)' },
      ]),
    );
    expect(r.counts.leftOut.cases).toBe(2);
    expect(r.counts.trainCases + r.counts.earlyStopCases + r.counts.validationCases).toBe(62);
    expect(getTrainingRun(db, r.runId)!.metrics).toMatchObject({ leftOutSlides: r.counts.leftOut, casesUsed: { train: r.counts.trainCases, earlyStop: r.counts.earlyStopCases, validation: r.counts.validationCases } });
  });
});
