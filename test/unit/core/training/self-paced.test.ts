import { describe, expect, it } from 'vitest';
import { Random } from '../../../../electron/core/random';
import { Adam } from '../../../../electron/core/training/adam';
import { LinearHead } from '../../../../electron/core/training/scorer';
import {
  dispatch,
  drawWithReplacement,
  groupCoefficients,
  initialConfidence,
  labelMask,
  samplingWeights,
  selfPacedLoss,
} from '../../../../electron/core/training/self-paced';
import { milBagLoss } from '../../../../electron/core/training/trainer';

describe('confidence start values', () => {
  const y = Uint8Array.from([1, 1, 0, 0, 0, 1, 0, 0, 0]);
  it('iw-sample puts 1/|Y| on each positive label', () => {
    expect(Array.from(initialConfidence(y, 3, 'iw-sample'))).toEqual([0.5, 0.5, 0, 0, 0, 1, 0, 0, 0]);
  });
  it('iw-ones copies the labels', () => {
    expect(Array.from(initialConfidence(y, 3, 'iw-ones'))).toEqual([1, 1, 0, 0, 0, 1, 0, 0, 0]);
  });
  it('iw-data is a softmax of class frequencies over the positives', () => {
    const a = initialConfidence(y, 3, 'iw-data', [0.5, 0.1, 0.4]);
    expect(a[0]).toBeCloseTo(Math.exp(0.5) / (Math.exp(0.5) + Math.exp(0.1)), 12);
    expect(a[0]! + a[1]!).toBeCloseTo(1, 12);
    expect(a[5]).toBe(1);
    expect(a[6]).toBe(0);
  });
});

describe('sampler and dispatcher', () => {
  it('s_n is the largest positive ReLU(α); negatives and negative α do not count', () => {
    const y = Uint8Array.from([1, 1, 0, 0, 1, 1]);
    const alpha = Float64Array.from([0.2, 0.7, 5, -1, -0.5, 0]);
    expect(Array.from(samplingWeights(alpha, y, 3))).toEqual([0.7, 0]);
  });
  it('never draws a zero-weight patch and draws ∝ weight', () => {
    const draws = drawWithReplacement(Float64Array.from([1, 0, 3]), 20000, new Random(4));
    const counts = [0, 0, 0];
    for (const d of draws) counts[d]!++;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeGreaterThan(2.7);
    expect(counts[2]! / counts[0]!).toBeLessThan(3.3);
    expect(drawWithReplacement(Float64Array.from([0, 0]), 5, new Random(1)).length).toBe(0);
  });
  it('dispatches the most confident positive always, others at their ratio, negatives never', () => {
    const y = Uint8Array.from([1, 1, 0]);
    const alpha = Float64Array.from([0.8, 0.2, 1]);
    const out = new Float64Array(3);
    const rng = new Random(7);
    let second = 0;
    for (let i = 0; i < 10000; i++) {
      dispatch(alpha, y, 0, 3, rng, false, out, 0);
      expect(out[0]).toBe(1);
      expect(out[2]).toBe(0);
      second += out[1]!;
    }
    expect(second / 10000).toBeGreaterThan(0.23);
    expect(second / 10000).toBeLessThan(0.27);
    dispatch(alpha, y, 0, 3, rng, true, out, 0);
    expect(Array.from(out)).toEqual([1, 0.25, 0]);
    dispatch(Float64Array.from([0, -1, 0]), y, 0, 3, rng, true, out, 0);
    expect(Array.from(out)).toEqual([0, 0, 0]);
  });
});

describe('label-aware coefficients', () => {
  it('λ = log n / log C; single-label and empty groups 0; C from data or fixed', () => {
    const masks = Int32Array.from([labelMask([1, 0, 0], 0, 3), labelMask([1, 1, 0], 0, 3), labelMask([1, 1, 1], 0, 3), 0]);
    const fromData = groupCoefficients(masks, null);
    expect(fromData.C).toBe(3);
    expect(Array.from(fromData.lambda)).toEqual([0, Math.log(2) / Math.log(3), 1, 0]);
    expect(fromData.groups).toBe(4);
    const fixed = groupCoefficients(masks, 6);
    expect(fixed.lambda[1]).toBeCloseTo(Math.log(2) / Math.log(6), 12);
    expect(Array.from(groupCoefficients(Int32Array.from([1, 2]), null).lambda)).toEqual([0, 0]);
  });
});

describe('Adam', () => {
  it('first step moves each entry by lr·sign(grad), scaled per entry', () => {
    const p = Float64Array.from([1, 1, 1]);
    new Adam(3, { lr: 0.1 }).step(p, Float64Array.from([2, -0.001, 5]), Float64Array.from([1, 1, 0]));
    expect(p[0]).toBeCloseTo(0.9, 6);
    expect(p[1]).toBeCloseTo(1.1, 4);
    expect(p[2]).toBe(1);
  });
});

/** Central-difference gradient check. */
function numeric(f: () => number, x: Float64Array, i: number, h = 1e-6): number {
  const keep = x[i]!;
  x[i] = keep + h;
  const up = f();
  x[i] = keep - h;
  const down = f();
  x[i] = keep;
  return (up - down) / (2 * h);
}

describe('gradient checks of the head and α updates', () => {
  const D = 5;
  const K = 3;
  const count = 4;
  const rng = new Random(11);
  const inputs = Float32Array.from({ length: count * D }, () => rng.normal(0, 1));
  const alpha = Float64Array.from({ length: count * K }, () => rng.uniform(-0.3, 1));

  for (const soft of [false, true]) {
    it(`self-paced loss, ${soft ? 'soft' : 'Bernoulli'} targets: backward matches finite differences for W, b and α`, () => {
      const targets = Float64Array.from({ length: count * K }, () => (soft ? rng.next() : rng.next() < 0.5 ? 1 : 0));
      const head = new LinearHead(D, K, 1e-3, 3);
      const loss = (): number => selfPacedLoss(head.forward(inputs, count), targets, alpha, true, new Float64Array(count * K), null);
      const gradLogits = new Float64Array(count * K);
      const gradAlpha = new Float64Array(count * K);
      selfPacedLoss(head.forward(inputs, count), targets, alpha, true, gradLogits, gradAlpha);
      head.backward(gradLogits);
      for (let i = 0; i < head.weights.length; i++) expect(head.gradWeights[i]).toBeCloseTo(numeric(loss, head.weights, i), 6);
      for (let k = 0; k < K; k++) expect(head.gradBias[k]).toBeCloseTo(numeric(loss, head.bias, k), 6);
      for (let i = 0; i < alpha.length; i++) {
        // ReLU kink: the check only holds away from α = 0.
        if (Math.abs(alpha[i]!) < 1e-3) continue;
        expect(gradAlpha[i]).toBeCloseTo(numeric(loss, alpha, i), 6);
        expect(gradAlpha[i]).toBeGreaterThanOrEqual(0);
      }
    });
  }

  for (const pooling of ['max', 'mean', 'mean-logit'] as const) {
    it(`${pooling}-pooling MIL loss: backward matches finite differences`, () => {
      const head = new LinearHead(D, K, 1e-3, 5);
      const labels = [1, 0, 1];
      const loss = (): number => milBagLoss(head.forward(inputs, count), 0, count, K, labels, 0, pooling, new Float64Array(count * K));
      const grad = new Float64Array(count * K);
      milBagLoss(head.forward(inputs, count), 0, count, K, labels, 0, pooling, grad);
      head.backward(grad);
      for (let i = 0; i < head.weights.length; i++) expect(head.gradWeights[i]).toBeCloseTo(numeric(loss, head.weights, i), 6);
      for (let k = 0; k < K; k++) expect(head.gradBias[k]).toBeCloseTo(numeric(loss, head.bias, k), 6);
    });
  }

  it('folding standardisation into the head gives the same logits on raw inputs', () => {
    const head = new LinearHead(D, K, 1e-3, 9);
    const mean = Float64Array.from({ length: D }, () => rng.normal(0, 1));
    const std = Float64Array.from({ length: D }, () => rng.uniform(0.5, 2));
    const standard = inputs.map((v, i) => (v - mean[i % D]!) / std[i % D]!);
    const expected = head.forward(standard, count);
    const { weights, bias } = head.folded(mean, std);
    for (let n = 0; n < count; n++) {
      for (let k = 0; k < K; k++) {
        let z = bias[k]!;
        for (let d = 0; d < D; d++) z += weights[k * D + d]! * inputs[n * D + d]!;
        expect(z).toBeCloseTo(expected[n * K + k]!, 4);
      }
    }
  });
});
