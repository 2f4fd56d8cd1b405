import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../electron/core/inference/engine';
import { loadModelPackage, readHead } from '../../../electron/core/models/model-package';
import { patchOptionsOf } from '../../../electron/core/models/manifest';
import { decodeSlide } from '../../../electron/core/slides/decode';
import { cutPatches } from '../../../electron/core/slides/patches';
import { slideEmbeddings } from '../../../electron/core/training/heads/embedding-cache';
import { Random } from '../../../electron/core/random';
import { embedRows, evaluateModelOnCsv, scorePackageOn, trainModelFromCsv } from '../../../electron/core/training/heads/train-model';
import { readDatasetCsv } from '../../../electron/core/synth/dataset-csv';
import { writeSkeletonPackage } from '../../../native-models/recipes/build-skeleton';
import { writeFieldDataset } from './fields';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-train-'));
  await writeSkeletonPackage(join(dir, 'base'));
  await writeFieldDataset(dir, 'labels.csv', 48, new Random(8), (i) => (i < 28 ? 'train' : i < 36 ? 'val' : 'test'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('train and eval from a dataset CSV', () => {
  it('writes a derived package whose card and manifest figures `ana eval` reproduces', async () => {
    const result = await trainModelFromCsv({ dataCsv: join(dir, 'labels.csv'), outDir: join(dir, 'trained'), baseModelDir: join(dir, 'base'), trainer: { seed: 3, maxEpochs: 8, lr: 1e-2 }, providers: ['cpu'] });
    expect(result.counts).toEqual({ train: 28, val: 8, test: 12 });
    const pkg = await loadModelPackage(join(dir, 'trained'));
    expect(pkg.manifest.parentVersion).toBe('0.0.1-skeleton');
    expect(pkg.manifest.files.map((f) => f.role)).toEqual(['model', 'card']);
    const card = await readFile(join(dir, 'trained', 'MODEL_CARD.md'), 'utf8');
    expect(card).toMatch(/not clinically validated/);
    expect(card).toMatch(/12 fields/);
    const test = (pkg.manifest.metrics as { test: Record<string, number> }).test;
    // the second pass hits the embedding cache
    const again = await evaluateModelOnCsv({ dataCsv: join(dir, 'labels.csv'), modelDir: join(dir, 'trained'), split: 'test', providers: ['cpu'] });
    expect(again.f1_macro).toBeCloseTo(test.f1_macro!, 6);
    expect(again.map).toBeCloseTo(test.map!, 6);
    // the two learnable labels are separable even for the skeleton's random filters
    expect(again.per_class.homogeneous!.ap).toBeGreaterThan(0.9);
  });

  it("--thresholds prevalence: the package calls each label on as many of its training and validation fields as carry it", async () => {
    await trainModelFromCsv({ dataCsv: join(dir, 'labels.csv'), outDir: join(dir, 'prevalence'), baseModelDir: join(dir, 'base'), trainer: { seed: 3, maxEpochs: 8, lr: 1e-2 }, thresholds: 'prevalence', providers: ['cpu'] });
    const pkg = await loadModelPackage(join(dir, 'prevalence'));
    expect(pkg.manifest.provenance['thresholds']).toMatch(/as many of its training cases as were signed with it/);
    const rows = (await readDatasetCsv(join(dir, 'labels.csv'))).filter((r) => r.split === 'train' || r.split === 'val');
    const engine = await createEngine(pkg, { providers: ['cpu'] });
    const { data } = await embedRows(pkg, engine, rows, { cacheDir: join(dir, 'cache-prevalence') }).finally(() => engine.close());
    const { scores } = (await scorePackageOn(pkg, data)).data;
    const K = pkg.manifest.labels.length;
    let checked = 0;
    pkg.manifest.labels.forEach(({ key }, k) => {
      const positives = rows.filter((r) => r.labels.includes(key)).length;
      if (positives === 0 || positives === rows.length) return expect(pkg.manifest.thresholds[key], key).toBe(0.5);
      expect(rows.filter((_, i) => scores[i * K + k]! >= pkg.manifest.thresholds[key]!).length, key).toBe(positives);
      // Exactly between the positives-th and the next highest score of all of them, not of the training fields alone.
      const sorted = rows.map((_, i) => scores[i * K + k]!).sort((a, b) => b - a);
      expect(pkg.manifest.thresholds[key], key).toBeCloseTo((sorted[positives - 1]! + sorted[positives]!) / 2, 6);
      checked++;
    });
    expect(checked).toBeGreaterThanOrEqual(2);
  });

  it('the derived package runs in ONNX Runtime and its probabilities equal the head on cached embeddings', async () => {
    const pkg = await loadModelPackage(join(dir, 'trained'));
    const engine = await createEngine(pkg, { providers: ['cpu'], warn: () => {} });
    try {
      // Every patch of the grid, cut as the embedding cache cuts them (the reader cuts only those with cells).
      const decoded = await decodeSlide(join(dir, 'f5.bmp'));
      const options = patchOptionsOf(pkg.manifest);
      const patches = cutPatches(decoded.fitc, decoded.widthPx, decoded.heightPx, decoded.pixelSizeUm ?? options.defaultPixelSizeUm, options);
      const count = patches.rects.length;
      const { probabilities } = await engine.run(patches.pixels, count);
      const cached = await slideEmbeddings({ model: pkg, engine, cacheDir: join(dir, '.ana-embedding-cache') }, join(dir, 'f5.bmp'));
      expect(cached.cached).toBe(true);
      const { weights, bias } = await readHead(pkg);
      const D = cached.dims;
      for (let p = 0; p < count; p++) {
        for (let k = 0; k < 8; k++) {
          let z = bias.data[k]!;
          for (let d = 0; d < D; d++) z += weights.data[k * D + d]! * cached.embeddings[p * D + d]!;
          expect(probabilities[p * 8 + k]).toBeCloseTo(1 / (1 + Math.exp(-z)), 5);
        }
      }
    } finally {
      await engine.close();
    }
  });

  it('ana train without --method trains as the base package was trained (its recorded recipe); a base without one: spl', async () => {
    // A base whose head was trained with the mean-logit L-BFGS recipe (as the shipped 0.4.0).
    await trainModelFromCsv({ dataCsv: join(dir, 'labels.csv'), outDir: join(dir, 'ml-base'), baseModelDir: join(dir, 'base'), trainer: { seed: 3, method: 'mean-logit', solver: 'lbfgs' }, providers: ['cpu'] });
    const cli = (base: string, out: string) => run(process.execPath, ['--import', 'tsx', 'electron/cli/ana.ts', 'train', '--data', join(dir, 'labels.csv'), '--base', join(dir, base), '--out', join(dir, out), '--epochs', '2', '--patience', '10', '--provider', 'cpu', '--quiet']);
    const lbfgs = await cli('ml-base', 'inherits');
    const trainer = async (out: string) => ((await loadModelPackage(join(dir, out))).manifest.provenance as { trainer: { method: string; solver: string } }).trainer;
    expect(await trainer('inherits')).toMatchObject({ method: 'mean-logit', solver: 'lbfgs' });
    const spl = await cli('base', 'self-paced');
    expect((await trainer('self-paced')).method).toBe('spl');
    // 2 epochs under a patience of 10: the cap ended the self-paced run; L-BFGS fits to convergence (its 5 steps are values of C), no epochs to cap.
    expect(spl.stdout).toMatch(/^Training ended at its cap of 2 epochs, the best /m);
    expect(await readFile(join(dir, 'self-paced', 'MODEL_CARD.md'), 'utf8')).toContain('- Training ended at its cap of 2 epochs');
    expect(lbfgs.stdout).not.toContain('Training ended at its cap');
  }, 120_000);

  it('ana eval prints the table and writes JSON with exactly the issue\'s keys', async () => {
    const json = join(dir, 'eval.json');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'electron/cli/ana.ts', 'eval', '--data', join(dir, 'labels.csv'), '--model', join(dir, 'trained'), '--json', json, '--provider', 'cpu']);
    expect(stdout).toMatch(/F1 micro/);
    expect(stdout).toMatch(/homogeneous/);
    const report = JSON.parse(await readFile(json, 'utf8')) as Record<string, unknown>;
    for (const key of ['f1_micro', 'f1_macro', 'subset_accuracy', 'map', 'hamming_loss', 'one_error', 'ranking_loss', 'coverage', 'average_precision', 'per_class', 'n_images']) expect(report).toHaveProperty(key);
    expect(report.n_images).toBe(12);
    expect(Object.keys(report.per_class as object)).toHaveLength(8);
    // The fields hold two of the eight labels: F1 macro counts the other six as 0, and the figure over
    // the two (what a set of some patterns is judged by) is printed and written beside it.
    const f1 = report as { f1_macro: number; f1_macro_present: number; per_class: Record<string, { f1: number }> };
    expect(f1.f1_macro_present).toBeCloseTo((f1.per_class.homogeneous!.f1 + f1.per_class.speckled!.f1) / 2, 9);
    expect(f1.f1_macro).toBeCloseTo(f1.f1_macro_present / 4, 9);
    expect(stdout).toContain(`F1 macro over the 2 classes with positives ${f1.f1_macro_present.toFixed(3)}`);
    expect(stdout).toMatch(/No image holds centromere, .*golgi: mAP skips them, and F1 macro counts them as 0/);
  });

  it('ana eval names a CSV without the split', async () => {
    await expect(run(process.execPath, ['--import', 'tsx', 'electron/cli/ana.ts', 'eval', '--data', join(dir, 'labels.csv'), '--split', 'nope', '--model', join(dir, 'base')])).rejects.toThrow(/no rows with split 'nope'/);
  });
});
