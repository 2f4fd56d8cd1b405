/** The 3.0.0 extractor's codebook features: the ONNX graph against a direct computation, and the learning steps. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphSession, type GraphSession } from '../../../electron/core/inference/engine';
import { Random } from '../../../electron/core/random';
import { addCodebookFeatures, codebookFeatureNames, kMeans, learnCodebook, sampleWindows, symmetricEigen, WINDOW_EPSILON, WINDOW_PX, type Codebook, type CodebookScale } from '../../../electron/core/models/codebook-features';
import { featureGraph } from './feature-graph';

const P = 64;
const DIM = WINDOW_PX * WINDOW_PX;
const SCALES: CodebookScale[] = [
  { downsample: 1, stride: 2 },
  { downsample: 2, stride: 1 },
];

function spottyPatch(rng: Random): Float32Array {
  const img = new Float32Array(P * P);
  for (let i = 0; i < img.length; i++) img[i] = 0.3 + 0.05 * rng.next();
  for (let d = 0; d < 12; d++) {
    const cx = rng.uniform(0, P);
    const cy = rng.uniform(0, P);
    const r = rng.uniform(0.8, 3);
    for (let y = 0; y < P; y++) for (let x = 0; x < P; x++) img[y * P + x]! += Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r));
  }
  return img;
}

/** The features computed window by window, the slow obvious way. */
function directFeatures(patch: Float32Array, books: Codebook[]): number[] {
  const out: number[] = [];
  for (const book of books) {
    const { downsample: f, stride } = book.scale;
    const side = P / f;
    const img = new Float32Array(side * side);
    for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) {
      let s = 0;
      for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) s += patch[(y * f + dy) * P + x * f + dx]!;
      img[y * side + x] = s / (f * f);
    }
    const K = book.centroids.length / DIM;
    const sum = new Float64Array(K);
    const sq = new Float64Array(K);
    let windows = 0;
    for (let y0 = 0; y0 + WINDOW_PX <= side; y0 += stride) {
      for (let x0 = 0; x0 + WINDOW_PX <= side; x0 += stride) {
        const w: number[] = [];
        for (let dy = 0; dy < WINDOW_PX; dy++) for (let dx = 0; dx < WINDOW_PX; dx++) w.push(img[(y0 + dy) * side + x0 + dx]!);
        const m = w.reduce((a, b) => a + b, 0) / DIM;
        const sd = Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / DIM + WINDOW_EPSILON);
        const n = w.map((v, j) => (v - m) / sd - book.mean[j]!);
        const z = Array.from({ length: DIM }, (_, a) => n.reduce((acc, v, b) => acc + book.whiten[a * DIM + b]! * v, 0));
        const d = Array.from({ length: K }, (_, k) => Math.sqrt(z.reduce((acc, v, j) => acc + (v - book.centroids[k * DIM + j]!) ** 2, 0)));
        const meanD = d.reduce((a, b) => a + b, 0) / K;
        d.forEach((dk, k) => {
          const code = Math.max(0, meanD - dk);
          sum[k]! += code;
          sq[k]! += code * code;
        });
        windows++;
      }
    }
    out.push(...Array.from(sum, (v) => v / windows), ...Array.from(sq, (v) => Math.sqrt(v / windows)));
  }
  return out;
}

let books: Codebook[];
let session: GraphSession;

beforeAll(async () => {
  const rng = new Random(11);
  books = SCALES.map((scale, s) => {
    const windows: number[] = [];
    for (let p = 0; p < 20; p++) sampleWindows(rng, spottyPatch(rng), P, scale, 100, windows);
    return learnCodebook(Float32Array.from(windows), scale, 8, 3 + s);
  });
  session = await createGraphSession(featureGraph('codebook-test', P, (g, x) => addCodebookFeatures(g, x, books)), { providers: ['cpu'], label: 'codebook features test' });
});
afterAll(async () => session?.close());

describe('codebook features', () => {
  it('the ONNX graph computes what the windows give one by one', async () => {
    const rng = new Random(5);
    const patches = [spottyPatch(rng), spottyPatch(rng)];
    const data = new Float32Array(2 * P * P);
    patches.forEach((p, i) => data.set(p, i * P * P));
    const out = await session.run({ patches: { data, dims: [2, 1, P, P] } }, ['features']);
    const dims = codebookFeatureNames(books).length;
    expect(out.features!.dims).toEqual([2, dims]);
    patches.forEach((p, i) => {
      const expected = directFeatures(p, books);
      const got = Array.from(out.features!.data.slice(i * dims, (i + 1) * dims));
      got.forEach((v, j) => expect([j, v]).toEqual([j, expect.closeTo(expected[j]!, 3)]));
    });
    // Not a degenerate code: some centroids fire, some do not.
    expect(Math.max(...out.features!.data)).toBeGreaterThan(0.1);
  });

  it('symmetric eigen-decomposition reconstructs the matrix with orthonormal vectors', () => {
    const n = 6;
    const rng = new Random(2);
    const b = Array.from({ length: n * n }, () => rng.normal(0, 1));
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j]! += b[i * n + k]! * b[j * n + k]!;
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rebuilt = 0;
        let dot = 0;
        for (let k = 0; k < n; k++) {
          rebuilt += vectors[i * n + k]! * values[k]! * vectors[j * n + k]!;
          dot += vectors[k * n + i]! * vectors[k * n + j]!;
        }
        expect(rebuilt).toBeCloseTo(a[i * n + j]!, 8);
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 8);
      }
    }
  });

  it('whitened training windows have (near) identity covariance', () => {
    const rng = new Random(4);
    const windows: number[] = [];
    for (let p = 0; p < 30; p++) sampleWindows(rng, spottyPatch(rng), P, SCALES[0]!, 200, windows);
    const book = learnCodebook(Float32Array.from(windows), SCALES[0]!, 4, 1, 2);
    const n = windows.length / DIM;
    const z = new Float64Array(n * DIM);
    for (let i = 0; i < n; i++) for (let a = 0; a < DIM; a++) for (let b = 0; b < DIM; b++) z[i * DIM + a]! += book.whiten[a * DIM + b]! * (windows[i * DIM + b]! - book.mean[b]!);
    // Covariance of the whitened windows: eigenvalues λ/(λ+ε) — about 1 along strong directions, never above 1.
    const cov = new Float64Array(DIM * DIM);
    for (let i = 0; i < n; i++) for (let a = 0; a < DIM; a++) for (let b = 0; b < DIM; b++) cov[a * DIM + b]! += (z[i * DIM + a]! * z[i * DIM + b]!) / (n - 1);
    const { values } = symmetricEigen(cov, DIM);
    expect(Math.max(...values)).toBeGreaterThan(0.9);
    expect(Math.max(...values)).toBeLessThan(1.0001);
  });

  it('k-means finds well-separated clusters and is the same for the same seed', () => {
    const rng = new Random(9);
    const centres = [0, 5, -5].map((c) => Array.from({ length: DIM }, (_, j) => (j % 3 === 0 ? c : -c / 2)));
    const n = 300;
    const points = new Float32Array(n * DIM);
    for (let i = 0; i < n; i++) for (let j = 0; j < DIM; j++) points[i * DIM + j] = centres[i % 3]![j]! + rng.normal(0, 0.3);
    const a = kMeans(points, n, 3, 42, 20);
    expect(kMeans(points, n, 3, 42, 20)).toEqual(a);
    for (const centre of centres) {
      const best = Math.min(...[0, 1, 2].map((k) => Math.hypot(...centre.map((v, j) => v - a[k * DIM + j]!))));
      expect(best).toBeLessThan(0.5);
    }
  });
});
