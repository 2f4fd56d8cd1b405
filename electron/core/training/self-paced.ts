/**
 * The three components of the self-paced MIML method (docs/method.md §components), as pure functions over
 * row-major [patches × labels] arrays, so each can be tested and switched off on its own:
 * confidence start values, the instance sampler, the pseudo-label dispatcher, the weighted loss
 * with its α gradient, and the label-aware coefficients λ.
 */
import type { Random } from '../random';
import { negLogOneMinusSigmoid, negLogSigmoid, sigmoid } from './logistic';

export type ConfidenceInit = 'iw-sample' | 'iw-ones' | 'iw-data';

/**
 * α start values. iw-sample: 1/|Y| on each positive label; iw-ones: α = y; iw-data: softmax of
 * the class frequencies (share of training images with the label) over the positive labels.
 */
export function initialConfidence(y: Uint8Array, K: number, init: ConfidenceInit, classFrequency?: ArrayLike<number>): Float64Array {
  const N = y.length / K;
  const alpha = new Float64Array(y.length);
  for (let n = 0; n < N; n++) {
    let count = 0;
    let expSum = 0;
    for (let k = 0; k < K; k++) {
      if (!y[n * K + k]) continue;
      count++;
      if (init === 'iw-data') expSum += Math.exp(classFrequency![k]!);
    }
    for (let k = 0; k < K; k++) {
      if (!y[n * K + k]) continue;
      alpha[n * K + k] = init === 'iw-ones' ? 1 : init === 'iw-sample' ? 1 / count : Math.exp(classFrequency![k]!) / expSum;
    }
  }
  return alpha;
}

/** s_n = max_k ReLU(α_nk)·y_nk: the sampler's draw weight of each patch. */
export function samplingWeights(alpha: Float64Array, y: Uint8Array, K: number): Float64Array {
  const N = y.length / K;
  const s = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    let m = 0;
    for (let k = 0; k < K; k++) if (y[n * K + k]) m = Math.max(m, alpha[n * K + k]!);
    s[n] = m;
  }
  return s;
}

/** `count` patch indices drawn with replacement ∝ weights; empty when every weight is 0. */
export function drawWithReplacement(weights: Float64Array, count: number, rng: Random): Int32Array {
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) cumulative[i] = total += Math.max(weights[i]!, 0);
  if (total <= 0) return new Int32Array(0);
  const out = new Int32Array(count);
  for (let j = 0; j < count; j++) {
    const u = rng.next() * total;
    let lo = 0;
    let hi = weights.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    out[j] = lo;
  }
  return out;
}

export function shuffled(count: number, rng: Random): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/**
 * ξ̄ for one patch: ξ = y·ReLU(α) divided by its maximum (all-zero row → zeros). With `soft` the
 * target is ξ̄ itself; otherwise t ~ Bernoulli(ξ̄), so the most confident positive is always 1.
 */
export function dispatch(alpha: Float64Array, y: Uint8Array, n: number, K: number, rng: Random, soft: boolean, out: Float64Array, outOffset: number): void {
  let max = 0;
  for (let k = 0; k < K; k++) if (y[n * K + k]) max = Math.max(max, alpha[n * K + k]!);
  for (let k = 0; k < K; k++) {
    const xi = max > 0 && y[n * K + k] ? Math.max(alpha[n * K + k]!, 0) / max : 0;
    // Draw for every label so the random stream does not depend on α (same seed, same sequence).
    const u = rng.next();
    out[outOffset + k] = soft ? xi : u < xi ? 1 : 0;
  }
}

/**
 * The self-paced loss over one batch: Σ w·t·(−log p) + (1−t)·(−log(1−p)) with w = ReLU(α) when
 * `weighted`, else 1. For t ∈ {0,1} this is docs/method.md §loss's bce·ReLU(α) on dispatched labels and plain
 * bce elsewhere; for soft t it is the expectation of that loss under t ~ Bernoulli(ξ̄).
 * ∂L/∂z = w·t·(p−1) + (1−t)·p and ∂L/∂α = t·(−log p)·[α>0] (≥ 0: α can only fall).
 * `leftOut` (one entry per label, the rows being K labels wide): a label marked 1 adds nothing.
 */
export function selfPacedLoss(
  logits: Float64Array,
  targets: Float64Array,
  alphaRows: Float64Array,
  weighted: boolean,
  gradLogits: Float64Array,
  gradAlpha: Float64Array | null,
  leftOut?: Uint8Array,
): number {
  let loss = 0;
  for (let i = 0; i < logits.length; i++) {
    if (leftOut?.[i % leftOut.length]) {
      // A label left out of the loss (rows of K labels; leftOut has K entries).
      gradLogits[i] = 0;
      if (gradAlpha) gradAlpha[i] = 0;
      continue;
    }
    const z = logits[i]!;
    const t = targets[i]!;
    const a = alphaRows[i]!;
    const w = weighted ? Math.max(a, 0) : 1;
    const pos = negLogSigmoid(z);
    loss += w * t * pos + (1 - t) * negLogOneMinusSigmoid(z);
    const p = sigmoid(z);
    gradLogits[i] = w * t * (p - 1) + (1 - t) * p;
    if (gradAlpha) gradAlpha[i] = weighted && a > 0 ? t * pos : 0;
  }
  return loss;
}

/** A patch's label set as a bit mask (K ≤ 30). */
export function labelMask(values: ArrayLike<number>, offset: number, K: number): number {
  let mask = 0;
  for (let k = 0; k < K; k++) if (values[offset + k]! > 0) mask |= 1 << k;
  return mask;
}

function popcount(mask: number): number {
  let c = 0;
  for (let m = mask; m; m &= m - 1) c++;
  return c;
}

/**
 * λ per patch from its group (identical label set): λ_q = log(n_q)/log(C), n_q = labels in the
 * set, C fixed or (null) the largest n_q present. Single-label and empty groups get 0.
 */
export function groupCoefficients(masks: Int32Array, fixedC: number | null): { lambda: Float64Array; C: number; groups: number } {
  const counts = new Map<number, number>();
  let largest = 0;
  for (const m of masks) {
    const n = popcount(m);
    counts.set(m, n);
    largest = Math.max(largest, n);
  }
  const C = fixedC ?? largest;
  const lambda = new Float64Array(masks.length);
  for (let i = 0; i < masks.length; i++) {
    const n = counts.get(masks[i]!)!;
    lambda[i] = n > 1 && C > 1 ? Math.log(n) / Math.log(C) : 0;
  }
  return { lambda, C, groups: counts.size };
}
