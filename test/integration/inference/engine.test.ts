import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../../../electron/core/inference/engine';
import { createWorkerEngine } from '../../../electron/core/inference/worker-engine';
import { providerOrder } from '../../../electron/core/inference/providers';
import { headManifestOf, loadModelPackage, readHead, writeDerivedPackage, type ModelPackage } from '../../../electron/core/models/model-package';
import { Random } from '../../../electron/core/random';
import { TEST_BANK, writeTestPackage } from '../../fixtures/model-package';

let dir: string;
let pkg: ModelPackage;
const K = 8;

function patches(count: number, seed: number): Float32Array {
  const rng = new Random(seed);
  const px = TEST_BANK.inputPx;
  const out = new Float32Array(count * px * px);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, 0.05 + 0.05 * rng.normal() + (i % 97 < 9 ? 0.5 : 0));
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-engine-'));
  await writeTestPackage(join(dir, 'base'));
  pkg = await loadModelPackage(join(dir, 'base'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('inference engine', () => {
  it('tries the GPU provider first on each platform and falls back to CPU with a logged warning', async () => {
    expect(providerOrder('linux')).toEqual(['cuda', 'cpu']);
    expect(providerOrder('win32')).toEqual(['dml', 'cpu']);
    expect(providerOrder('darwin')).toEqual(['coreml', 'cpu']);
    const warnings: string[] = [];
    // 'dml' exists only on Windows builds: unavailable here on every CI machine.
    const engine = await createEngine(pkg, { providers: ['dml', 'cpu'], warn: (m) => warnings.push(m) });
    expect(engine.provider).toBe('cpu');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Execution provider 'dml' is not available .*trying the next one/);
    await engine.close();
  });

  it('runs in a worker with the same results as in process, and reports the provider it used', async () => {
    const input = patches(5, 1);
    const local = await createEngine(pkg, { providers: ['cpu'] });
    const expected = await local.run(input.slice(), 5);
    await local.close();
    const warnings: string[] = [];
    const worker = await createWorkerEngine(pkg, { providers: ['dml', 'cpu'], warn: (m) => warnings.push(m) });
    expect(worker.provider).toBe('cpu');
    expect(warnings[0]).toMatch(/'dml' is not available/);
    const [a, b] = await Promise.all([worker.run(input.slice(), 5), worker.run(patches(3, 2), 3)]);
    expect(Array.from(a.probabilities)).toEqual(Array.from(expected.probabilities));
    expect(a.probabilities).toHaveLength(5 * K);
    expect(b.probabilities).toHaveLength(3 * K);
    expect(a.embeddingDims).toBe(expected.embeddingDims);
    for (const p of a.probabilities) expect(p).toBeGreaterThanOrEqual(0);
    await worker.close();
    await expect(worker.run(input.slice(), 5)).rejects.toThrow(/closed/);
  });

  it('a new head written by name gives sigmoid(W·embedding + b), with the same extractor hash', async () => {
    const rng = new Random(3);
    const { weights } = await readHead(pkg);
    const D = weights.dims[1]!;
    const head = { weights: Float32Array.from({ length: K * D }, () => rng.normal(0, 0.2)), bias: Float32Array.from({ length: K }, () => rng.normal(0, 1)) };
    const derived = await writeDerivedPackage(pkg, join(dir, 'derived'), { head, version: '1.0.1', provenance: { test: 'head swap' } });
    expect(derived.manifest.parentVersion).toBe('1.0.0');
    expect(headManifestOf(derived).extractor).toEqual(headManifestOf(pkg).extractor);
    expect(derived.manifest.files[0]!.sha256).not.toBe(pkg.manifest.files[0]!.sha256);
    const engine = await createEngine(derived, { providers: ['cpu'] });
    const out = await engine.run(patches(4, 9), 4);
    await engine.close();
    for (let n = 0; n < 4; n++) {
      for (let k = 0; k < K; k++) {
        let z = head.bias[k]!;
        for (let d = 0; d < D; d++) z += head.weights[k * D + d]! * out.embeddings![n * D + d]!;
        expect(out.probabilities[n * K + k]).toBeCloseTo(1 / (1 + Math.exp(-z)), 5);
      }
    }
    await expect(writeDerivedPackage(pkg, join(dir, 'bad'), { head: { weights: new Float32Array(3), bias: new Float32Array(K) }, version: 'x' })).rejects.toThrow(/expected weights \[8, \d+\]/);
  });

  it('refuses damaged packages and manifests that do not match the model, naming the problem', async () => {
    const copy = async (name: string) => {
      const d = join(dir, name);
      await cp(join(dir, 'base'), d, { recursive: true });
      return d;
    };
    const tampered = await copy('tampered');
    const bytes = await readFile(join(tampered, 'model.onnx'));
    bytes[bytes.length - 10] ^= 0xff;
    await writeFile(join(tampered, 'model.onnx'), bytes);
    await expect(loadModelPackage(tampered)).rejects.toThrow(/model\.onnx: sha256 [0-9a-f]+ does not match the manifest/);

    const wrongExtractor = await copy('wrong-extractor');
    const m1 = JSON.parse(await readFile(join(wrongExtractor, 'manifest.json'), 'utf8'));
    m1.extractor.sha256 = '0'.repeat(64);
    await writeFile(join(wrongExtractor, 'manifest.json'), JSON.stringify(m1));
    await expect(loadModelPackage(wrongExtractor)).rejects.toThrow(/extractor sub-graph sha256 [0-9a-f]+ does not match/);

    const wrongInput = await copy('wrong-input');
    const m2 = JSON.parse(await readFile(join(wrongInput, 'manifest.json'), 'utf8'));
    m2.input.name = 'images';
    m2.labels = m2.labels.slice(0, 7);
    delete m2.thresholds.golgi;
    await writeFile(join(wrongInput, 'manifest.json'), JSON.stringify(m2));
    const error = await createEngine(await loadModelPackage(wrongInput), { providers: ['cpu'] }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/does not match its manifest: input 'images' not in model inputs \[patches\]; output 'probabilities' has 8 labels, manifest lists 7/);

    const noManifest = join(dir, 'empty');
    await expect(loadModelPackage(noManifest)).rejects.toThrow(/manifest\.json: cannot read manifest/);
  });
});
