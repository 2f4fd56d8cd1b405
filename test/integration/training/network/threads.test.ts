/**
 * Training jobs run their ONNX Runtime graphs on every core (defaultTrainingThreads) on the promise
 * that a step's result does not depend on the thread count: a run on a 2-core lab PC and one on a
 * 16-core workstation reach the same weights. This holds the promise to the network the product
 * trains (the default encoder, its step and scoring graphs), three Adam steps, 1 against 3 threads.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LABEL_KEYS } from '../../../../electron/contract/labels';
import { defaultTrainingThreads } from '../../../../electron/core/inference/engine';
import { Random } from '../../../../electron/core/random';
import { createNetwork, initParams, type ParamSet } from '../../../../electron/core/training/network/network';
import { NetworkStepper } from '../../../../electron/core/training/network/network-stepper';
import { defaultEncoderSpec } from '../../../../electron/core/training/network/train-network';

const K = LABEL_KEYS.length;
const BATCH = 16;

function digest(params: ParamSet): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(params).sort()) hash.update(name).update(Buffer.from(params[name]!.buffer));
  return hash.digest('hex');
}

async function threeSteps(threads: number): Promise<{ params: string; scores: Float32Array; threads: number }> {
  const net = createNetwork(defaultEncoderSpec(64, K, [16, 32, 64, 64], 'patch'));
  const stepper = await NetworkStepper.open(net, initParams(net, 3), { providers: ['cpu'], intraOpNumThreads: threads });
  try {
    const rng = new Random(11);
    const x = new Float32Array(BATCH * stepper.patchLength);
    for (let step = 0; step < 3; step++) {
      for (let i = 0; i < x.length; i++) x[i] = rng.normal(0, 1);
      const targets = Float32Array.from({ length: BATCH * K }, () => (rng.next() < 0.3 ? 1 : 0));
      await stepper.trainBatch(x, BATCH, targets, new Float32Array(BATCH * K).fill(1), 1e-3);
    }
    return { params: digest(stepper.snapshot().params), scores: await stepper.score(x, BATCH), threads: stepper.threads };
  } finally {
    await stepper.close();
  }
}

describe('training threads', () => {
  it('reach bit-identical weights and scores at 1 and 3 threads', async () => {
    const one = await threeSteps(1);
    const three = await threeSteps(3);
    expect([one.threads, three.threads]).toEqual([1, 3]);
    expect(three.params).toBe(one.params);
    expect(Array.from(three.scores)).toEqual(Array.from(one.scores));
  });

  it('default to every core, at most 8', () => {
    expect(defaultTrainingThreads()).toBeGreaterThanOrEqual(1);
    expect(defaultTrainingThreads()).toBeLessThanOrEqual(8);
  });
});
