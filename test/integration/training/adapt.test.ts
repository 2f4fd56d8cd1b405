/**
 * Lab adaptation end to end on a real record: generated fields in a lab style the model never saw
 * are read with the filter-bank package 0.4.0 (ONNX Runtime; the shipped default until 0.5.0, whose
 * extractor has the codebooks this mode re-learns) and signed; `runFinetune` in mode
 * 'adapt' learns the extractor's codebooks again from the record's slides, fits a new head on
 * the signed cases, writes a candidate with its own extractor identity and familiarity reference,
 * and leaves the active version to the gate. Cancellation during adaptation leaves the registry as
 * it was; an extractor without codebooks is refused with a clear message.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, toSessionUser } from '../../../electron/core/auth/auth.service';
import { SYSTEM_ACTOR } from '../../../electron/core/db/audit.repo';
import { openDatabase, type WritableDb } from '../../../electron/core/db/connection';
import { getActiveModelVersion, listModelVersions } from '../../../electron/core/db/model-version.repo';
import { getTrainingRun } from '../../../electron/core/db/training-run.repo';
import { createEngine } from '../../../electron/core/inference/engine';
import { learningCurve } from '../../../electron/core/models/learning-curve';
import { loadModelPackage, type ModelPackage } from '../../../electron/core/models/model-package';
import { defaultModelDir } from '../../../electron/core/paths';
import { loadFamiliarityReference } from '../../../electron/core/quality/familiarity';
import { readBatch } from '../../../electron/core/reading/batch-reader';
import { saveDraft, signCase } from '../../../electron/core/review/review.service';
import { readDatasetCsv, writeDataset } from '../../../electron/core/synth';
import { codebookLayoutOf } from '../../../electron/core/training/adapt/adapt-extractor';
import { ADAPT_FROM_SIGNED_CASES, defaultFinetuneMode, runFinetune, type FinetuneOptions } from '../../../electron/core/training/finetune/finetune';
import { embedRows } from '../../../electron/core/training/heads/train-model';
import { writeSkeletonPackage } from '../../../native-models/recipes/build-skeleton';
import { FILTER_BANK_0_4_0_DIR } from '../../fixtures/model-package';
import { TEST_PASSWORD, TEST_SCRYPT_COST } from '../../support/record-fixtures';
import { tempDir } from '../../support/temp-dir';

const run = promisify(execFile);
let dir: string;
let db: WritableDb;
let slidePaths: string[];

beforeAll(async () => {
  dir = tempDir('ana-adapt-');
  const data = await writeDataset({ outDir: join(dir, 'slides'), count: 20, seed: 5, sizePx: { width: 320, height: 256 }, style: 'low-light-noisy', splits: { test: 1 }, accessionPrefix: 'L' });
  const rows = await readDatasetCsv(data.csvPath);
  slidePaths = rows.map((r) => r.absolutePath);
  db = openDatabase(join(dir, 'ana.db'));
  const physician = toSessionUser(await createAccount(db, { username: 'reader', displayName: 'Dr. Reader', role: 'physician', password: TEST_PASSWORD }, SYSTEM_ACTOR, Date.now(), TEST_SCRYPT_COST));
  const model = await loadModelPackage(FILTER_BANK_0_4_0_DIR);
  const engine = await createEngine(model, { providers: ['cpu'], warn: () => {} });
  try {
    const { items } = await readBatch({ db, model, engine }, slidePaths);
    items.forEach((item, i) => {
      saveDraft(db, physician, { caseId: item.caseId!, labels: rows[i]!.labels.map((key) => ({ key })), comment: '' });
    });
    for (const item of items) await signCase(db, physician, { caseId: item.caseId!, password: TEST_PASSWORD, meaning: 'approved', confirmNotReadable: true });
  } finally {
    await engine.close();
  }
}, 240_000);

afterAll(() => {
  db?.close();
});

const options = (extra: Partial<FinetuneOptions> = {}): FinetuneOptions => ({
  db,
  fallbackModelDir: FILTER_BANK_0_4_0_DIR,
  modelsDir: join(dir, 'models'),
  cacheDir: join(dir, 'cache'),
  actor: SYSTEM_ACTOR,
  mode: 'adapt',
  minCases: 10,
  autoPromote: false,
  adaptation: { fields: 20, windowsPerPatch: 40 },
  providers: ['cpu'],
  ...extra,
});

async function embeddingsOf(model: ModelPackage, path: string): Promise<Float32Array> {
  const engine = await createEngine(model, { providers: ['cpu'], warn: () => {} });
  try {
    return (await embedRows(model, engine, [{ absolutePath: path, labels: [] }], { cacheDir: join(dir, 'cache') })).data.inputs;
  } finally {
    await engine.close();
  }
}

describe('lab adaptation (fine-tuning mode adapt)', () => {
  it('the default recipe is adapt from 200 signed cases on a model with codebooks (measured), else head', async () => {
    const filterBank = await loadModelPackage(FILTER_BANK_0_4_0_DIR);
    expect(await defaultFinetuneMode(filterBank, ADAPT_FROM_SIGNED_CASES - 1)).toBe('head');
    expect(await defaultFinetuneMode(filterBank, ADAPT_FROM_SIGNED_CASES)).toBe('adapt');
    // The shipped default is a whole network: it is fine-tuned whole, whatever the count.
    expect(await defaultFinetuneMode(await loadModelPackage(defaultModelDir()), ADAPT_FROM_SIGNED_CASES)).toBe('all');
    await writeSkeletonPackage(join(dir, 'skeleton'));
    expect(await defaultFinetuneMode(await loadModelPackage(join(dir, 'skeleton')), 1000)).toBe('head');
  });

  it('refuses an extractor without codebooks, naming the package, and self-supervised epochs, which adapt a whole network', async () => {
    await expect(codebookLayoutOf(await loadModelPackage(join(dir, 'skeleton')))).rejects.toThrow(/skeleton.*no learned codebooks/);
    await expect(runFinetune(options({ adaptation: { fields: 20, epochs: 2 } }))).rejects.toThrow(/self-supervised epochs adapt a whole network/);
  });

  it('cancelled while adapting: the run is recorded as cancelled and the registry keeps only the active version', async () => {
    let sawAdapt = false;
    const before = listModelVersions(db).length;
    await expect(runFinetune(options({ onProgress: (p) => (sawAdapt ||= p.phase === 'adapt'), isCancelled: () => sawAdapt }))).rejects.toThrow(/cancelled/);
    const last = db.prepare('SELECT id, status FROM training_runs ORDER BY id DESC LIMIT 1').get() as { id: number; status: string };
    expect(last.status).toBe('cancelled');
    expect(listModelVersions(db).length).toBe(Math.max(before, 1));
    expect(existsSync(join(dir, 'cache', `adapted-extractor-run${last.id}`))).toBe(false);
  });

  it("learns the codebooks from the record's slides, fits a new head and hands the candidate to the gate", { timeout: 240_000 }, async () => {
    const phases = new Set<string>();
    const r = await runFinetune(options({ onProgress: (p) => phases.add(p.phase) }));
    expect([...phases]).toEqual(expect.arrayContaining(['adapt', 'embed', 'evaluate']));
    expect(r.mode).toBe('adapt');
    expect(r.candidate.version).toMatch(/^0\.4\.0\+adapt\d+$/);
    expect(r.timingsMs.adapt).toBeGreaterThan(0);
    expect(r.promoted).toBe(false);
    expect(getActiveModelVersion(db)!.version).toBe('0.4.0');
    expect(getTrainingRun(db, r.runId)!.config).toMatchObject({ mode: 'adapt', adaptation: { from: 'record', fields: 20 } });
    // The learning curve (`ana models curve`) shows the candidate against the cases it learned from.
    expect(learningCurve(db).points).toContainEqual(expect.objectContaining({ version: r.candidate.version, mode: 'adapt', trainingCases: r.counts.trainCases + r.counts.earlyStopCases, validationCases: r.counts.validationCases, f1Macro: r.gate.candidate.f1_macro }));

    const active = await loadModelPackage(FILTER_BANK_0_4_0_DIR);
    const candidate = await loadModelPackage(r.candidate.dirPath);
    if (candidate.manifest.kind !== 'extractor-head' || active.manifest.kind !== 'extractor-head') throw new Error('expected extractor-head packages');
    expect(candidate.manifest.extractor!.version).toMatch(/^3\.0\.0\+lab\.[0-9a-f]{8}$/);
    expect(candidate.manifest.extractor!.sha256).not.toBe(active.manifest.extractor!.sha256);
    expect(candidate.manifest.provenance).toMatchObject({ mode: 'adapt', trainedFrom: 'ana-default@0.4.0', adaptation: { fields: 20, from: 'record' } });
    // Its familiarity reference belongs to the adapted extractor (the shipped one would be refused).
    expect((await loadFamiliarityReference(candidate))!.extractorSha256).toBe(candidate.manifest.extractor!.sha256);

    // Only the codebook features changed: the filter bank and structure features come out the same.
    const layout = await codebookLayoutOf(active);
    const codebookDims = layout.scales.length * 2 * layout.k;
    const [before, after] = [await embeddingsOf(active, slidePaths[0]!), await embeddingsOf(candidate, slidePaths[0]!)];
    expect(after.length).toBe(before.length);
    const D = 974;
    const fixedDims = D - codebookDims;
    let fixedDiff = 0;
    let codeDiff = 0;
    for (let i = 0; i < before.length; i++) {
      const diff = Math.abs(before[i]! - after[i]!);
      if (i % D < fixedDims) fixedDiff = Math.max(fixedDiff, diff);
      else codeDiff = Math.max(codeDiff, diff);
    }
    expect(fixedDiff).toBeLessThan(1e-4);
    expect(codeDiff).toBeGreaterThan(0.1);
  });

  it('`ana adapt` refuses a folder that does not exist (exit code 2)', async () => {
    const missing = await run('npx', ['tsx', 'electron/cli/ana.ts', 'adapt', '--db', join(dir, 'ana.db'), '--from', join(dir, 'nope')]).catch((e: { code: number; stderr: string }) => e);
    expect((missing as { code: number }).code).toBe(2);
    expect((missing as { stderr: string }).stderr).toMatch(/--from .*nope: no such folder/);
  });
});
