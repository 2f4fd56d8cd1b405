/**
 * Codebook features of the default extractor (3.0.0): a single-layer unsupervised network in the
 * manner of Coates, Lee & Ng (AISTATS 2011). The filter bank and the structure features describe a
 * patch by hand-chosen statistics; what still confused the 0.3.0 model (a few nuclear dots vs
 * nucleoli, fine speckles vs centromeres, a weak rim) is the *shape* of small structures. Here the
 * shapes are learned from the training fields, without labels:
 *
 *   1. every 7×7 window of the RMS-normalised patch, at three scales (0.5 µm/px with stride 2,
 *      1 and 2 µm/px: windows of 3.5, 7 and 14 µm — a dot, a nucleolus, a whole nucleus), is
 *      brightness- and contrast-normalised, (w − mean) / sqrt(var + ε), so the titer does not
 *      matter, and ZCA-whitened;
 *   2. k-means on windows sampled from the training patches gives K centroids per scale;
 *   3. a window's code is the "triangle" activation max(0, mean_k d_k − d_k), d_k its distance
 *      to centroid k, and the patch feature is the mean code (and its RMS) over the patch.
 *
 * In the ONNX graph a window's normalisation is two AveragePools, the whitening a 7×7 Conv with
 * the whitening rows as kernels, and the distances a 1×1 Conv with the centroids. Learning
 * (sampling, ZCA, seeded k-means++) is plain TypeScript below and deterministic for a seed.
 */
import type { GraphBuilder } from './onnx-graph';
import { Random } from '../random';
import { resamplePatch } from '../slides/patches';

export const WINDOW_PX = 7;
const DIM = WINDOW_PX * WINDOW_PX;

/** One scale: average-pool the patch by `downsample`, then windows every `stride` px. */
export interface CodebookScale {
  downsample: number;
  stride: number;
}

export const CODEBOOK_SCALES: CodebookScale[] = [
  { downsample: 1, stride: 2 },
  { downsample: 2, stride: 1 },
  { downsample: 4, stride: 1 },
];

/** Variance floor of a window's contrast normalisation (patch in RMS units): flat windows stay flat. */
export const WINDOW_EPSILON = 0.02;
/** Eigenvalue floor of the ZCA whitening: keeps noise directions from being blown up. */
const WHITEN_EPSILON = 0.1;

export interface Codebook {
  scale: CodebookScale;
  /** Mean of the normalised windows (DIM). */
  mean: Float32Array;
  /** Symmetric ZCA matrix (DIM × DIM, row-major). */
  whiten: Float32Array;
  /** K × DIM centroids in whitened space. */
  centroids: Float32Array;
  /**
   * W·μ exactly as a built graph stores it, when the codebook was read back from one
   * (./structure-params.ts): rebuilding then reproduces the stored values bit for bit.
   */
  whitenedMean?: Float32Array;
}

export function codebookFeatureNames(books: Codebook[]): string[] {
  return books.flatMap((b, s) => {
    const k = b.centroids.length / DIM;
    return ['mean', 'rms'].flatMap((stat) => Array.from({ length: k }, (_, i) => `code${s}_${stat}_${i}`));
  });
}

// ---------------------------------------------------------------- ONNX graph

/** Names of a scale's constants in the graph: `cb<scale>_<name>`. */
export function codebookInitializerName(scaleIndex: number, name: string): string {
  return `cb${scaleIndex}_${name}`;
}

/**
 * The learned (data-dependent) constants of one scale as the graph stores them, so that a learned
 * codebook can be built into a new graph or written over an existing graph's values (lab adaptation).
 * Z = W((w − m·1)/sd − μ) = (W w − m·W1)/sd − Wμ, with W w a Conv whose kernels are W's rows;
 * |z − c_k|² = |z|² − 2 c_k·z + |c_k|².
 */
export function codebookInitializers(book: Codebook): Record<'whiten' | 'rowsum' | 'wmu' | 'centroids' | 'norms', { dims: number[]; data: Float32Array }> {
  const K = book.centroids.length / DIM;
  const rowSums = new Float32Array(DIM);
  const wMu = new Float32Array(DIM);
  for (let i = 0; i < DIM; i++) {
    for (let j = 0; j < DIM; j++) {
      rowSums[i]! += book.whiten[i * DIM + j]!;
      wMu[i]! += book.whiten[i * DIM + j]! * book.mean[j]!;
    }
  }
  if (book.whitenedMean) wMu.set(book.whitenedMean);
  const norms = new Float32Array(K);
  for (let k = 0; k < K; k++) for (let j = 0; j < DIM; j++) norms[k]! += book.centroids[k * DIM + j]! ** 2;
  return {
    whiten: { dims: [DIM, 1, WINDOW_PX, WINDOW_PX], data: book.whiten },
    rowsum: { dims: [1, DIM, 1, 1], data: rowSums },
    wmu: { dims: [1, DIM, 1, 1], data: wMu },
    centroids: { dims: [K, DIM, 1, 1], data: book.centroids.map((v) => -2 * v) },
    norms: { dims: [K], data: norms },
  };
}

/** Appends the codebook features; `x` is the RMS-normalised patch [N,1,P,P]. Returns [N, dims]. */
export function addCodebookFeatures(g: GraphBuilder, x: string, books: Codebook[]): { features: string; dims: number } {
  const parts: string[] = [];
  books.forEach((book, s) => {
    const { downsample, stride } = book.scale;
    const K = book.centroids.length / DIM;
    const c = (name: string, dims: number[], data: Float32Array | number[]) => g.initializer(codebookInitializerName(s, name), dims, data);
    const learned = codebookInitializers(book);
    const l = (name: keyof typeof learned) => c(name, learned[name].dims, learned[name].data);
    const y = downsample === 1 ? x : g.node('AveragePool', [x], { kernel_shape: [downsample, downsample], strides: [downsample, downsample] });
    const pool = (t: string) => g.node('AveragePool', [t], { kernel_shape: [WINDOW_PX, WINDOW_PX], strides: [stride, stride] });
    const m = pool(y);
    const variance = g.node('Relu', [g.node('Sub', [pool(g.node('Mul', [y, y])), g.node('Mul', [m, m])])]);
    const sd = g.node('Sqrt', [g.node('Add', [variance, c('eps', [1], [WINDOW_EPSILON])])]);
    const ww = g.node('Conv', [y, l('whiten')], { kernel_shape: [WINDOW_PX, WINDOW_PX], strides: [stride, stride] });
    const centred = g.node('Sub', [ww, g.node('Mul', [m, l('rowsum')])]);
    const z = g.node('Sub', [g.node('Div', [centred, sd]), l('wmu')]);
    // Channel sums and means as 1×1 Convs.
    const zz = g.node('Conv', [g.node('Mul', [z, z]), c('ones', [1, DIM, 1, 1], new Float32Array(DIM).fill(1))], { kernel_shape: [1, 1] });
    const cross = g.node('Conv', [z, l('centroids'), l('norms')], { kernel_shape: [1, 1] });
    const d = g.node('Sqrt', [g.node('Relu', [g.node('Add', [cross, zz])])]);
    const meanD = g.node('Conv', [d, c('avg', [1, K, 1, 1], new Float32Array(K).fill(1 / K))], { kernel_shape: [1, 1] });
    const code = g.node('Relu', [g.node('Sub', [meanD, d])]);
    parts.push(g.node('GlobalAveragePool', [code]));
    parts.push(g.node('Sqrt', [g.node('GlobalAveragePool', [g.node('Mul', [code, code])])]));
  });
  const features = g.node('Flatten', [g.node('Concat', parts, { axis: 1 })], { axis: 1 });
  return { features, dims: codebookFeatureNames(books).length };
}

// ---------------------------------------------------------------- learning

/** The patch divided by its RMS (floored), as the graph does before every feature. */
export function rmsNormalise(patch: Float32Array, floor: number): Float32Array {
  let sq = 0;
  for (const v of patch) sq += v * v;
  const rms = Math.max(Math.sqrt(sq / patch.length + 1e-12), floor);
  return patch.map((v) => v / rms);
}

/** `count` random contrast-normalised windows of one RMS-normalised patch at one scale, appended to `out`. */
export function sampleWindows(rng: Random, patch: Float32Array, side: number, scale: CodebookScale, count: number, out: number[]): void {
  // Area-average pooling, as the graph's AveragePool (the reader's own resampler, bit for bit).
  const s = side / scale.downsample;
  const image = scale.downsample === 1 ? patch : new Float32Array(s * s);
  if (scale.downsample !== 1) resamplePatch(patch, side, { x: 0, y: 0, width: side, height: side }, s, image);
  const positions = Math.floor((s - WINDOW_PX) / scale.stride) + 1;
  for (let n = 0; n < count; n++) {
    const y0 = rng.int(0, positions - 1) * scale.stride;
    const x0 = rng.int(0, positions - 1) * scale.stride;
    let sum = 0;
    let sq = 0;
    for (let dy = 0; dy < WINDOW_PX; dy++) {
      for (let dx = 0; dx < WINDOW_PX; dx++) {
        const v = image[(y0 + dy) * s + x0 + dx]!;
        sum += v;
        sq += v * v;
      }
    }
    const m = sum / DIM;
    const sd = Math.sqrt(Math.max(0, sq / DIM - m * m) + WINDOW_EPSILON);
    for (let dy = 0; dy < WINDOW_PX; dy++) for (let dx = 0; dx < WINDOW_PX; dx++) out.push((image[(y0 + dy) * s + x0 + dx]! - m) / sd);
  }
}

/** Learns one scale's codebook from normalised windows (rows of DIM values). */
export function learnCodebook(windows: Float32Array, scale: CodebookScale, k: number, seed: number, iterations = 30): Codebook {
  const n = windows.length / DIM;
  const mean = new Float32Array(DIM);
  for (let i = 0; i < n; i++) for (let j = 0; j < DIM; j++) mean[j]! += windows[i * DIM + j]! / n;
  const cov = new Float64Array(DIM * DIM);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < DIM; a++) {
      const va = windows[i * DIM + a]! - mean[a]!;
      for (let b = a; b < DIM; b++) cov[a * DIM + b]! += va * (windows[i * DIM + b]! - mean[b]!);
    }
  }
  for (let a = 0; a < DIM; a++) {
    for (let b = a; b < DIM; b++) {
      cov[a * DIM + b]! /= n - 1;
      cov[b * DIM + a] = cov[a * DIM + b]!;
    }
  }
  const { values, vectors } = symmetricEigen(cov, DIM);
  const whiten = new Float32Array(DIM * DIM);
  for (let a = 0; a < DIM; a++) {
    for (let b = 0; b < DIM; b++) {
      let v = 0;
      for (let e = 0; e < DIM; e++) v += (vectors[a * DIM + e]! * vectors[b * DIM + e]!) / Math.sqrt(Math.max(0, values[e]!) + WHITEN_EPSILON);
      whiten[a * DIM + b] = v;
    }
  }
  const z = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < DIM; a++) {
      let v = 0;
      for (let b = 0; b < DIM; b++) v += whiten[a * DIM + b]! * (windows[i * DIM + b]! - mean[b]!);
      z[i * DIM + a] = v;
    }
  }
  return { scale, mean, whiten, centroids: kMeans(z, n, k, seed, iterations) };
}

/** Seeded k-means++ initialisation, then Lloyd iterations; an empty cluster takes the farthest point. */
export function kMeans(points: Float32Array, n: number, k: number, seed: number, iterations: number): Float32Array {
  const rng = new Random(seed);
  const centroids = new Float32Array(k * DIM);
  const nearest = new Float64Array(n).fill(Infinity);
  let pick = rng.int(0, n - 1);
  for (let c = 0; c < k; c++) {
    centroids.set(points.subarray(pick * DIM, pick * DIM + DIM), c * DIM);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = distance2(points, i, centroids, c);
      if (d < nearest[i]!) nearest[i] = d;
      total += nearest[i]!;
    }
    let r = rng.next() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= nearest[i]!;
      if (r <= 0) {
        pick = i;
        break;
      }
    }
  }
  const assignment = new Int32Array(n);
  const best = new Float64Array(n);
  for (let it = 0; it < iterations; it++) {
    let moved = 0;
    for (let i = 0; i < n; i++) {
      let arg = 0;
      let min = Infinity;
      for (let c = 0; c < k; c++) {
        const d = distance2(points, i, centroids, c);
        if (d < min) {
          min = d;
          arg = c;
        }
      }
      if (assignment[i] !== arg) moved++;
      assignment[i] = arg;
      best[i] = min;
    }
    const sums = new Float64Array(k * DIM);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = assignment[i]!;
      counts[c]!++;
      for (let j = 0; j < DIM; j++) sums[c * DIM + j]! += points[i * DIM + j]!;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        let far = 0;
        for (let i = 1; i < n; i++) if (best[i]! > best[far]!) far = i;
        best[far] = 0;
        centroids.set(points.subarray(far * DIM, far * DIM + DIM), c * DIM);
        continue;
      }
      for (let j = 0; j < DIM; j++) centroids[c * DIM + j] = sums[c * DIM + j]! / counts[c]!;
    }
    if (it > 0 && moved === 0) break;
  }
  return centroids;
}

function distance2(points: Float32Array, i: number, centroids: Float32Array, c: number): number {
  let d = 0;
  for (let j = 0; j < DIM; j++) {
    const v = points[i * DIM + j]! - centroids[c * DIM + j]!;
    d += v * v;
  }
  return d;
}

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations; vectors are columns. */
export function symmetricEigen(matrix: Float64Array, size: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(size * size);
  for (let i = 0; i < size; i++) v[i * size + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < size; p++) for (let q = p + 1; q < size; q++) off += a[p * size + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < size; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = a[p * size + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * size + q]! - a[p * size + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cos = 1 / Math.sqrt(t * t + 1);
        const sin = t * cos;
        for (let k = 0; k < size; k++) {
          const akp = a[k * size + p]!;
          const akq = a[k * size + q]!;
          a[k * size + p] = cos * akp - sin * akq;
          a[k * size + q] = sin * akp + cos * akq;
        }
        for (let k = 0; k < size; k++) {
          const apk = a[p * size + k]!;
          const aqk = a[q * size + k]!;
          a[p * size + k] = cos * apk - sin * aqk;
          a[q * size + k] = sin * apk + cos * aqk;
        }
        for (let k = 0; k < size; k++) {
          const vkp = v[k * size + p]!;
          const vkq = v[k * size + q]!;
          v[k * size + p] = cos * vkp - sin * vkq;
          v[k * size + q] = sin * vkp + cos * vkq;
        }
      }
    }
  }
  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) values[i] = a[i * size + i]!;
  return { values, vectors: v };
}
