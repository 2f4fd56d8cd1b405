/**
 * A small network's whole training step (forward, weighted BCE, reverse pass, Adam) on ONNX
 * Runtime against a plain TypeScript float64 reference: finite-difference gradients of the
 * reference forward and the reference Adam, over three consecutive steps.
 */
import { describe, expect, it } from 'vitest';
import { createGraphSession, type GraphTensor } from '../../../../electron/core/inference/engine';
import { adamReference } from '../../../../electron/core/training/adam';
import { buildBagStepGraph, buildInferenceGraph, buildTrainingStepGraph, STEP_IO } from '../../../../electron/core/training/network/graphs';
import { createNetwork, initParams, type NetworkSpec } from '../../../../electron/core/training/network/network';
import { Random } from '../../../../electron/core/random';
import { finiteDifferences, networkForward, weightedBce } from '../../../support/training/network-reference';

const SPEC: NetworkSpec = {
  inputShape: [2, 6, 6],
  layers: [
    { kind: 'conv2d', outChannels: 4, kernel: 3, stride: 2, padding: 1 },
    { kind: 'groupnorm', groups: 1 },
    { kind: 'relu' },
    { kind: 'globalavgpool' },
    { kind: 'linear', outFeatures: 3 },
  ],
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** lr 0.01, Adam step 1 from zero state, the parameters `init`: the feeds of a first step besides the batch. */
function firstStepFeeds(net: ReturnType<typeof createNetwork>, init: Record<string, Float32Array>): Record<string, GraphTensor> {
  const feeds: Record<string, GraphTensor> = { [STEP_IO.lr]: { data: Float32Array.of(0.01), dims: [] }, [STEP_IO.step]: { data: Float32Array.of(1), dims: [] } };
  for (const p of net.params) {
    feeds[STEP_IO.param(p.name)] = { data: init[p.name]!, dims: p.shape };
    feeds[STEP_IO.adamM(p.name)] = { data: new Float32Array(init[p.name]!.length), dims: p.shape };
    feeds[STEP_IO.adamV(p.name)] = { data: new Float32Array(init[p.name]!.length), dims: p.shape };
  }
  return feeds;
}

describe('training step graph', () => {
  it('matches the TypeScript reference over three Adam steps', async () => {
    const net = createNetwork(SPEC);
    const init = initParams(net, 5);
    const rng = new Random(9);
    const n = 3;
    const k = 3;
    const xShape = [n, ...SPEC.inputShape];
    const x = Float64Array.from({ length: xShape.reduce((a, b) => a * b, 1) }, () => rng.normal(0, 1));
    const t = Float64Array.from({ length: n * k }, () => (rng.next() < 0.4 ? 1 : 0));
    const w = Float64Array.from({ length: n * k }, (_, i) => (t[i] ? rng.uniform(0.2, 1) : 1));
    const lr = 0.01;

    const session = await createGraphSession(buildTrainingStepGraph(net, { exposeGradients: true }), { providers: ['cpu'] });
    expect(session.provider).toBe('cpu');

    // Graph state (float32, fed back step to step) and reference state (float64).
    const graphState: Record<string, Float32Array> = {};
    const ref = net.params.map((p) => ({ p: Float64Array.from(init[p.name]!), m: new Float64Array(init[p.name]!.length), v: new Float64Array(init[p.name]!.length) }));
    for (const p of net.params) {
      graphState[STEP_IO.param(p.name)] = init[p.name]!;
      graphState[STEP_IO.adamM(p.name)] = new Float32Array(init[p.name]!.length);
      graphState[STEP_IO.adamV(p.name)] = new Float32Array(init[p.name]!.length);
    }
    const refLoss = () => weightedBce(networkForward(SPEC, { data: x, shape: xShape }, ref.map((r) => r.p)).data, t, w).loss;

    for (let step = 1; step <= 3; step++) {
      const feeds: Record<string, GraphTensor> = {
        [STEP_IO.patches]: { data: Float32Array.from(x), dims: xShape },
        [STEP_IO.targets]: { data: Float32Array.from(t), dims: [n, k] },
        [STEP_IO.weights]: { data: Float32Array.from(w), dims: [n, k] },
        [STEP_IO.lr]: { data: Float32Array.of(lr), dims: [] },
        [STEP_IO.step]: { data: Float32Array.of(step), dims: [] },
      };
      net.params.forEach((p) => {
        for (const key of [STEP_IO.param(p.name), STEP_IO.adamM(p.name), STEP_IO.adamV(p.name)]) feeds[key] = { data: graphState[key]!, dims: p.shape };
      });
      const out = await session.run(feeds);

      const lossBefore = refLoss();
      expect(Math.abs(out[STEP_IO.loss]!.data[0]! - lossBefore), `step ${step} loss`).toBeLessThan(1e-4 * (1 + lossBefore));
      const probs = Array.from(networkForward(SPEC, { data: x, shape: xShape }, ref.map((r) => r.p)).data, (z) => 1 / (1 + Math.exp(-z)));
      expect(maxAbsDiff(out[STEP_IO.probabilities]!.data, probs), `step ${step} probabilities`).toBeLessThan(1e-5);

      // All reference gradients at the current parameters before any is updated.
      const grads = ref.map((r) => finiteDifferences(r.p, refLoss));
      net.params.forEach((p, i) => {
        const r = ref[i]!;
        const grad = grads[i]!;
        expect(maxAbsDiff(out[STEP_IO.grad(p.name)]!.data, grad), `step ${step} grad ${p.name}`).toBeLessThan(2e-4);
        const next = adamReference(r.p, grad, r.m, r.v, lr, step);
        expect(maxAbsDiff(out[STEP_IO.nextAdamM(p.name)]!.data, next.m), `step ${step} m ${p.name}`).toBeLessThan(2e-5);
        expect(maxAbsDiff(out[STEP_IO.nextAdamV(p.name)]!.data, next.v), `step ${step} v ${p.name}`).toBeLessThan(2e-5);
        expect(maxAbsDiff(out[STEP_IO.nextParam(p.name)]!.data, next.param), `step ${step} param ${p.name}`).toBeLessThan(2e-5);
        r.p.set(next.param);
        r.m.set(next.m);
        r.v.set(next.v);
        graphState[STEP_IO.param(p.name)] = out[STEP_IO.nextParam(p.name)]!.data;
        graphState[STEP_IO.adamM(p.name)] = out[STEP_IO.nextAdamM(p.name)]!.data;
        graphState[STEP_IO.adamV(p.name)] = out[STEP_IO.nextAdamV(p.name)]!.data;
      });
    }
    // The parameters did move: three steps of lr 0.01 each.
    expect(maxAbsDiff(graphState[STEP_IO.param('l4.linear.weight')]!, init['l4.linear.weight']!)).toBeGreaterThan(0.02);
    await session.close();

    // The inference graph with the learned weights gives the training graph's probabilities.
    const learned = Object.fromEntries(net.params.map((p) => [p.name, graphState[STEP_IO.param(p.name)]!]));
    const { bytes, embeddingDims } = buildInferenceGraph(net, learned);
    expect(embeddingDims).toBe(4);
    const inference = await createGraphSession(bytes, { providers: ['cpu'] });
    const result = await inference.run({ patches: { data: Float32Array.from(x), dims: xShape } });
    await inference.close();
    const finalProbs = Array.from(networkForward(SPEC, { data: x, shape: xShape }, ref.map((r) => r.p)).data, (z) => 1 / (1 + Math.exp(-z)));
    expect(maxAbsDiff(result.probabilities!.data, finalProbs)).toBeLessThan(1e-4);
    expect(result.embeddings!.dims).toEqual([n, 4]);
  });
});

describe('last-blocks-only training', () => {
  it('updates only layers from the first trainable one, with the same gradients as the full graph', async () => {
    const net = createNetwork(SPEC);
    const init = initParams(net, 6);
    const rng = new Random(12);
    const n = 4;
    const xShape = [n, ...SPEC.inputShape];
    const feeds: Record<string, GraphTensor> = {
      [STEP_IO.patches]: { data: Float32Array.from({ length: n * 72 }, () => rng.normal(0, 1)), dims: xShape },
      [STEP_IO.targets]: { data: Float32Array.from({ length: n * 3 }, () => (rng.next() < 0.5 ? 1 : 0)), dims: [n, 3] },
      [STEP_IO.weights]: { data: new Float32Array(n * 3).fill(1), dims: [n, 3] },
      ...firstStepFeeds(net, init),
    };
    const full = await createGraphSession(buildTrainingStepGraph(net, { exposeGradients: true }), { providers: ['cpu'] });
    const all = await full.run(feeds);
    await full.close();
    // Layer 1 (GroupNorm) up learns; the convolution below is frozen and gets no Adam state.
    const partial = await createGraphSession(buildTrainingStepGraph(net, { exposeGradients: true, firstTrainableLayer: 1 }), { providers: ['cpu'] });
    expect(partial.inputNames).not.toContain(STEP_IO.adamM('l0.conv2d.weight'));
    expect(partial.outputNames).not.toContain(STEP_IO.nextParam('l0.conv2d.weight'));
    const partialFeeds = Object.fromEntries(Object.entries(feeds).filter(([k]) => partial.inputNames.includes(k)));
    const some = await partial.run(partialFeeds);
    await partial.close();
    for (const name of ['l1.groupnorm.gamma', 'l1.groupnorm.beta', 'l4.linear.weight', 'l4.linear.bias']) {
      expect(maxAbsDiff(some[STEP_IO.grad(name)]!.data, all[STEP_IO.grad(name)]!.data), name).toBeLessThan(1e-6);
      expect(maxAbsDiff(some[STEP_IO.nextParam(name)]!.data, all[STEP_IO.nextParam(name)]!.data), name).toBeLessThan(1e-6);
    }
    expect(() => buildTrainingStepGraph(net, { firstTrainableLayer: 5 })).toThrow(/first trainable layer 5 is not a layer index 0..4/);
  });
});

describe('whole-image (mean-logit) training step', () => {
  it("gives the reference gradient of the BCE on each image's mean patch logit, and the images' probabilities", async () => {
    const net = createNetwork(SPEC);
    const init = initParams(net, 7);
    const rng = new Random(21);
    const n = 4;
    const k = 3;
    const xShape = [n, ...SPEC.inputShape];
    const x = Float64Array.from({ length: n * 72 }, () => rng.normal(0, 1));
    // Image 0 holds patches 0–2, image 1 patch 3.
    const images = [[0, 1, 2], [3]];
    const pool = new Float32Array(images.length * n);
    images.forEach((patches, b) => patches.forEach((p) => (pool[b * n + p] = 1 / patches.length)));
    const t = Float64Array.of(1, 0, 1, 0, 1, 0);
    const w = new Float64Array(images.length * k).fill(1);
    const pooledLogits = (params: Float64Array[]): Float64Array => {
      const z = networkForward(SPEC, { data: x, shape: xShape }, params).data;
      return Float64Array.from({ length: images.length * k }, (_, i) => {
        const [b, c] = [Math.floor(i / k), i % k];
        return images[b]!.reduce((s, p) => s + z[p * k + c]!, 0) / images[b]!.length;
      });
    };
    const ref = net.params.map((p) => Float64Array.from(init[p.name]!));
    const refLoss = () => weightedBce(pooledLogits(ref), t, w).loss;

    const feeds: Record<string, GraphTensor> = {
      [STEP_IO.patches]: { data: Float32Array.from(x), dims: xShape },
      [STEP_IO.pool]: { data: pool, dims: [images.length, n] },
      [STEP_IO.targets]: { data: Float32Array.from(t), dims: [images.length, k] },
      [STEP_IO.weights]: { data: Float32Array.from(w), dims: [images.length, k] },
      ...firstStepFeeds(net, init),
    };
    const session = await createGraphSession(buildBagStepGraph(net, { exposeGradients: true }), { providers: ['cpu'] });
    const out = await session.run(feeds);
    await session.close();

    const loss = refLoss();
    expect(Math.abs(out[STEP_IO.loss]!.data[0]! - loss)).toBeLessThan(1e-4 * (1 + loss));
    const probs = Array.from(pooledLogits(ref), (z) => 1 / (1 + Math.exp(-z)));
    expect(out[STEP_IO.probabilities]!.dims).toEqual([images.length, k]);
    expect(maxAbsDiff(out[STEP_IO.probabilities]!.data, probs)).toBeLessThan(1e-5);
    net.params.forEach((p, i) => expect(maxAbsDiff(out[STEP_IO.grad(p.name)]!.data, finiteDifferences(ref[i]!, refLoss)), p.name).toBeLessThan(2e-4));
    // Pooling matters: the same patches as four one-patch images give other gradients.
    const patchStep = await createGraphSession(buildTrainingStepGraph(net, { exposeGradients: true }), { providers: ['cpu'] });
    const perPatch = await patchStep.run({
      ...feeds,
      [STEP_IO.targets]: { data: Float32Array.of(1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 0), dims: [n, k] },
      [STEP_IO.weights]: { data: new Float32Array(n * k).fill(1), dims: [n, k] },
    });
    await patchStep.close();
    expect(maxAbsDiff(perPatch[STEP_IO.grad('l4.linear.weight')]!.data, out[STEP_IO.grad('l4.linear.weight')]!.data)).toBeGreaterThan(1e-3);
  });
});
