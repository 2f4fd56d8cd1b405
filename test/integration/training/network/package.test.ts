/**
 * End to end on generated fields: dataset CSV → patch grid → whole-network training on ONNX
 * Runtime → model package; the package loads in the reading engine and reproduces the test
 * metrics the trainer reported.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../../electron/core/inference/engine';
import { loadModelPackage, readHead } from '../../../../electron/core/models/model-package';
import { DEFAULT_LABEL_DISTRIBUTION, readDatasetCsv, writeDataset } from '../../../../electron/core/synth';
import { bagCount } from '../../../../electron/core/training/dataset';
import { evaluate } from '../../../../electron/core/training/metrics/metrics';
import { loadNetworkPackage } from '../../../../electron/core/training/network/network-package';
import { pixelBags } from '../../../../electron/core/training/network/patch-dataset';
import { runWholeNetworkTraining } from '../../../../electron/core/training/network/train-network';
import { loadCheckpoint } from '../../../../electron/core/training/network/checkpoint';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('whole-network model package from generated fields', () => {
  it('trains, writes a package the reading engine loads, and the engine reproduces the test metrics', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ana-wn-'));
    dirs.push(dir);
    const summary = await writeDataset({
      outDir: join(dir, 'data'),
      count: 10,
      seed: 3,
      sizePx: { width: 240, height: 200 },
      format: 'png-grey8',
      splits: { train: 0.5, val: 0.2, test: 0.3 },
      labelDistribution: { ...DEFAULT_LABEL_DISTRIBUTION, negativeRate: 0 },
    });
    const outDir = join(dir, 'package');
    const result = await runWholeNetworkTraining({
      csvPath: summary.csvPath,
      outDir,
      version: '0.0.1-test',
      training: { maxEpochs: 2, batchSize: 8, seed: 2 },
      augment: true,
      inputPx: 24,
      patchSizeUm: 50,
      defaultPixelSizeUm: 0.5,
      widths: [4, 8],
      depths: [1, 2], // the second stage's stride-1 convolution goes through packaging and reading too
      providers: ['cpu'],
    });
    expect(result.provider).toBe('cpu');
    expect(result.epochs.length).toBe(2);
    expect(result.figures.patchesPerSecond).toBeGreaterThan(0);
    const metrics = JSON.parse(await readFile(join(outDir, 'training-metrics.json'), 'utf8'));
    expect(metrics.figures.trainPatches).toBe(result.figures.trainPatches);
    expect(await readFile(join(outDir, 'MODEL_CARD.md'), 'utf8')).toMatch(/# Model card: ana-whole-network 0.0.1-test[\s\S]*best \d \(by the validation overall score at thresholds 0.5\)[\s\S]*Metrics on the held-out test split/);

    const pkg = await loadModelPackage(outDir);
    expect(pkg.manifest.input.shape).toEqual([-1, 1, 24, 24]);
    const engine = await createEngine(pkg, { providers: ['cpu'] });
    const rows = (await readDatasetCsv(summary.csvPath)).filter((r) => r.split === 'test');
    const { manifest } = pkg;
    const test = await pixelBags(rows.map((r) => ({ absolutePath: r.absolutePath, labels: r.labels })), {
      patchSizeUm: manifest.patch.sizeUm,
      inputPx: 24,
      mean: manifest.normalisation.mean,
      std: manifest.normalisation.std,
      backgroundMax: 0,
      defaultPixelSizeUm: manifest.patch.defaultPixelSizeUm,
    });
    const count = test.inputs.length / (24 * 24);
    const { probabilities, embeddings, embeddingDims } = await engine.run(test.inputs, count);
    await engine.close();
    expect(embeddingDims).toBe(8);
    expect(embeddings!.length).toBe(count * 8);
    const K = test.labels.length;
    const image = new Float64Array(bagCount(test) * K);
    for (let b = 0; b < bagCount(test); b++)
      for (let n = test.bagOffsets[b]!; n < test.bagOffsets[b + 1]!; n++) for (let k = 0; k < K; k++) image[b * K + k] = Math.max(image[b * K + k]!, probabilities[n * K + k]!);
    const report = evaluate({ truth: test.bagLabels, scores: image, imageCount: bagCount(test), labelCount: K }, test.labels, 0.5);
    expect(report.f1_macro).toBeCloseTo(result.test.f1_macro, 6);
    expect(report.map).toBeCloseTo(result.test.map, 6);
    expect(report.subset_accuracy).toBeCloseTo(result.test.subset_accuracy, 6);

    // The head that the shift benchmark and head-only fine-tuning read is the network's last layer on its embeddings.
    const head = await readHead(pkg);
    expect(head.weights.dims).toEqual([K, 8]);
    for (let n = 0; n < count; n++)
      for (let k = 0; k < K; k++) {
        let z = head.bias.data[k]!;
        for (let d = 0; d < 8; d++) z += head.weights.data[k * 8 + d]! * embeddings![n * 8 + d]!;
        expect(1 / (1 + Math.exp(-z))).toBeCloseTo(probabilities[n * K + k]!, 5);
      }

    // Fine-tune the package, last stage only (layers 3.. : the second stage's two convolutions and norms, the head).
    const base = await loadNetworkPackage(outDir);
    const tunedDir = join(dir, 'tuned');
    const tuned = await runWholeNetworkTraining({
      csvPath: summary.csvPath,
      outDir: tunedDir,
      version: '0.0.2-test',
      training: { maxEpochs: 1, batchSize: 8, seed: 3, lr: 1e-2, epochSelection: 'as-read' },
      augment: false,
      inputPx: 999, // ignored: the package's own input side and patch size are kept
      patchSizeUm: 1,
      defaultPixelSizeUm: 0.5,
      providers: ['cpu'],
      initFrom: outDir,
      firstTrainableLayer: 3,
    });
    expect(tuned.figures.trainPatches).toBe(result.figures.trainPatches);
    const after = await loadNetworkPackage(tunedDir);
    expect(after.manifest.parentVersion).toBe('0.0.1-test');
    expect(await readFile(join(tunedDir, 'MODEL_CARD.md'), 'utf8')).toMatch(/best 1 \(by validation macro-F1 as the package reads it, thresholds tuned on validation\)/);
    expect((await loadCheckpoint(join(tunedDir, 'training.checkpoint.json')))!.epochSelection).toBe('as-read');
    expect(after.manifest.normalisation).toEqual(base.manifest.normalisation);
    for (const name of ['l0.conv2d.weight', 'l0.conv2d.bias', 'l1.groupnorm.gamma']) expect(after.params[name], name).toEqual(base.params[name]);
    for (const name of ['l3.conv2d.weight', 'l6.conv2d.weight', 'l10.linear.weight']) expect(after.params[name], name).not.toEqual(base.params[name]);
  });
});
