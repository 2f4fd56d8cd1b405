/**
 * The mean-logit MIL head fitted to convergence. With a linear head the image's logit is the head
 * applied to the mean of its patch embeddings, so training the head on image labels is an
 * L2-regularised logistic regression per label on the images' mean embeddings: a convex problem
 * that L-BFGS solves exactly, where the minibatch Adam loop stops early on a noisy validation
 * score. The regularisation strength C (loss summed over images + |w|²/2C, bias unregularised, as in
 * scikit-learn) is chosen on the validation images by the loop's own score. Deterministic.
 */
import { DomainError } from '../../errors';
import { bagCount, type BagDataset } from '../dataset';
import type { EvaluationReport } from '../metrics/metrics';
import type { LinearHead } from '../scorer';

/** Regularisation strengths tried, weakest penalty last; each fit starts from the previous one. */
export const LBFGS_C_GRID = [0.3, 1, 3, 10, 30];
const HISTORY = 10;
const MAX_ITERATIONS = 500;
const GRADIENT_TOLERANCE = 1e-5;

export interface LbfgsFit {
  /** The C whose head scored best on validation (null: the starting head was kept). */
  c: number | null;
  /** Per C: validation score, iterations used (summed over labels), final objective per image. */
  tried: { c: number; validationScore: number; iterations: number; objective: number }[];
  validation: EvaluationReport | null;
}

/** Mean embedding of every bag, [bags × D] (float64). */
export function bagMeans(data: BagDataset): Float64Array {
  const D = data.inputLength;
  const B = bagCount(data);
  const out = new Float64Array(B * D);
  for (let b = 0; b < B; b++) {
    const lo = data.bagOffsets[b]!;
    const hi = data.bagOffsets[b + 1]!;
    for (let n = lo; n < hi; n++) for (let j = 0; j < D; j++) out[b * D + j]! += data.inputs[n * D + j]! / (hi - lo);
  }
  return out;
}

/**
 * Fits `head` (standardised inputs) on `train` for each C of the grid and keeps the one that
 * `score` (validation, higher is better) likes best; with `keepStart`, the starting head competes too.
 */
export function fitMeanLogitLbfgs(head: LinearHead, train: BagDataset, score: () => { value: number; report: EvaluationReport } | null, options: { grid?: number[]; keepStart?: boolean; isCancelled?: () => boolean; onFit?: (step: LbfgsFit['tried'][number]) => void } = {}): LbfgsFit {
  const D = head.inputLength;
  const K = head.labelCount;
  const B = bagCount(train);
  const x = bagMeans(train);
  const grid = options.grid ?? LBFGS_C_GRID;
  let best: { value: number; weights: Float64Array; bias: Float64Array; c: number | null; report: EvaluationReport | null } | null = null;
  if (options.keepStart) {
    const s = score();
    if (s) best = { value: s.value, weights: Float64Array.from(head.weights), bias: Float64Array.from(head.bias), c: null, report: s.report };
  }
  const tried: LbfgsFit['tried'] = [];
  for (const c of grid) {
    let iterations = 0;
    let objective = 0;
    for (let k = 0; k < K; k++) {
      if (options.isCancelled?.()) throw new DomainError('conflict', 'training cancelled');
      // Parameters: D weights then the bias.
      const theta = new Float64Array(D + 1);
      for (let j = 0; j < D; j++) theta[j] = head.weights[k * D + j]!;
      theta[D] = head.bias[k]!;
      const y = new Float64Array(B);
      for (let b = 0; b < B; b++) y[b] = train.bagLabels[b * K + k]!;
      const result = minimiseLbfgs((t, g) => logisticObjective(t, g, x, y, B, D, c), theta);
      iterations += result.iterations;
      objective += result.value / Math.max(B, 1);
      for (let j = 0; j < D; j++) head.weights[k * D + j] = theta[j]!;
      head.bias[k] = theta[D]!;
    }
    const s = score();
    tried.push({ c, validationScore: s?.value ?? NaN, iterations, objective });
    options.onFit?.(tried.at(-1)!);
    if (!s || !best || s.value > best.value) best = { value: s?.value ?? -Infinity, weights: Float64Array.from(head.weights), bias: Float64Array.from(head.bias), c, report: s?.report ?? null };
  }
  head.weights.set(best!.weights);
  head.bias.set(best!.bias);
  return { c: best!.c, tried, validation: best!.report };
}

/** Σ BCE(x·w + b, y) + |w|²/2C and its gradient (written into `grad`). */
export function logisticObjective(theta: Float64Array, grad: Float64Array, x: Float64Array, y: Float64Array, n: number, D: number, c: number): number {
  grad.fill(0);
  let value = 0;
  for (let i = 0; i < n; i++) {
    let z = theta[D]!;
    const row = i * D;
    for (let j = 0; j < D; j++) z += theta[j]! * x[row + j]!;
    value += Math.max(z, 0) - y[i]! * z + Math.log1p(Math.exp(-Math.abs(z)));
    const err = 1 / (1 + Math.exp(-z)) - y[i]!;
    for (let j = 0; j < D; j++) grad[j]! += err * x[row + j]!;
    grad[D]! += err;
  }
  for (let j = 0; j < D; j++) {
    value += (theta[j]! * theta[j]!) / (2 * c);
    grad[j]! += theta[j]! / c;
  }
  return value;
}

/** Limited-memory BFGS (two-loop recursion) with a backtracking Armijo line search; `theta` is updated in place. */
export function minimiseLbfgs(f: (theta: Float64Array, grad: Float64Array) => number, theta: Float64Array, maxIterations = MAX_ITERATIONS): { value: number; iterations: number } {
  const n = theta.length;
  const grad = new Float64Array(n);
  let value = f(theta, grad);
  const s: Float64Array[] = [];
  const yv: Float64Array[] = [];
  const rho: number[] = [];
  const direction = new Float64Array(n);
  const alpha = new Array<number>(HISTORY);
  const next = new Float64Array(n);
  const nextGrad = new Float64Array(n);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    let gmax = 0;
    for (let i = 0; i < n; i++) gmax = Math.max(gmax, Math.abs(grad[i]!));
    if (gmax < GRADIENT_TOLERANCE * Math.max(1, Math.abs(value))) break;
    // Two-loop recursion: direction = −H·grad.
    for (let i = 0; i < n; i++) direction[i] = -grad[i]!;
    for (let m = s.length - 1; m >= 0; m--) {
      alpha[m] = rho[m]! * dot(s[m]!, direction);
      axpy(-alpha[m]!, yv[m]!, direction);
    }
    const scale = s.length ? dot(s.at(-1)!, yv.at(-1)!) / dot(yv.at(-1)!, yv.at(-1)!) : 1 / Math.max(1, Math.sqrt(dot(grad, grad)));
    for (let i = 0; i < n; i++) direction[i]! *= scale;
    for (let m = 0; m < s.length; m++) {
      const beta = rho[m]! * dot(yv[m]!, direction);
      axpy(alpha[m]! - beta, s[m]!, direction);
    }
    let slope = dot(grad, direction);
    if (slope >= 0) {
      // Not a descent direction (curvature information went stale): restart from steepest descent.
      s.length = yv.length = rho.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -grad[i]!;
      slope = dot(grad, direction);
    }
    let step = 1;
    let nextValue = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) next[i] = theta[i]! + step * direction[i]!;
      nextValue = f(next, nextGrad);
      if (nextValue <= value + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(nextValue < value)) break;
    const sk = new Float64Array(n);
    const yk = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sk[i] = next[i]! - theta[i]!;
      yk[i] = nextGrad[i]! - grad[i]!;
    }
    const sy = dot(sk, yk);
    if (sy > 1e-12) {
      if (s.length === HISTORY) {
        s.shift();
        yv.shift();
        rho.shift();
      }
      s.push(sk);
      yv.push(yk);
      rho.push(1 / sy);
    }
    const improvement = value - nextValue;
    theta.set(next);
    grad.set(nextGrad);
    value = nextValue;
    if (improvement < 1e-10 * Math.max(1, Math.abs(value))) break;
  }
  return { value, iterations };
}

function dot(a: Float64Array, b: Float64Array): number {
  let v = 0;
  for (let i = 0; i < a.length; i++) v += a[i]! * b[i]!;
  return v;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i]! += a * x[i]!;
}
