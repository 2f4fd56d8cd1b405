/**
 * Every emitted gradient against central finite differences of an independent float64
 * TypeScript forward pass (ONNX Runtime on CPU runs the float32 graphs).
 */
import { describe, expect, it } from 'vitest';
import { createGraphSession, type GraphTensor } from '../../../../electron/core/inference/engine';
import { adamReference } from '../../../../electron/core/training/adam';
import { buildContrastiveLossCheckGraph, buildLayerCheckGraph, buildLossCheckGraph, STEP_IO } from '../../../../electron/core/training/network/graphs';
import type { LayerSpec } from '../../../../electron/core/training/network/layers';
import { Random } from '../../../../electron/core/random';
import { dot, finiteDifferences, layerForward, weightedBce, type T64 } from '../../../support/training/network-reference';

function randomArray(rng: Random, n: number, scale = 1, awayFromZero = 0): Float64Array {
  return Float64Array.from({ length: n }, () => {
    let v = rng.normal(0, scale);
    while (Math.abs(v) < awayFromZero) v = rng.normal(0, scale);
    return v;
  });
}

const f32 = (a: Float64Array): Float32Array => Float32Array.from(a);
const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Fails with the worst entry named; also fails when the reference is trivially zero. */
function expectGradClose(what: string, actual: ArrayLike<number>, expected: Float64Array, atol = 2e-4, rtol = 2e-3): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i]! - expected[i]!) - (atol + rtol * Math.abs(expected[i]!));
    if (excess > worst) [worst, worstAt] = [excess, i];
  }
  expect(worstAt, `${what}: entry ${worstAt} is ${actual[worstAt]} but finite differences give ${expected[worstAt]}`).toBe(-1);
  expect(Math.max(...expected.map(Math.abs)), `${what}: reference gradient is all zero`).toBeGreaterThan(1e-3);
}

interface Case {
  name: string;
  spec: LayerSpec;
  inShape: number[];
  batch: number;
  /** Values this close to 0 would sit on ReLU's kink within the finite-difference step. */
  awayFromZero?: number;
}

const CASES: Case[] = [
  { name: 'conv2d 3×3 stride 1 pad 1', spec: { kind: 'conv2d', outChannels: 3, kernel: 3, stride: 1, padding: 1 }, inShape: [2, 5, 5], batch: 2 },
  { name: 'conv2d 3×3 stride 2 pad 1, odd and even sides', spec: { kind: 'conv2d', outChannels: 3, kernel: 3, stride: 2, padding: 1 }, inShape: [2, 6, 7], batch: 2 },
  { name: 'conv2d 2×2 stride 1 no pad, non-square', spec: { kind: 'conv2d', outChannels: 3, kernel: 2, stride: 1 }, inShape: [2, 4, 6], batch: 2 },
  { name: 'conv2d 2×2 stride 2 no pad, remainder dropped', spec: { kind: 'conv2d', outChannels: 2, kernel: 2, stride: 2 }, inShape: [1, 5, 5], batch: 3 },
  { name: 'conv2d 5×5 stride 2 pad 2', spec: { kind: 'conv2d', outChannels: 2, kernel: 5, stride: 2, padding: 2 }, inShape: [2, 8, 8], batch: 2 },
  { name: 'groupnorm 2 groups', spec: { kind: 'groupnorm', groups: 2 }, inShape: [4, 3, 3], batch: 2 },
  { name: 'groupnorm 1 group (layer norm)', spec: { kind: 'groupnorm', groups: 1 }, inShape: [3, 2, 4], batch: 2 },
  { name: 'groupnorm one channel per group (instance norm)', spec: { kind: 'groupnorm', groups: 3 }, inShape: [3, 3, 3], batch: 1 },
  { name: 'relu', spec: { kind: 'relu' }, inShape: [3, 4, 4], batch: 2, awayFromZero: 1e-3 },
  { name: 'sigmoid', spec: { kind: 'sigmoid' }, inShape: [5], batch: 3 },
  { name: 'global average pooling', spec: { kind: 'globalavgpool' }, inShape: [3, 4, 5], batch: 2 },
  { name: 'linear', spec: { kind: 'linear', outFeatures: 4 }, inShape: [6], batch: 3 },
];

describe('layer gradients vs float64 finite differences', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const rng = new Random(c.name.length * 7919);
      const graph = buildLayerCheckGraph(c.spec, c.inShape, c.batch);
      const xShape = [c.batch, ...c.inShape];
      const x: T64 = { data: randomArray(rng, size(xShape), 1, c.awayFromZero ?? 0), shape: xShape };
      const params = graph.params.map((p) => randomArray(rng, size(p.shape), 0.5));
      const dyShape = [c.batch, ...graph.outShape];
      const dy = randomArray(rng, size(dyShape));

      const session = await createGraphSession(graph.bytes, { providers: ['cpu'], label: c.name });
      const feeds: Record<string, GraphTensor> = { x: { data: f32(x.data), dims: xShape }, dy: { data: f32(dy), dims: dyShape } };
      graph.params.forEach((p, i) => (feeds[STEP_IO.param(p.name)] = { data: f32(params[i]!), dims: p.shape }));
      const out = await session.run(feeds);
      await session.close();

      // The emitted forward matches the reference forward, so the finite differences differentiate the same function.
      const y = layerForward(c.spec, x, params);
      expectGradClose(`${c.name} forward`, out.y!.data, y.data, 1e-5, 1e-5);
      const objective = () => dot(layerForward(c.spec, x, params).data, dy);
      expectGradClose(`${c.name} dx`, out.dx!.data, finiteDifferences(x.data, objective));
      graph.params.forEach((p, i) => expectGradClose(`${c.name} d${p.name}`, out[STEP_IO.grad(p.name)]!.data, finiteDifferences(params[i]!, objective)));
    });
  }
});

describe('weighted BCE', () => {
  it('matches the naive formula, and its logit gradient matches finite differences', async () => {
    const rng = new Random(11);
    const [n, k] = [4, 3];
    // Large logits included: the graph's stable form must not overflow where the naive one still works in float64.
    const z = Float64Array.from({ length: n * k }, (_, i) => (i === 0 ? 12 : i === 1 ? -15 : rng.normal(0, 2)));
    const t = Float64Array.from({ length: n * k }, () => (rng.next() < 0.5 ? 1 : 0));
    const w = Float64Array.from({ length: n * k }, (_, i) => (i % 5 === 0 ? 0 : rng.uniform(0.1, 1)));
    const session = await createGraphSession(buildLossCheckGraph(n, k), { providers: ['cpu'] });
    const out = await session.run({ logits: { data: f32(z), dims: [n, k] }, targets: { data: f32(t), dims: [n, k] }, weights: { data: f32(w), dims: [n, k] } });
    await session.close();
    const ref = weightedBce(z, t, w);
    expect(out.loss!.data[0]).toBeCloseTo(ref.loss, 4);
    expectGradClose('bce', out.bce!.data, Float64Array.from(ref.bce), 1e-5, 1e-5);
    expectGradClose('dlogits', out.dlogits!.data, finiteDifferences(z, () => weightedBce(z, t, w).loss), 1e-5, 1e-4);
    // A zero weight removes the element from the gradient entirely (padding rows of a short batch).
    expect(out.dlogits!.data[0]).toBe(0);
  });
});

/** NT-Xent written the naive way in float64: every i, every j ≠ i. */
function contrastiveReference(h: Float64Array, rows: number, dims: number, partner: (i: number) => number, tau: number): number {
  const u = Array.from({ length: rows }, (_, i) => {
    const v = h.subarray(i * dims, (i + 1) * dims);
    const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    return Array.from(v, (x) => x / norm);
  });
  const sim = (i: number, j: number) => u[i]!.reduce((a, x, p) => a + x * u[j]![p]!, 0) / tau;
  let total = 0;
  for (let i = 0; i < rows; i++) {
    let z = 0;
    for (let j = 0; j < rows; j++) if (j !== i) z += Math.exp(sim(i, j));
    total += Math.log(z) - sim(i, partner(i));
  }
  return total / rows;
}

describe('contrastive loss (NT-Xent)', () => {
  it('matches the naive formula, and its gradient matches finite differences', async () => {
    const rng = new Random(13);
    const [rows, dims, tau] = [6, 4, 0.5];
    const partner = (i: number) => (i + rows / 2) % rows;
    const h = randomArray(rng, rows * dims);
    const pairs = Float32Array.from({ length: rows * rows }, (_, k) => (partner(Math.floor(k / rows)) === k % rows ? 1 : 0));
    const session = await createGraphSession(buildContrastiveLossCheckGraph(rows, dims, tau), { providers: ['cpu'] });
    const run = async (values: Float64Array) => session.run({ projections: { data: f32(values), dims: [rows, dims] }, [STEP_IO.pairs]: { data: pairs, dims: [rows, rows] } });
    const out = await run(h);
    expect(out.loss!.data[0]).toBeCloseTo(contrastiveReference(h, rows, dims, partner, tau), 4);
    expectGradClose('dprojections', out.dprojections!.data, finiteDifferences(h, () => contrastiveReference(h, rows, dims, partner, tau)), 1e-4, 1e-3);
    // Views that already agree with their partner and differ from the rest cost less than random ones.
    const aligned = Float64Array.from({ length: rows * dims }, (_, k) => (Math.floor(k / dims) % (rows / 2) === k % dims ? 1 : 0));
    expect((await run(aligned)).loss!.data[0]).toBeLessThan(out.loss!.data[0]!);
    await session.close();
  });
});

describe('Adam reference', () => {
  it('first step moves each parameter by lr against the sign of its gradient', () => {
    const next = adamReference([1, 1, 1], [0.5, -2, 1e-3], [0, 0, 0], [0, 0, 0], 0.01, 1);
    next.param.forEach((p, i) => expect(p).toBeCloseTo([0.99, 1.01, 0.99][i]!, 6));
  });
});
