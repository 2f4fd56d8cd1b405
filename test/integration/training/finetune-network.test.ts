/**
 * Whole-network local fine-tuning behind the validation gate: a small whole-network package is
 * trained on generated two-patch fields, the lab's record gets signed cases read with it, and
 * fine-tuning its last block (or all layers) produces a candidate evaluated against the active
 * version on the same frozen validation cases; a deliberately broken candidate is refused.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../../electron/contract';
import { createAccount, toSessionUser } from '../../../electron/core/auth/auth.service';
import { TEST_SCRYPT_COST } from '../../support/record-fixtures';
import { SYSTEM_ACTOR } from '../../../electron/core/db/audit.repo';
import { openDatabase, type WritableDb } from '../../../electron/core/db/connection';
import { getActiveModelVersion, getModelVersionById } from '../../../electron/core/db/model-version.repo';
import { getTrainingRun } from '../../../electron/core/db/training-run.repo';
import { Random } from '../../../electron/core/random';
import { loadNetworkPackage } from '../../../electron/core/training/network/network-package';
import { runWholeNetworkTraining } from '../../../electron/core/training/network/train-network';
import { DEFAULT_NETWORK_BLEND, defaultFinetuneMode, defaultNetworkThresholdMode, PREVALENCE_THRESHOLDS_FROM_SIGNED_CASES, runFinetune } from '../../../electron/core/training/finetune/finetune';
import { FINETUNE_PATCHES_PER_CASE, FINETUNE_PATIENCE, finetunePatchesPerEpoch, networkFinetuneOptions, scoreNetworkPackageOn, trainNetworkCandidate } from '../../../electron/core/training/finetune/finetune-network';
import { applyBlend, bestBlend, BLEND_CHOICE_MARGIN, BLEND_CHOICES, HALFWAY_BLEND, MIN_CASES_TO_CHOOSE_BLEND } from '../../../electron/core/training/finetune/blend';
import { bestRate, FAST_FINETUNE_LR, ratesToTry, ratesTriedWords, type RateTried } from '../../../electron/core/training/finetune/learning-rate';
import { MIN_CASES_TO_TRAIN } from '../../../electron/core/training/finetune/rare-labels';
import { NetworkStepper } from '../../../electron/core/training/network/network-stepper';
import { blendParams } from '../../../electron/core/training/network/network';
import { subsetBags } from '../../../electron/core/training/dataset';
import { mergeIntoCases } from '../../../electron/core/training/finetune/candidate';
import { evaluate, onLabels } from '../../../electron/core/training/metrics/metrics';
import { epochCapWords, votingLabels, type EpochInfo } from '../../../electron/core/training/trainer';
import { listSignedCases } from '../../../electron/core/review/signed-cases';
import { patchOptionsOf } from '../../../electron/core/models/manifest';
import { untrainedOf } from '../../../electron/core/models/model-registry';
import { pixelBags } from '../../../electron/core/training/network/patch-dataset';
import { loadModelPackage } from '../../../electron/core/models/model-package';
import { startFinetuneWorker } from '../../../electron/core/training/finetune/finetune-worker';
import { writeSkeletonPackage } from '../../../native-models/recipes/build-skeleton';
import { LABEL_SETS, readAndSignCases, writeFieldDataset } from './fields';
import { anaInProcess } from '../../support/ana-cli';
import { trainModelFromCsv } from '../../../electron/core/training/heads/train-model';
import { finetuneNetworkOnDataset } from '../../../electron/core/training/finetune/finetune-dataset';
import { decodeSlide } from '../../../electron/core/slides/decode';
import { formatDatasetCsv, readDatasetCsv } from '../../../electron/core/synth/dataset-csv';
import { writeGrey8 } from '../../fixtures/slide-images';

const PASSWORD = 'correct horse battery';
let dir: string;
let db: WritableDb;
let physician: SessionUser;
let baseDir: string;
let csvPath: string;
const common = () => ({ db, fallbackModelDir: baseDir, modelsDir: join(dir, 'models'), cacheDir: join(dir, 'cache'), actor: SYSTEM_ACTOR, minCases: 8, autoPromote: false, providers: ['cpu' as const] });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-ftwn-'));
  // The active version: a tiny whole network (two stride-2 blocks) trained on generated fields.
  const rng = new Random(31);
  csvPath = await writeFieldDataset(dir, 'fields.csv', 36, rng, (i) => (i < 24 ? 'train' : i < 30 ? 'val' : 'test'), { sets: LABEL_SETS.slice(0, 3) });
  baseDir = join(dir, 'base');
  await runWholeNetworkTraining({ csvPath, outDir: baseDir, version: '1.0.0', training: { maxEpochs: 25, patience: 25, batchSize: 8, lr: 2e-2, seed: 1 }, augment: false, inputPx: 16, patchSizeUm: 100, defaultPixelSizeUm: 0.5, widths: [4, 8], providers: ['cpu'] });

  // The lab's record: 30 cases read with it and signed (every label set, negatives included).
  db = openDatabase(join(dir, 'ana.db'));
  physician = toSessionUser(await createAccount(db, { username: 'reader', displayName: 'Dr. Reader', role: 'physician', password: PASSWORD }, SYSTEM_ACTOR, Date.now(), TEST_SCRYPT_COST));
  await readAndSignCases(db, physician, PASSWORD, baseDir, dir, 30, rng);
}, 120_000);

afterAll(async () => {
  db?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('whole-network local fine-tuning', () => {
  it('last-blocks mode trains only the last block and the head, and the gate compares on the frozen validation cases', async () => {
    const r = await runFinetune({ ...common(), mode: 'last-blocks', trainer: { seed: 1 }, network: { maxEpochs: 3, batchSize: 8, lr: 5e-3, keepInitialIfBest: false } });
    expect(r.mode).toBe('last-blocks');
    expect(r.candidate.parentId).toBe(r.base.id);
    expect(r.candidate.status).toBe(r.gate.passed ? 'validated' : 'rejected');
    expect(r.gate.n_images).toBe(r.counts.validationCases);
    expect(r.counts.trainCases + r.counts.earlyStopCases + r.counts.validationCases).toBe(30);
    expect(getTrainingRun(db, r.runId)!.status).toBe('succeeded');
    const base = await loadNetworkPackage(baseDir);
    const candidate = await loadNetworkPackage(r.candidate.dirPath);
    expect(candidate.manifest.parentVersion).toBe('1.0.0');
    expect(candidate.manifest.provenance['mode']).toBe('last-blocks');
    // layers 0–2 (first block) frozen; layer 3 (second convolution) and the head trained
    for (const name of ['l0.conv2d.weight', 'l1.groupnorm.gamma']) expect(candidate.params[name], name).toEqual(base.params[name]);
    for (const name of ['l3.conv2d.weight', 'l7.linear.weight']) expect(candidate.params[name], name).not.toEqual(base.params[name]);
    // The cases hold homogeneous and speckled only: the six other labels were left out of the loss,
    // so their rows of the output layer are the active version's; homogeneous's moved.
    const keys = candidate.manifest.labels.map((l) => l.key);
    const untrained = keys.filter((k) => k !== 'homogeneous' && k !== 'speckled');
    expect((candidate.manifest.provenance['training'] as { untrainedLabels: string[] }).untrainedLabels).toEqual(untrained);
    const card = await readFile(join(r.candidate.dirPath, 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain(`- Not trained on ${untrained.join(', ')}: fewer than 5 of the 18 training cases hold each (training a pattern takes 5 of them and 6 % at least, or 30)`);
    // Six early-stopping cases: too few to rank shares or rates, so only the epoch was chosen.
    expect(card).toContain('(the shared layers did learn); the early-stopping cases chose the epoch on the trained patterns alone.');
    const row = (params: typeof base.params, key: string) => {
      const k = keys.indexOf(key);
      const width = params['l7.linear.weight']!.length / keys.length;
      return [...params['l7.linear.weight']!.subarray(k * width, (k + 1) * width), params['l7.linear.bias']![k]!];
    };
    for (const key of untrained) row(candidate.params, key).forEach((v, i) => expect(v, key).toBeCloseTo(row(base.params, key)[i]!, 6));
    expect(row(candidate.params, 'homogeneous')).not.toEqual(row(base.params, 'homogeneous'));
    for (const key of untrained) expect(candidate.manifest.thresholds[key], key).toBe(base.manifest.thresholds[key]);
    expect(getActiveModelVersion(db)!.version).toBe('1.0.0');
  });

  it('without a mode, a whole-network active version is fine-tuned in all layers (the measured default; head mode cannot run on it)', async () => {
    expect(await defaultFinetuneMode(await loadModelPackage(baseDir), 30)).toBe('all');
    expect(await defaultFinetuneMode(await loadModelPackage(baseDir), 5000)).toBe('all');
  });

  it('all-layers mode keeps the active weights unless an epoch beats them, so the gate passes', async () => {
    // blend 1: the trained weights as they are (this tiny network's large learning rate moves them too far for a halfway blend to read well)
    const r = await runFinetune({ ...common(), mode: 'all', trainer: { seed: 2 }, network: { maxEpochs: 2, batchSize: 8 }, blend: 1 });
    expect(r.gate.passed).toBe(true);
    expect(r.gate.candidate.map).toBeGreaterThanOrEqual(r.gate.active.map - 0.01);
    expect(r.candidate.status).toBe('validated');
  });

  it('a deliberately broken whole-network candidate is refused by the gate; the active version stays', async () => {
    const r = await runFinetune({ ...common(), mode: 'all', trainer: { seed: 3 }, network: { maxEpochs: 1, lr: 50, method: 'plain', keepInitialIfBest: false, batchSize: 8 } });
    expect(r.gate.candidate.f1_macro).toBeLessThan(r.gate.active.f1_macro - 0.01);
    expect(r.gate.passed).toBe(false);
    expect(r.gate.reasons.length).toBeGreaterThan(0);
    // Both versions read the same validation cases: the refusal says how much the difference would move on others like them.
    expect(r.gate.spread!.resamples).toBe(200);
    expect(r.gate.reasons[0]).toMatch(/^macro-F1 .*; on another \d+ cases like these the difference would typically move by \d\.\d{3}$/);
    expect(r.candidate.status).toBe('rejected');
    expect(r.promoted).toBe(false);
    expect(getActiveModelVersion(db)!.version).toBe('1.0.0');
    // The measured default chooses the blend on the early-stopping cases; with this record's few it stays halfway.
    expect(DEFAULT_NETWORK_BLEND).toBe('auto');
    expect((getTrainingRun(db, r.runId)!.config as { blend: string }).blend).toBe('auto');
    const provenance = (await loadNetworkPackage(r.candidate.dirPath)).manifest.provenance;
    expect(provenance['blend']).toBe(HALFWAY_BLEND);
    expect(provenance['blendChoice']).toEqual({ asked: 'auto', tried: [] });
    // The card names the method it was trained by (it said "self-paced" whatever the method).
    expect(await readFile(join(r.candidate.dirPath, 'MODEL_CARD.md'), 'utf8')).toMatch(/all layers, trained as a patch classifier on its field's labels \(method plain\), on ONNX Runtime/);
  });

  it('ana finetune without --mode trains a whole network in all layers, for --epochs, at --lr, on --threads', async () => {
    // --epochs once went to the head trainer whenever --mode was left out, so the shipped whole network ignored it.
    const run = await anaInProcess(['finetune', '--db', join(dir, 'ana.db'), '--model', baseDir, '--models-dir', join(dir, 'models'), '--cache', join(dir, 'cache'), '--min-cases', '8', '--no-promote', '--seed', '4', '--epochs', '1', '--lr', '0.004', '--threads', '2']);
    expect(run.status, run.stderr).toBe(0);
    const id = Number(/\(id (\d+), all layers\)/.exec(run.stdout)?.[1]);
    expect(run.stdout).toMatch(/; patches [\d.]+ s, training/);
    expect(run.stdout).toMatch(/^validation \(\d+ cases\): macro-F1 [\d.]+ → [\d.]+ \(the difference ±[\d.]+ on another \d+ cases like these\), mAP [\d.]+ → [\d.]+ \(the difference ±[\d.]+ on another \d+ cases like these\)$/m);
    // One epoch under fine-tuning's patience: the cap ended it, and the lab is told more epochs may help.
    expect(run.stdout).toMatch(/Training ended at its cap of 1 epoch, the best (at epoch 1|the starting weights), before early stopping would have: more epochs \(--epochs\)/);
    // The record's cases hold two of the eight patterns: the other six cannot be judged, and it says so.
    expect(run.stdout).toContain('not judged: no validation case holds centromere, nuclear_dots, nucleolar, nuclear_envelope, mitochondrial, golgi;');
    const provenance = (await loadNetworkPackage(getModelVersionById(db, id)!.dirPath)).manifest.provenance;
    // ... nor could training learn them: it says which, and how often the candidate calls each on its training cases.
    const { cases, calls } = (provenance['training'] as { untrainedCalls: { cases: number; calls: { key: string; called: number; signed: number }[] } }).untrainedCalls;
    expect(run.stdout).toContain('not trained on centromere, nuclear_dots, nucleolar, nuclear_envelope, mitochondrial, golgi: too few training cases held them;');
    expect(run.stdout).toContain(`on its ${cases} training cases it calls ${calls.map((c) => `${c.key} ${c.called} times (signed 0)`).join(', ')}`);
    expect(provenance['mode']).toBe('all');
    expect(provenance['epochs']).toBe(1);
    expect((provenance['training'] as { lr: number }).lr).toBe(0.004);
    // The active version recorded patience 25 (its fixed schedule); fine-tuning stops sooner.
    expect((provenance['training'] as { patience: number }).patience).toBe(FINETUNE_PATIENCE);
  }, 120_000);

  it("stops fine-tuning after FINETUNE_PATIENCE epochs without a better early-stopping score, unless the package recorded less or the caller asks for more", async () => {
    const manifest = (await loadNetworkPackage(baseDir)).manifest;
    expect((manifest.provenance['training'] as { patience: number }).patience).toBe(25);
    expect(networkFinetuneOptions(manifest).patience).toBe(FINETUNE_PATIENCE);
    const patient = (patience: number) => ({ ...manifest, provenance: { ...manifest.provenance, training: { ...(manifest.provenance['training'] as object), patience } } });
    expect(networkFinetuneOptions(patient(3)).patience).toBe(3);
    expect(networkFinetuneOptions(manifest, { patience: 30 }).patience).toBe(30);
  });

  it('an epoch learns from at most FINETUNE_PATCHES_PER_CASE patches per training case, drawn afresh, so large fields cost what small ones do', async () => {
    // These fields hold two patches each: a budget of one per case halves every epoch.
    const seen: number[] = [];
    const r = await runFinetune({ ...common(), mode: 'all', trainer: { seed: 5 }, network: { maxEpochs: 2, batchSize: 4, keepInitialIfBest: false }, blend: 1, learningRate: 'given', patchesPerCase: 1, onEpoch: (e) => seen.push(e.seen) });
    const fitCases = r.counts.trainCases;
    expect(seen).toEqual([fitCases, fitCases]);
    expect((getTrainingRun(db, r.runId)!.config as { patchesPerCase: number }).patchesPerCase).toBe(1);
    const provenance = (await loadNetworkPackage(r.candidate.dirPath)).manifest.provenance;
    expect((provenance['training'] as { patchesPerEpoch: number }).patchesPerEpoch).toBe(fitCases);
    expect(await readFile(join(r.candidate.dirPath, 'MODEL_CARD.md'), 'utf8')).toMatch(new RegExp(`each learnt from ${fitCases} of the training cases' ${2 * fitCases} patches, drawn afresh`));

    // mean-logit steps on whole images: no budget, and the package does not claim one.
    const whole = await runFinetune({ ...common(), mode: 'all', trainer: { seed: 5 }, network: { maxEpochs: 1, batchSize: 4, method: 'mean-logit' }, blend: 1, learningRate: 'given', patchesPerCase: 1 });
    const wholeProvenance = (await loadNetworkPackage(whole.candidate.dirPath)).manifest.provenance;
    expect((wholeProvenance['training'] as { patchesPerEpoch: number | null }).patchesPerEpoch).toBeNull();
    expect(await readFile(join(whole.candidate.dirPath, 'MODEL_CARD.md'), 'utf8')).not.toMatch(/drawn afresh/);

    // The rule: cases that hold no more than the budget train on every patch, as before it.
    const bags = (cases: number, patchesEach: number) => ({ labels: ['a'], bagLabels: new Uint8Array(cases), bagOffsets: Int32Array.from({ length: cases + 1 }, (_, i) => i * patchesEach), inputs: new Float32Array(0), inputLength: 1, bagIds: [] });
    expect(FINETUNE_PATCHES_PER_CASE).toBe(36);
    expect(finetunePatchesPerEpoch(bags(200, 35))).toBeNull();
    expect(finetunePatchesPerEpoch(bags(200, 124))).toBe(200 * 36);
    expect(finetunePatchesPerEpoch(bags(200, 124), null)).toBeNull();
    expect(finetunePatchesPerEpoch(bags(200, 124), 100)).toBe(20_000);
    expect(() => finetunePatchesPerEpoch(bags(200, 124), 0)).toThrow(/patches per case must be a whole number above 0, got 0/);
    await expect(runFinetune({ ...common(), patchesPerCase: 2.5 })).rejects.toThrow(/patches per case must be a whole number above 0, got 2.5/);
    await expect(runFinetune({ ...common(), mode: 'head', patchesPerCase: 8 })).rejects.toThrow(/a patch budget per case bounds the epochs of a whole network; fine-tuning mode 'head'/);
  }, 60_000);

  it("mode 'adapt' pre-trains the network on the lab's read fields without labels, then fine-tunes every layer from there, behind the gate", async () => {
    const common_ = { ...common(), trainer: { seed: 6 }, network: { maxEpochs: 2, batchSize: 8, keepInitialIfBest: false }, blend: 1, learningRate: 'given' as const };
    const phases: string[] = [];
    const adapted = await runFinetune({ ...common_, mode: 'adapt', adaptation: { fields: 20, epochs: 2 }, onProgress: (p) => phases.push(`${p.phase}${p.message ? `: ${p.message}` : ''}`) });
    const plain = await runFinetune({ ...common_, mode: 'all' });
    expect(adapted.mode).toBe('adapt');
    expect(adapted.candidate.version).toMatch(/^1\.0\.0\+adapt\d+$/);
    expect(adapted.timingsMs.adapt).toBeGreaterThan(0);
    expect(phases).toContain("adapt: cutting the lab's fields");
    expect(phases).toContain('adapt: self-supervised epoch 2');
    expect(phases.indexOf('adapt: self-supervised epoch 1')).toBeLessThan(phases.findIndex((p) => p.startsWith('train')));
    const config = getTrainingRun(db, adapted.runId)!.config as { mode: string; adaptation: Record<string, unknown> };
    expect(config.adaptation).toEqual({ fields: 20, epochs: 2, from: 'record' });
    const candidate = await loadNetworkPackage(adapted.candidate.dirPath);
    const recorded = candidate.manifest.provenance['adaptation'] as { sampled: number; patches: number; fields: number; epochLosses: number[]; pretraining: { epochs: number; augment: string }; from: string };
    // The record's 30 read cases, one two-patch field each: 20 of them sampled.
    expect(recorded).toMatchObject({ fields: 30, sampled: 20, patches: 40, from: 'record', pretraining: { epochs: 2, augment: 'style' } });
    expect(recorded.epochLosses).toHaveLength(2);
    expect(await readFile(join(adapted.candidate.dirPath, 'MODEL_CARD.md'), 'utf8')).toMatch(/all layers, after self-supervised adaptation to 20 of the lab's read fields \(40 patches, no labels, 2 epochs\)/);
    // Same seed, same training: only the adaptation differs, so the weights do.
    const plainParams = (await loadNetworkPackage(plain.candidate.dirPath)).params;
    expect(candidate.params['l0.conv2d.weight']).not.toEqual(plainParams['l0.conv2d.weight']);
    expect(adapted.candidate.status).toBe(adapted.gate.passed ? 'validated' : 'rejected');

    await expect(runFinetune({ ...common(), mode: 'adapt', adaptation: { windowsPerPatch: 10 } })).rejects.toThrow(/windows per patch belong to an extractor's codebooks/);
    await expect(runFinetune({ ...common(), mode: 'adapt', unlabelledDir: join(dir, 'cache') })).rejects.toThrow(/no slide files to adapt to: .*cache has none/);
  }, 120_000);

  it("cancelling mode 'adapt' during the self-supervised epochs marks the run cancelled and leaves the active version", async () => {
    let steps = 0;
    await expect(runFinetune({ ...common(), mode: 'adapt', trainer: { seed: 7 }, adaptation: { epochs: 50 }, onProgress: (p) => p.message?.startsWith('self-supervised') && steps++, isCancelled: () => steps >= 3 })).rejects.toThrow(/training cancelled in self-supervised epoch/);
    const run = db.prepare('SELECT status FROM training_runs ORDER BY id DESC LIMIT 1').get() as { status: string };
    expect(run.status).toBe('cancelled');
    expect(getActiveModelVersion(db)!.version).toBe('1.0.0');
  }, 60_000);

  it('runs in the worker with progress and cancels after the current batch', async () => {
    const phases = new Set<string>();
    const handle = startFinetuneWorker(
      { dbPath: join(dir, 'ana.db'), fallbackModelDir: baseDir, modelsDir: join(dir, 'models'), cacheDir: join(dir, 'cache'), actor: SYSTEM_ACTOR, minCases: 8, mode: 'all', network: { maxEpochs: 50, batchSize: 4 }, providers: ['cpu'] },
      {
        onProgress: (p) => {
          phases.add(p.phase);
          if (p.phase === 'train') handle.cancel();
        },
      },
    );
    await expect(handle.result).rejects.toThrow(/training cancelled in epoch 1/);
    expect([...phases]).toEqual(['patches', 'train']);
    const run = db.prepare('SELECT status FROM training_runs ORDER BY id DESC LIMIT 1').get() as { status: string };
    expect(run.status).toBe('cancelled');
    expect(getActiveModelVersion(db)!.version).toBe('1.0.0');
  }, 60_000);

  it("'prevalence' thresholds call each label on as many of the cases it learnt from as carry it, scored as the package reads (mean-logit here)", async () => {
    // A base that pools by mean-logit: thresholds chosen on max-pooled scores (as the network path once did) miss the counts.
    const rng = new Random(47);
    const csvPath = await writeFieldDataset(dir, 'fields-ml.csv', 24, rng, (i) => (i < 16 ? 'train' : i < 20 ? 'val' : 'test'), { sets: LABEL_SETS.slice(0, 3) });
    const active = await loadModelPackage(
      (await runWholeNetworkTraining({ csvPath, outDir: join(dir, 'base-ml'), version: '1.1.0', training: { maxEpochs: 10, patience: 10, batchSize: 8, lr: 2e-2, seed: 1 }, augment: false, inputPx: 16, patchSizeUm: 100, defaultPixelSizeUm: 0.5, widths: [4, 8], providers: ['cpu'], aggregation: 'mean-logit' })).packageDir,
    );
    expect(active.manifest.aggregation).toBe('mean-logit');
    const cases = listSignedCases(db);
    const groups = { fit: cases.slice(0, 18), stop: cases.slice(18, 24), validation: cases.slice(24) };
    const { model } = await trainNetworkCandidate({ active, mode: 'all', groups, training: { maxEpochs: 2, batchSize: 8, lr: 5e-3, keepInitialIfBest: false, seed: 1 }, thresholds: 'prevalence', outDir: join(dir, 'models'), version: '1.1.1', provenance: {}, providers: ['cpu'] });

    const learnt = [...groups.fit, ...groups.stop];
    const labels = active.manifest.labels.map((l) => l.key);
    const rows = learnt.flatMap((c) => c.slides.map((sl) => ({ absolutePath: sl.path, labels: c.labels, pixelSizeUm: sl.pixelSizeUm, id: c.accessionId })));
    const [bags] = mergeIntoCases(await pixelBags(rows, patchOptionsOf(active.manifest), { labels }), [learnt]);
    const { scores } = (await scoreNetworkPackageOn(model, bags!, ['cpu'])).data;
    const K = labels.length;
    let checked = 0;
    labels.forEach((key, k) => {
      const positives = learnt.filter((c) => c.labels.includes(key)).length;
      const threshold = model.manifest.thresholds[key]!;
      if (positives === 0 || positives === learnt.length) return expect(threshold, key).toBe(active.manifest.thresholds[key]);
      const called = learnt.filter((_, i) => scores[i * K + k]! >= threshold).length;
      expect(called, key).toBe(positives);
      checked++;
    });
    expect(checked).toBeGreaterThanOrEqual(2);
    expect(await readFile(join(model.dir, 'MODEL_CARD.md'), 'utf8')).toMatch(/Thresholds: per label, the score above which the candidate calls the label on as many of its training cases as were signed with it/);
  }, 120_000);

  it("mode 'thresholds' keeps the active weights and re-fits its thresholds by prevalence on every training and early-stopping case, behind the gate", async () => {
    const r = await runFinetune({ ...common(), mode: 'thresholds', trainer: { seed: 5 } });
    expect(r.mode).toBe('thresholds');
    expect(r.candidate.version).toMatch(/^1\.0\.0\+thr\d+$/);
    expect(r.candidate.status).toBe(r.gate.passed ? 'validated' : 'rejected');
    expect(r.gate.n_images).toBe(r.counts.validationCases);
    const run = getTrainingRun(db, r.runId)!;
    expect(run.status).toBe('succeeded');
    expect((run.config as { thresholds: string }).thresholds).toBe('prevalence');
    const [base, candidate] = [await loadNetworkPackage(baseDir), await loadNetworkPackage(r.candidate.dirPath)];
    // The weights are the active version's, tensor for tensor.
    expect(Object.keys(candidate.params)).toEqual(Object.keys(base.params));
    for (const [name, tensor] of Object.entries(base.params)) expect(Array.from(candidate.params[name]!), name).toEqual(Array.from(tensor));
    expect(candidate.manifest.provenance['epochs']).toBe(0);
    expect(candidate.manifest.provenance['thresholds']).toEqual({ rule: 'prevalence', cases: r.counts.trainCases + r.counts.earlyStopCases });
    // Each label with positives and negatives among those cases is called on as many as carry it.
    const dataset = run.dataset as { trainCaseIds: number[]; earlyStopCaseIds: number[] };
    const learnt = listSignedCases(db).filter((c) => [...dataset.trainCaseIds, ...dataset.earlyStopCaseIds].includes(c.caseId));
    const labels = base.manifest.labels.map((l) => l.key);
    const rows = learnt.flatMap((c) => c.slides.map((sl) => ({ absolutePath: sl.path, labels: c.labels, pixelSizeUm: sl.pixelSizeUm, id: c.accessionId })));
    const [bags] = mergeIntoCases(await pixelBags(rows, patchOptionsOf(base.manifest), { labels }), [learnt]);
    const { scores } = (await scoreNetworkPackageOn(await loadModelPackage(r.candidate.dirPath), bags!, ['cpu'])).data;
    let moved = 0;
    labels.forEach((key, k) => {
      const positives = learnt.filter((c) => c.labels.includes(key)).length;
      const threshold = candidate.manifest.thresholds[key]!;
      if (positives === 0 || positives === learnt.length) return expect(threshold, key).toBe(base.manifest.thresholds[key]);
      expect(learnt.filter((_, i) => scores[i * labels.length + k]! >= threshold).length, key).toBe(positives);
      moved++;
    });
    expect(moved).toBeGreaterThanOrEqual(2);
    expect(await readFile(join(r.candidate.dirPath, 'MODEL_CARD.md'), 'utf8')).toMatch(/network, unchanged, with its thresholds re-fitted on the laboratory's own signed cases \(final labels of the latest signed decision\): no training/);
    // Nothing to train: options that shape a training are refused, as is a rule that moves no threshold.
    await expect(runFinetune({ ...common(), mode: 'thresholds', blend: 1 })).rejects.toThrow(/mode 'thresholds' trains nothing/);
    await expect(runFinetune({ ...common(), mode: 'thresholds', thresholds: 'fixed' })).rejects.toThrow(/use thresholds 'prevalence' \(its default\), 'tuned' or 'shrunk', not 'fixed'/);
    const cli = await anaInProcess(['finetune', '--db', join(dir, 'ana.db'), '--model', baseDir, '--models-dir', join(dir, 'models'), '--min-cases', '8', '--mode', 'thresholds', '--epochs', '3']);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toMatch(/--mode thresholds trains nothing: --epochs does not apply/);
  }, 120_000);

  it("ana train --base --mode thresholds writes the base's network with thresholds re-fitted on the train and val rows, and measures both on the test rows", async () => {
    const out = join(dir, 'thresholds-from-csv');
    const run = await anaInProcess(['train', '--data', csvPath, '--base', baseDir, '--out', out, '--mode', 'thresholds', '--seed', '3', '--provider', 'cpu', '--quiet']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/thresholds re-fitted on the train and val rows, weights unchanged/);
    expect(run.stdout).toMatch(/scoring them for the thresholds [\d.]+ s \(no training\); thresholds prevalence/);
    expect(run.stdout).toMatch(/^test \(6 fields\): macro-F1 [\d.]+ → [\d.]+ \(over the 2 patterns the test fields hold [\d.]+ → [\d.]+\), mAP ([\d.]+) → \1 /m);
    const refused = await anaInProcess(['train', '--data', csvPath, '--base', baseDir, '--out', join(dir, 'never'), '--mode', 'thresholds', '--lr', '0.01']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/--mode thresholds trains nothing: --lr does not apply/);
  }, 120_000);

  it("a whole network's thresholds default to 'prevalence' from 200 signed cases, the active version's below", () => {
    expect(PREVALENCE_THRESHOLDS_FROM_SIGNED_CASES).toBe(200);
    expect(defaultNetworkThresholdMode(199)).toBeUndefined();
    expect(defaultNetworkThresholdMode(200)).toBe('prevalence');
  });

  it('--blend: the candidate is the weighted mean of the active and the fine-tuned weights, its thresholds chosen on the mean', async () => {
    const active = await loadModelPackage(baseDir);
    const cases = listSignedCases(db);
    const groups = { fit: cases.slice(0, 18), stop: cases.slice(18, 24), validation: cases.slice(24) };
    const train = (blend: number, version: string) =>
      trainNetworkCandidate({ active, mode: 'all', groups, training: { maxEpochs: 2, batchSize: 8, lr: 5e-3, keepInitialIfBest: false, seed: 4 }, thresholds: 'prevalence', blend, outDir: join(dir, 'models', version), version, provenance: {}, providers: ['cpu'] });
    const [full, half] = [await train(1, '1.0.0+b1'), await train(0.5, '1.0.0+b05')];
    const [base, tuned, mixed] = await Promise.all([baseDir, full.model.dir, half.model.dir].map((d) => loadNetworkPackage(d)));
    let moved = 0;
    for (const p of base!.net.params) {
      mixed!.params[p.name]!.forEach((v, i) => expect(v, p.name).toBeCloseTo((base!.params[p.name]![i]! + tuned!.params[p.name]![i]!) / 2, 5));
      if (tuned!.params[p.name]!.some((v, i) => v !== base!.params[p.name]![i])) moved++;
    }
    expect(moved).toBe(base!.net.params.length);
    expect(mixed!.manifest.provenance['blend']).toBe(0.5);
    expect(await readFile(join(half.model.dir, 'MODEL_CARD.md'), 'utf8')).toMatch(/Weights: 0\.5 × the fine-tuned weights \+ 0\.5 × those of 1\.0\.0/);
    // Prevalence thresholds are the blend's own: they differ from the fully fine-tuned candidate's.
    expect(Object.values(half.model.manifest.thresholds)).not.toEqual(Object.values(full.model.manifest.thresholds));
    await expect(runFinetune({ ...common(), mode: 'all', blend: 1.2 })).rejects.toThrow(/blend must be between 0 .* got 1.2/);
    await expect(runFinetune({ ...common(), mode: 'head', blend: 0.5 })).rejects.toThrow(/blend mixes the weights of a whole network; fine-tuning mode 'head' trains a head/);
  }, 120_000);

  it('keeps the epoch whose early-stopping mAP is best as the package reads (over the trained labels), and says so on the card', async () => {
    const active = await loadModelPackage(baseDir);
    const cases = listSignedCases(db);
    const epochs: EpochInfo[] = [];
    const tuned = await trainNetworkCandidate({ active, mode: 'all', groups: { fit: cases.slice(0, 18), stop: cases.slice(18, 24), validation: cases.slice(24) }, training: { maxEpochs: 4, batchSize: 8, lr: 5e-3, keepInitialIfBest: false, seed: 4 }, blend: 1, outDir: join(dir, 'models', '1.0.0+map'), version: '1.0.0+map', provenance: {}, providers: ['cpu'], onEpoch: (e) => epochs.push(e) });
    const provenance = tuned.model.manifest.provenance as { training: { epochSelection: string; readPooling: string; untrainedLabels: string[] }; bestEpoch: number };
    expect(provenance.training).toMatchObject({ epochSelection: 'map-as-read', readPooling: active.manifest.aggregation });
    const scores = epochs.map((e) => e.validationScore!);
    expect(scores.length).toBe(4);
    expect(scores[provenance.bestEpoch - 1]).toBe(Math.max(...scores));
    // The candidate read through the reading engine on the early-stopping cases: its mAP over the trained labels is the kept score.
    const rows = cases.slice(18, 24).flatMap((c) => c.slides.map((s) => ({ absolutePath: s.path, labels: c.labels, pixelSizeUm: s.pixelSizeUm, id: c.accessionId })));
    const [stop] = mergeIntoCases(await pixelBags(rows, patchOptionsOf(active.manifest), { labels: active.manifest.labels.map((l) => l.key) }), [cases.slice(18, 24)]);
    const untrained = provenance.training.untrainedLabels.map((key) => stop!.labels.indexOf(key));
    const read = onLabels((await scoreNetworkPackageOn(tuned.model, stop!, ['cpu'])).data, stop!.labels, votingLabels(stop!.labels.length, untrained));
    expect(evaluate(read.data, read.labels).map).toBeCloseTo(Math.max(...scores), 6);
    const card = await readFile(join(tuned.model.dir, 'MODEL_CARD.md'), 'utf8');
    expect(card).toMatch(/Epochs: 4, best \d \(early-stopping mAP as read\)/);
    // 4 epochs under a patience of 10: the cap, not early stopping, ended it, and the card says so.
    expect(tuned.endedAtEpochCap).toBe(4);
    expect(card).toContain(`- ${epochCapWords(4, provenance.bestEpoch)}.`);
    expect(card).toContain('Training ended at its cap of 4 epochs, the best ');
  }, 120_000);

  it("--blend auto: each share is read on the early-stopping cases as the package reads, and the best-ranking one is loaded", async () => {
    const active = await loadModelPackage(baseDir);
    const cases = listSignedCases(db);
    const tuned = await trainNetworkCandidate({ active, mode: 'all', groups: { fit: cases.slice(0, 18), stop: cases.slice(18, 24), validation: cases.slice(24) }, training: { maxEpochs: 2, batchSize: 8, lr: 5e-3, keepInitialIfBest: false, seed: 4 }, blend: 1, outDir: join(dir, 'models', '1.0.0+auto1'), version: '1.0.0+auto1', provenance: {}, providers: ['cpu'] });
    // All 30 cases as the early-stopping set: more than MIN_CASES_TO_CHOOSE_BLEND.
    expect(cases.length).toBeGreaterThanOrEqual(MIN_CASES_TO_CHOOSE_BLEND);
    const rows = cases.flatMap((c) => c.slides.map((s) => ({ absolutePath: s.path, labels: c.labels, pixelSizeUm: s.pixelSizeUm, id: c.accessionId })));
    const [stop] = mergeIntoCases(await pixelBags(rows, patchOptionsOf(active.manifest), { labels: active.manifest.labels.map((l) => l.key) }), [cases]);
    const [base, trained] = await Promise.all([loadNetworkPackage(baseDir), loadNetworkPackage(tuned.model.dir)]);
    const stepper = await NetworkStepper.open(base.net, base.params, { providers: ['cpu'], warn: () => {} });
    try {
      const { blend, tried } = await applyBlend(stepper, base.params, trained.params, 'auto', stop!, active.manifest.aggregation);
      expect(tried.map((t) => t.blend)).toEqual([...BLEND_CHOICES]);
      expect(blend).toBe(bestBlend(tried, HALFWAY_BLEND, BLEND_CHOICE_MARGIN));
      // The ends are the two packages themselves, read through the reading engine.
      expect(tried[0]!.map).toBeCloseTo((await scoreNetworkPackageOn(active, stop!, ['cpu'])).report.map, 6);
      expect(tried.at(-1)!.map).toBeCloseTo((await scoreNetworkPackageOn(tuned.model, stop!, ['cpu'])).report.map, 6);
      const loaded = stepper.snapshot().params;
      const expected = blendParams(base.net, base.params, trained.params, blend);
      for (const p of base.net.params) loaded[p.name]!.forEach((v, i) => expect(v, p.name).toBeCloseTo(expected[p.name]![i]!, 6));
      // Too few early-stopping cases to rank five shares: the default share, nothing tried.
      const few = await applyBlend(stepper, base.params, trained.params, 'auto', subsetBags(stop!, [0, 1, 2, 3, 4]), active.manifest.aggregation);
      expect(few).toEqual({ blend: HALFWAY_BLEND, tried: [] });
      // A label left out of the loss does not vote: each share is ranked on the trained labels alone.
      const untrained = [stop!.labels.indexOf('speckled')];
      const narrowed = await applyBlend(stepper, base.params, trained.params, 'auto', stop!, active.manifest.aggregation, untrained);
      const onTrained = onLabels((await scoreNetworkPackageOn(active, stop!, ['cpu'])).data, stop!.labels, votingLabels(stop!.labels.length, untrained));
      expect(narrowed.tried[0]!.map).toBeCloseTo(evaluate(onTrained.data, onTrained.labels).map, 6);
      expect(Math.abs(narrowed.tried[0]!.map - tried[0]!.map)).toBeGreaterThan(1e-6);
    } finally {
      await stepper.close();
    }
    // The choice: the best mAP; a tie goes to the share nearest the default.
    expect(bestBlend([{ blend: 0, map: 0.7 }, { blend: 0.5, map: 0.8 }, { blend: 1, map: 0.9 }], 0.5)).toBe(1);
    expect(bestBlend([{ blend: 0, map: 0.9 }, { blend: 0.25, map: 0.9 }, { blend: 1, map: 0.9 }], 0.5)).toBe(0.25);
    // With a margin the default stays unless another share beats it by more than the margin.
    expect(bestBlend([{ blend: 0.5, map: 0.80 }, { blend: 0.75, map: 0.815 }, { blend: 1, map: 0.81 }], 0.5, 0.02)).toBe(0.5);
    expect(bestBlend([{ blend: 0.5, map: 0.80 }, { blend: 0.75, map: 0.83 }, { blend: 1, map: 0.84 }], 0.5, 0.02)).toBe(1);
    await expect(runFinetune({ ...common(), mode: 'all', blend: 'half' as never })).rejects.toThrow(/blend must be between 0 .* got half/);
  }, 120_000);

  it("ana train --base on a whole network fine-tunes it with ana finetune's recipe on the CSV's rows, and measures base and candidate on the test rows", async () => {
    // A base that has barely learnt (one epoch), so that fine-tuning moves the test figures.
    const weakDir = join(dir, 'weak-base');
    await runWholeNetworkTraining({ csvPath, outDir: weakDir, version: '1.0.0', training: { maxEpochs: 1, patience: 1, batchSize: 8, lr: 1e-3, seed: 2 }, augment: false, inputPx: 16, patchSizeUm: 100, defaultPixelSizeUm: 0.5, widths: [4, 8], providers: ['cpu'] });
    const out = join(dir, 'trained-from-csv');
    const run = await anaInProcess(['train', '--data', csvPath, '--base', weakDir, '--out', out, '--epochs', '6', '--patience', '6', '--lr', '0.02', '--seed', '3', '--provider', 'cpu', '--quiet']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^fields: 24 train, 6 early-stopping, 6 test \(pixel size: 36 at the assumed 0\.5 µm\/px\);/m);
    const candidate = await loadNetworkPackage(out);
    const provenance = candidate.manifest.provenance;
    expect(candidate.manifest.parentVersion).toBe('1.0.0');
    expect(provenance['command']).toBe('ana train');
    expect(provenance['mode']).toBe('all');
    expect(provenance['epochs']).toBe(6);
    expect((provenance['training'] as { lr: number }).lr).toBe(0.02);
    // 6 early-stopping rows are too few to rank five shares: halfway, as ana finetune keeps.
    expect(provenance['blend']).toBe(HALFWAY_BLEND);
    expect(await readFile(join(out, 'MODEL_CARD.md'), 'utf8')).toContain(`on the labelled fields of ${csvPath} (one case per row)`);
    // The printed test figures are what each package reads on the test rows as \`ana eval\` reads them.
    // The rows hold two of the eight patterns: the figure over those two is printed beside.
    const printed = /^test \(6 fields\): macro-F1 ([\d.]+) → ([\d.]+) \(over the 2 patterns the test fields hold ([\d.]+) → ([\d.]+)\), mAP ([\d.]+) → ([\d.]+)/m.exec(run.stdout);
    expect(printed, run.stdout).not.toBeNull();
    const evaluated = async (model: string) => {
      const json = join(dir, `eval-${model.split('/').pop()}.json`);
      const e = await anaInProcess(['eval', '--data', csvPath, '--model', model, '--split', 'test', '--cache', join(dir, 'cache'), '--provider', 'cpu', '--json', json]);
      expect(e.status, e.stderr).toBe(0);
      return JSON.parse(await readFile(json, 'utf8')) as { f1_macro: number; f1_macro_present: number; map: number };
    };
    const [base, trained] = [await evaluated(weakDir), await evaluated(out)];
    expect(printed!.slice(1).map(Number)).toEqual([base.f1_macro, trained.f1_macro, base.f1_macro_present, trained.f1_macro_present, base.map, trained.map].map((v) => +v.toFixed(3)));
    expect(trained.map).toBeGreaterThan(base.map);
  }, 120_000);

  it('a pattern fewer than MIN_CASES_TO_TRAIN training rows hold is left out of the loss and keeps the base\'s threshold; the others are prevalence-matched', async () => {
    // Speckled kept on 3 of the training rows that show it (the others signed without it).
    let speckledKept = 0;
    const rows = (await readDatasetCsv(csvPath)).map((row) => {
      if (row.split !== 'train' || !row.labels.includes('speckled') || ++speckledKept <= 3) return { path: row.path, labels: row.labels, split: row.split };
      return { path: row.path, labels: row.labels.filter((k) => k !== 'speckled'), split: row.split };
    });
    const rareCsv = join(dir, 'fields-rare.csv');
    await writeFile(rareCsv, formatDatasetCsv(rows));
    const out = join(dir, 'rare-speckled');
    const run = await anaInProcess(['train', '--data', rareCsv, '--base', baseDir, '--out', out, '--epochs', '3', '--patience', '3', '--lr', '0.02', '--seed', '3', '--thresholds', 'prevalence', '--provider', 'cpu', '--quiet']);
    expect(run.status, run.stderr).toBe(0);
    const [base, candidate] = [await loadNetworkPackage(baseDir), await loadNetworkPackage(out)];
    // As the Models page and `ana models list` read it from the registered manifest.
    const untrained = untrainedOf(candidate.manifest);
    expect(untrained).toContain('speckled');
    expect(untrained).not.toContain('homogeneous');
    expect(MIN_CASES_TO_TRAIN).toBeGreaterThan(3);
    expect(await readFile(join(out, 'MODEL_CARD.md'), 'utf8')).toMatch(/- Not trained on [a-z_, ]*speckled[a-z_, ]*: fewer than 5 of the \d+ training cases hold each \(training a pattern takes 5 of them and 6 % at least, or 30\), so their outputs learnt nothing from the loss and keep 1\.0\.0's thresholds/);
    expect(candidate.manifest.thresholds['speckled']).toBe(base.manifest.thresholds['speckled']);
    expect(candidate.manifest.thresholds['homogeneous']).not.toBe(base.manifest.thresholds['homogeneous']);
    // How often the candidate calls each untrained pattern on its training cases, beside the signed ones:
    // speckled on at most the 3 training rows kept with it, the patterns no row shows on none.
    const { cases, calls } = (candidate.manifest.provenance['training'] as { untrainedCalls: { cases: number; calls: { key: string; called: number; signed: number }[] } }).untrainedCalls;
    expect(calls.map((c) => c.key)).toEqual(untrained);
    const speckled = calls.find((c) => c.key === 'speckled')!;
    expect(speckled.signed).toBeGreaterThan(0);
    expect(speckled.signed).toBeLessThanOrEqual(3);
    for (const c of calls) expect(c.called, c.key).toBeLessThanOrEqual(cases);
    for (const c of calls.filter((c) => c.key !== 'speckled')) expect(c.signed, c.key).toBe(0);
    const each = calls.map((c, i) => `${c.key} on ${c.called} (signed${i === 0 ? ' with it' : ''}: ${c.signed})`).join(', ');
    expect(await readFile(join(out, 'MODEL_CARD.md'), 'utf8')).toContain(`- Of its ${cases} training cases it calls ${each}, at the thresholds kept: nothing fitted them to this lab's fields, and calls beyond the signed cases are at least as many false calls, calls short of them at least as many misses.`);
  }, 120_000);

  it('among 96 training rows a pattern 5 of them hold (5.2 %) is left out as well: training it takes 6 % of them', async () => {
    // The training rows four times over; speckled kept on 5 of the 96 (the old minimum of 5 alone would train it).
    const rows = await readDatasetCsv(csvPath);
    const train = rows.filter((row) => row.split === 'train');
    let speckledKept = 0;
    const many = [...train, ...train, ...train, ...train].map((row) => ({ path: row.path, split: row.split, labels: row.labels.includes('speckled') && ++speckledKept > 5 ? row.labels.filter((k) => k !== 'speckled') : row.labels }));
    expect(many.length).toBe(96);
    const shareCsv = join(dir, 'fields-share.csv');
    await writeFile(shareCsv, formatDatasetCsv([...many, ...rows.filter((row) => row.split !== 'train').map((row) => ({ path: row.path, labels: row.labels, split: row.split }))]));
    const out = join(dir, 'rare-share');
    const run = await anaInProcess(['train', '--data', shareCsv, '--base', baseDir, '--out', out, '--epochs', '1', '--patience', '1', '--lr', '0.02', '--seed', '3', '--provider', 'cpu', '--quiet']);
    expect(run.status, run.stderr).toBe(0);
    const untrained = untrainedOf((await loadNetworkPackage(out)).manifest);
    expect(untrained).toContain('speckled');
    expect(untrained).not.toContain('homogeneous');
    expect(await readFile(join(out, 'MODEL_CARD.md'), 'utf8')).toMatch(/- Not trained on [a-z_, ]*speckled[a-z_, ]*: fewer than 6 of the 96 training cases hold/);
  }, 120_000);

  it('ana train --base cuts fields whose files state no pixel size at --pixel-size-um, as if their files stated it, else at the assumed size, and says so', async () => {
    // The dataset's BMP fields state no pixel size; the same pixels as PNGs that state 0.25 µm/px.
    const rows = await readDatasetCsv(csvPath);
    const statedRows = [];
    for (const row of rows) {
      const slide = await decodeSlide(row.absolutePath);
      const grey = Uint8Array.from(slide.fitc, (v) => Math.round(v * 255));
      const path = row.path.replace(/\.bmp$/, '-stated.png');
      await writeGrey8(join(dir, path), grey, slide.widthPx, slide.heightPx, 'png', 0.25);
      statedRows.push({ path, labels: row.labels, split: row.split });
    }
    const statedCsv = join(dir, 'fields-stated.csv');
    await writeFile(statedCsv, formatDatasetCsv(statedRows));
    // A base that has barely learnt, so that training moves its weights.
    const weakDir = join(dir, 'weak-base-px');
    await runWholeNetworkTraining({ csvPath, outDir: weakDir, version: '1.0.0', training: { maxEpochs: 1, patience: 1, batchSize: 8, lr: 1e-3, seed: 2 }, augment: false, inputPx: 16, patchSizeUm: 100, defaultPixelSizeUm: 0.5, widths: [4, 8], providers: ['cpu'] });
    const train = async (csv: string, name: string, extra: string[] = []) => {
      const out = join(dir, name);
      const run = await anaInProcess(['train', '--data', csv, '--base', weakDir, '--out', out, '--epochs', '3', '--patience', '3', '--lr', '0.02', '--seed', '3', '--provider', 'cpu', '--quiet', ...extra]);
      expect(run.status, run.stderr).toBe(0);
      return { ...run, weights: await readFile(join(out, 'model.onnx')), pixelSizes: (await loadNetworkPackage(out)).manifest.provenance['pixelSizes'] };
    };
    const given = await train(csvPath, 'px-given', ['--pixel-size-um', '0.25']);
    expect(given.stdout).toContain('test (pixel size: 36 at the given 0.25 µm/px)');
    expect(given.stderr).not.toContain('state none');
    expect(given.pixelSizes).toEqual({ fromFiles: 0, given: 36, givenUm: 0.25, assumed: 0, assumedUm: 0.5 });
    expect(given.weights.equals(await readFile(join(weakDir, 'model.onnx')))).toBe(false);
    const stated = await train(statedCsv, 'px-stated');
    expect(stated.stdout).toContain('test (pixel size: 36 from their files)');
    expect(stated.weights.equals(given.weights)).toBe(true);
    // Nothing given: the base's assumed size, said even with --quiet; these fields then hold other patches.
    const assumed = await train(csvPath, 'px-assumed');
    expect(assumed.stderr).toContain("pixel size: 36 of 36 fields state none in their files and are cut at ana-whole-network 1.0.0's assumed 0.5 µm/px; give --pixel-size-um U");
    expect(assumed.weights.equals(given.weights)).toBe(false);
    // A file's own size wins over the one given, as over a microscope profile in a reading.
    expect((await train(statedCsv, 'px-stated-given', ['--pixel-size-um', '0.5'])).weights.equals(given.weights)).toBe(true);

    // ana eval cuts the fields the same way, so a candidate is measured at the scale it learnt at.
    // Its figures on these toy fields are perfect at either scale, so the cut itself is what tells:
    // each field's embeddings are cached under the size it was cut at.
    const cache = join(dir, 'cache-px');
    const cached = async () => (await readdir(cache, { recursive: true })).filter((f) => f.endsWith('.emb')).length;
    const evaluate = async (csv: string, extra: string[] = []) => {
      const run = await anaInProcess(['eval', '--data', csv, '--model', baseDir, '--all-splits', '--cache', cache, '--provider', 'cpu', ...extra]);
      expect(run.status, run.stderr).toBe(0);
      return run;
    };
    const evalAssumed = await evaluate(csvPath);
    expect(evalAssumed.stderr).toContain("pixel size: 36 of 36 fields state none in their files and are cut at the model's assumed 0.5 µm/px");
    expect(await cached()).toBe(36);
    expect((await evaluate(csvPath, ['--pixel-size-um', '0.25'])).stdout).toMatch(/^pixel size: 36 at the given 0\.25 µm\/px$/m);
    expect(await cached()).toBe(72);
  }, 120_000);

  it("--lr auto, the default, trains the network at its own rate and at FAST_FINETUNE_LR, and writes the candidate the early-stopping cases rank better", async () => {
    // Enough early-stopping rows (20) for the choice.
    const csv = await writeFieldDataset(dir, 'fields-lr.csv', 50, new Random(47), (i) => (i < 20 ? 'train' : i < 40 ? 'val' : 'test'), { sets: LABEL_SETS.slice(0, 3) });
    const chooseFor = async (recordedLr: number) => {
      // A base that has barely learnt, recording `recordedLr`.
      const weakDir = join(dir, `weak-base-lr-${recordedLr}`);
      await runWholeNetworkTraining({ csvPath, outDir: weakDir, version: '1.0.0', training: { maxEpochs: 1, patience: 1, batchSize: 8, lr: recordedLr, seed: 2 }, augment: false, inputPx: 16, patchSizeUm: 100, defaultPixelSizeUm: 0.5, widths: [4, 8], providers: ['cpu'] });
      const train = async (lr: string) => {
        const out = join(dir, `trained-${recordedLr}-lr-${lr}`);
        const run = await anaInProcess(['train', '--data', csv, '--base', weakDir, '--out', out, '--epochs', '4', '--patience', '4', '--lr', lr, '--thresholds', 'prevalence', '--seed', '3', '--provider', 'cpu', '--quiet']);
        expect(run.status, run.stderr).toBe(0);
        const { manifest } = await loadNetworkPackage(out);
        return { out, stdout: run.stdout, provenance: manifest.provenance, thresholds: manifest.thresholds, weights: await readFile(join(out, 'model.onnx')) };
      };
      const auto = await train('auto');
      const tried = (auto.provenance['learningRateChoice'] as { tried: RateTried[] }).tried;
      expect(tried.map((t) => t.lr)).toEqual([recordedLr, FAST_FINETUNE_LR]);
      const kept = bestRate(tried);
      expect((auto.provenance['training'] as { lr: number }).lr).toBe(kept);
      expect(auto.stdout).toContain(`learning rate ${kept} (early-stopping mAP ${ratesTriedWords(tried)})`);
      expect(await readFile(join(auto.out, 'MODEL_CARD.md'), 'utf8')).toContain(`- Learning rate ${kept}, chosen on the early-stopping cases`);
      // The weights written, and the thresholds chosen on them, are the kept rate's candidate's, as a run at that rate alone writes them, not the other rate's.
      const [keptAlone, otherAlone] = [await train(String(kept)), await train(String(tried.find((t) => t.lr !== kept)!.lr))];
      expect(keptAlone.provenance['learningRateChoice']).toBeUndefined();
      expect(auto.weights.equals(keptAlone.weights)).toBe(true);
      expect(auto.thresholds).toEqual(keptAlone.thresholds);
      expect(auto.weights.equals(otherAlone.weights)).toBe(false);
      return kept === recordedLr ? 'its own' : 'the faster';
    };
    // Both outcomes: a slow rate loses to the faster one; one nearly as fast is kept within the margin.
    expect([await chooseFor(1e-3), await chooseFor(1.9e-3)]).toEqual(['the faster', 'its own']);
    // Without --lr the rate is chosen the same way (the default); with a rate given, that rate alone (above).
    const out = join(dir, 'trained-lr-default');
    const byDefault = await anaInProcess(['train', '--data', csv, '--base', join(dir, 'weak-base-lr-0.001'), '--out', out, '--epochs', '4', '--patience', '4', '--thresholds', 'prevalence', '--seed', '3', '--provider', 'cpu', '--quiet']);
    expect(byDefault.status, byDefault.stderr).toBe(0);
    expect((await readFile(join(out, 'model.onnx'))).equals(await readFile(join(dir, 'trained-0.001-lr-auto', 'model.onnx')))).toBe(true);
    expect((await loadNetworkPackage(out)).manifest.provenance['learningRateChoice']).toBeDefined();
  }, 120_000);

  it("--lr auto on two threads trains both rates at once, the second in a worker thread: the same candidate as one after the other, each curve whole, and a cancel stops both", async () => {
    const csv = await writeFieldDataset(dir, 'fields-at-once.csv', 50, new Random(53), (i) => (i < 20 ? 'train' : i < 40 ? 'val' : 'test'), { sets: LABEL_SETS.slice(0, 3) });
    const weakDir = join(dir, 'weak-base-at-once');
    await runWholeNetworkTraining({ csvPath, outDir: weakDir, version: '1.0.0', training: { maxEpochs: 1, patience: 1, batchSize: 8, lr: 1e-3, seed: 2 }, augment: false, inputPx: 16, patchSizeUm: 100, defaultPixelSizeUm: 0.5, widths: [4, 8], providers: ['cpu'] });
    const base = await loadModelPackage(weakDir);
    const run = async (threads: number, cancelOnceBothTrain = false) => {
      const epochs: number[] = [];
      const rates: number[] = [];
      const outDir = join(dir, `at-once-${threads}${cancelOnceBothTrain ? '-cancelled' : ''}`);
      const r = await finetuneNetworkOnDataset({
        dataCsv: csv, base, outDir, threads, providers: ['cpu'], thresholds: 'prevalence',
        training: { maxEpochs: 4, patience: 4, batchSize: 8, seed: 3 },
        onEpoch: (e) => epochs.push(e.epoch),
        onProgress: (p) => { if (p.phase === 'train') rates.push(Number(/learning rate ([\d.e-]+)/.exec(p.message ?? '')?.[1])); },
        isCancelled: () => cancelOnceBothTrain && rates.includes(FAST_FINETUNE_LR),
      });
      return { choice: r.candidate.model.manifest.provenance['learningRateChoice'] as { tried: RateTried[]; atOnce: boolean }, weights: await readFile(join(outDir, 'model.onnx')), thresholds: r.candidate.model.manifest.thresholds, epochs, rates };
    };
    const [inTurn, atOnce] = [await run(1), await run(2)];
    expect(inTurn.choice.atOnce).toBe(false);
    expect(atOnce.choice.atOnce).toBe(true);
    expect(atOnce.choice.tried).toEqual(inTurn.choice.tried);
    expect(atOnce.weights.equals(inTurn.weights)).toBe(true);
    expect(atOnce.thresholds).toEqual(inTurn.thresholds);
    // Both rates reported progress; the epochs come one training after the other, as when they take turns.
    expect(new Set(atOnce.rates)).toEqual(new Set([1e-3, FAST_FINETUNE_LR]));
    expect(atOnce.epochs).toEqual(inTurn.epochs);
    // Cancelled once the worker's rate trains: the run stops with the cancel, and the worker with it (the test would hang on a worker left running).
    await expect(run(2, true)).rejects.toThrow(/training cancelled/);
  }, 120_000);

  it("--lr auto: which rates are tried, and when the faster one is kept", async () => {
    expect(ratesToTry(3e-4, 'auto', 45)).toEqual([3e-4, FAST_FINETUNE_LR]);
    expect(ratesToTry(3e-4, 'given', 45)).toEqual([3e-4]);
    expect(ratesToTry(FAST_FINETUNE_LR, 'auto', 45)).toEqual([FAST_FINETUNE_LR]);
    expect(ratesToTry(3e-4, 'auto', MIN_CASES_TO_CHOOSE_BLEND - 1)).toEqual([3e-4]);
    // The rate in use stays unless the other beats it by more than the blend's margin (the measured pairs of docs/results.md).
    expect(bestRate([{ lr: 3e-4, map: 0.874 }, { lr: 2e-3, map: 0.912 }])).toBe(2e-3);
    expect(bestRate([{ lr: 3e-4, map: 0.988 }, { lr: 2e-3, map: 0.99 }])).toBe(3e-4);
    expect(bestRate([{ lr: 3e-4, map: 0.9 }])).toBe(3e-4);
    expect(ratesTriedWords([{ lr: 3e-4, map: 0.9876 }, { lr: 2e-3, map: 0.9 }])).toBe('0.0003: 0.988, 0.002: 0.900');
    await expect(runFinetune({ ...common(), mode: 'head', learningRate: 'auto' })).rejects.toThrow(/learning rate 'auto' chooses between two trainings of a whole network; fine-tuning mode 'head'/);
    const bad = await anaInProcess(['finetune', '--db', join(dir, 'ana.db'), '--model', baseDir, '--lr', 'fast']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--lr must be 'auto' or a number above 0, got 'fast'/);
  });

  it("ana train --base --mode adapt pre-trains on the train and val rows' fields without labels, never the test rows, then fine-tunes", async () => {
    const out = join(dir, 'adapted-from-csv');
    const run = await anaInProcess(['train', '--data', csvPath, '--base', baseDir, '--out', out, '--mode', 'adapt', '--epochs', '2', '--lr', '0.005', '--seed', '3', '--provider', 'cpu', '--quiet']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/fine-tuned, all layers, after self-supervised adaptation to the train and val rows\)/);
    const provenance = (await loadNetworkPackage(out)).manifest.provenance;
    expect(provenance['mode']).toBe('adapt');
    // 24 train + 6 val rows of two-patch fields; the 6 test rows are not among them.
    expect(provenance['adaptation']).toMatchObject({ fields: 30, sampled: 30, patches: 60, from: `${csvPath} (train and val rows, without labels)` });
  }, 120_000);

  it('ana train --base refuses head-only options on a whole network, and whole-network options on a head, before any work', async () => {
    const headOnly = await anaInProcess(['train', '--data', csvPath, '--base', baseDir, '--out', join(dir, 'never'), '--init', 'iw-ones', '--soft-targets']);
    expect(headOnly.status).toBe(2);
    expect(headOnly.stderr).toMatch(/--init, --soft-targets shape a head's training; .* is a whole network/);
    const outOfFold = await anaInProcess(['train', '--data', csvPath, '--base', baseDir, '--out', join(dir, 'never'), '--thresholds', 'cv']);
    expect(outOfFold.status).not.toBe(0);
    expect(outOfFold.stderr).toMatch(/thresholds 'cv' need \d+ more trainings of the candidate/);
    await writeSkeletonPackage(join(dir, 'skeleton-train'));
    const onHead = await anaInProcess(['train', '--data', csvPath, '--base', join(dir, 'skeleton-train'), '--out', join(dir, 'never'), '--blend', '1']);
    expect(onHead.status).toBe(2);
    expect(onHead.stderr).toMatch(/--mode, --blend, --lr auto and --pixel-size-um fine-tune a whole network; .* is a feature extractor with a head/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
    // Called directly, the head trainer refuses a whole network before embedding a field.
    await expect(trainModelFromCsv({ dataCsv: csvPath, outDir: join(dir, 'never'), baseModelDir: baseDir, cacheDir: join(dir, 'never-cache') })).rejects.toThrow(/is a whole network \(kind 'network'\), not a feature extractor with a head/);
    expect(existsSync(join(dir, 'never-cache'))).toBe(false);
  });

  it('refuses a whole-network mode when the active version is a head on a fixed extractor', async () => {
    const other = openDatabase(join(dir, 'other.db'));
    try {
      await writeSkeletonPackage(join(dir, 'skeleton'));
      await expect(runFinetune({ ...common(), db: other, fallbackModelDir: join(dir, 'skeleton'), mode: 'last-blocks' })).rejects.toThrow(/mode 'last-blocks' needs a whole-network active version; .* use mode 'head'/);
    } finally {
      other.close();
    }
  });
});
