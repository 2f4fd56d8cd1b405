/**
 * The reading graph of a whole network (buildInferenceGraph) against the plain TypeScript float64
 * reference forward: its group normalisations are ONNX Runtime's InstanceNormalization kernels
 * instead of the training graph's LayerNormalization and affine, and must compute the same function for
 * every grouping a package uses (one group over one channel, as the input normalisation; several
 * channels per group; one channel per group).
 */
import { describe, expect, it } from 'vitest';
import { createGraphSession } from '../../../../electron/core/inference/engine';
import { readGraphNodes } from '../../../../electron/core/models/onnx-graph';
import { buildInferenceGraph, buildScoringGraph, STEP_IO } from '../../../../electron/core/training/network/graphs';
import { createNetwork, initParams, type NetworkSpec } from '../../../../electron/core/training/network/network';
import { Random } from '../../../../electron/core/random';
import { networkForward } from '../../../support/training/network-reference';

const SPEC: NetworkSpec = {
  inputShape: [1, 12, 12],
  layers: [
    { kind: 'groupnorm', groups: 1, eps: 1e-3 },
    { kind: 'conv2d', outChannels: 8, kernel: 3, stride: 2, padding: 1 },
    { kind: 'groupnorm', groups: 2 },
    { kind: 'relu' },
    { kind: 'conv2d', outChannels: 4, kernel: 3, stride: 2, padding: 1 },
    { kind: 'groupnorm', groups: 4 },
    { kind: 'relu' },
    { kind: 'globalavgpool' },
    { kind: 'linear', outFeatures: 3 },
  ],
};

describe('whole-network reading graph', () => {
  it('computes the reference forward with fused group normalisation, as the training and scoring graphs do', async () => {
    const net = createNetwork(SPEC);
    const params = initParams(net, 5);
    // γ and β away from their initial 1 and 0, so that a lost or misplaced affine shows.
    const rng = new Random(9);
    for (const p of net.params) if (p.name.includes('groupnorm')) params[p.name] = Float32Array.from(params[p.name]!, () => rng.uniform(-1.5, 1.5));
    const n = 3;
    const x = Float64Array.from({ length: n * 144 }, () => rng.uniform(0, 4));
    const xShape = [n, 1, 12, 12];
    const reference = networkForward(SPEC, { data: x, shape: xShape }, net.params.map((p) => Float64Array.from(params[p.name]!))).data;

    const { bytes } = buildInferenceGraph(net, params);
    const ops = readGraphNodes(bytes).map((node) => node.opType);
    expect(ops.filter((op) => op === 'InstanceNormalization')).toHaveLength(3);
    expect(ops).not.toContain('ReduceMean');
    const reading = await createGraphSession(bytes, { providers: ['cpu'] });
    const read = await reading.run({ patches: { data: Float32Array.from(x), dims: xShape } });
    await reading.close();
    const probabilities = Array.from(reference, (z) => 1 / (1 + Math.exp(-z)));
    read.probabilities!.data.forEach((p, i) => expect(p).toBeCloseTo(probabilities[i]!, 5));

    // The training step's forward (LayerNormalization per group, then γ and β) agrees with it.
    const training = await createGraphSession(buildInferenceGraph(net, params, { form: 'training' }).bytes, { providers: ['cpu'] });
    const trained = await training.run({ patches: { data: Float32Array.from(x), dims: xShape } });
    await training.close();
    trained.probabilities!.data.forEach((p, i) => expect(p).toBeCloseTo(probabilities[i]!, 5));

    // The trainer's scoring graph reads as the package does, with the parameters as inputs.
    const scoringBytes = buildScoringGraph(net);
    expect(readGraphNodes(scoringBytes).map((node) => node.opType)).not.toContain('LayerNormalization');
    const scoring = await createGraphSession(scoringBytes, { providers: ['cpu'] });
    const feeds = Object.fromEntries(net.params.map((p) => [STEP_IO.param(p.name), { data: params[p.name]!, dims: p.shape }]));
    const scored = await scoring.run({ [STEP_IO.patches]: { data: Float32Array.from(x), dims: xShape }, ...feeds });
    await scoring.close();
    scored[STEP_IO.probabilities]!.data.forEach((p, i) => expect(p).toBeCloseTo(read.probabilities!.data[i]!, 6));
  });
});
