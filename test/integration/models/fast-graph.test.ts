/**
 * Issue 18: the fast graph of the default extractor family against the reference graph (the form
 * the 0.4.0 package shipped with), on real fields from the generator; the parameters a package's
 * graph is rebuilt from; and the 0.4.0 package (shipped until 0.5.0, kept as a test fixture) being
 * exactly what the rebuild recipe makes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Random } from '../../../electron/core/random';
import { compareGraphs } from '../../../native-models/recipes/graph-equivalence';
import { learnCodebook, sampleWindows, type CodebookScale } from '../../../electron/core/models/codebook-features';
import { rebuildPackageGraph } from '../../../native-models/recipes/rebuild-graph';
import { buildStructureModel, structureExtractorNames } from '../../../native-models/recipes/structure-extractor';
import { readStructureModelParams } from '../../../native-models/recipes/structure-params';
import { FILTER_BANK_0_4_0_DIR } from '../../fixtures/model-package';

const SHIPPED = FILTER_BANK_0_4_0_DIR;
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('the fast extractor graph', () => {
  it('reads real generated fields as the reference graph does (embeddings and field probabilities)', async () => {
    const params = readStructureModelParams(new Uint8Array(await readFile(join(SHIPPED, 'model.onnx'))));
    const reference = buildStructureModel(params.standard, params.head, params.labelCount, params.codebooks, 'reference');
    const fast = buildStructureModel(params.standard, params.head, params.labelCount, params.codebooks, 'fast');
    expect(Buffer.from(fast).equals(Buffer.from(reference))).toBe(false);
    const d = await compareGraphs(reference, fast, 2, 31_000, params.labelCount);
    expect(d.patches).toBe(24);
    // Float rounding only: the embeddings (in training standard deviations) agree to 1e-4, and no
    // field's probability moves by more than 1e-3 (the head amplifies features ~10⁵-fold).
    expect(d.maxEmbeddingDiff).toBeLessThan(1e-4);
    expect(d.maxFieldProbabilityDiff).toBeLessThan(1e-3);
  }, 120_000);

  it('reads back the codebooks, standardisation and head a package was built from', () => {
    const rng = new Random(3);
    const P = 64;
    const scales: CodebookScale[] = [
      { downsample: 1, stride: 2 },
      { downsample: 2, stride: 1 },
    ];
    const books = scales.map((scale, s) => {
      const windows: number[] = [];
      for (let p = 0; p < 10; p++) sampleWindows(rng, Float32Array.from({ length: P * P }, () => rng.next()), P, scale, 60, windows);
      return learnCodebook(Float32Array.from(windows), scale, 4, 1 + s, 3);
    });
    const dims = structureExtractorNames(books).length;
    const standard = { mean: Float32Array.from({ length: dims }, () => rng.normal(0, 1)), std: Float32Array.from({ length: dims }, () => rng.uniform(0.5, 2)) };
    const head = { weights: Float32Array.from({ length: 8 * dims }, () => rng.normal(0, 1)), bias: Float32Array.from({ length: 8 }, () => rng.normal(0, 1)) };
    const params = readStructureModelParams(buildStructureModel(standard, head, 8, books));
    expect(params.labelCount).toBe(8);
    expect(params.standard.mean).toEqual(standard.mean);
    expect(params.head.weights).toEqual(head.weights);
    expect(params.codebooks.map((b) => b.scale)).toEqual(scales);
    params.codebooks.forEach((b, s) => {
      expect(b.whiten).toEqual(books[s]!.whiten);
      b.centroids.forEach((v, i) => expect(v).toBeCloseTo(books[s]!.centroids[i]!, 5));
      // μ comes back through W⁻¹(Wμ): equal up to float rounding.
      b.mean.forEach((v, i) => expect(v).toBeCloseTo(books[s]!.mean[i]!, 4));
    });
  });

  it('the 0.4.0 package is what the rebuild recipe makes of it (deterministic, fast form)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'ana-rebuild-graph-'));
    dirs.push(out);
    const result = await rebuildPackageGraph(SHIPPED, out, 'fast', 1);
    const shipped = JSON.parse(await readFile(join(SHIPPED, 'manifest.json'), 'utf8'));
    expect(result.extractorSha256).toBe(shipped.extractor.sha256);
    expect(await readFile(join(out, 'model.onnx'))).toEqual(await readFile(join(SHIPPED, 'model.onnx')));
    expect(await readFile(join(out, 'reference.json'))).toEqual(await readFile(join(SHIPPED, 'reference.json')));
    expect(shipped.provenance.graph.form).toBe('fast');
  }, 120_000);
});
