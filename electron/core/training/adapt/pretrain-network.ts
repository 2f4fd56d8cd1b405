/**
 * Self-supervised adaptation of a whole network to a lab's microscope (docs/lab-adaptation.md):
 * SimCLR (Chen et al., ICML 2020) on the patches of the lab's own fields, without labels. Every
 * patch is drawn twice through the microscope-to-microscope augmentation (STYLE_AUGMENT: gain,
 * offset, tone curve, noise, blur, blockiness, scale, flips and rotations); the layers up to the
 * network's embedding learn that the two views of a patch belong together and apart from the
 * other patches of the batch, compared through a small projection (linear, ReLU, linear) that is
 * dropped afterwards (network/contrastive-loss.ts). The head is kept as it was: the embeddings move,
 * so fine-tuning on the signed cases follows before anything is read with the result.
 */
import { DomainError } from '../../errors';
import type { ProviderName } from '../../inference/providers';
import { Random } from '../../random';
import { patchCount, type BagDataset } from '../dataset';
import { shuffled } from '../self-paced';
import { augmentBatch, STYLE_AUGMENT, type AugmentOptions } from '../network/augment';
import { createNetwork, initParams, type Network, type ParamSet } from '../network/network';
import { NetworkStepper } from '../network/network-stepper';

export interface PretrainingOptions {
  /** Passes over the patches (or over `patchesPerEpoch` of them). */
  epochs: number;
  /** Patches per step (all of them when there are fewer); the step sees twice as many views. */
  patchesPerStep: number;
  lr: number;
  /** τ of the loss: lower sharpens the contrast between a view's partner and the rest. */
  temperature: number;
  /** Width of the projection the loss compares. */
  projectionDims: number;
  /** At most this many patches per epoch, drawn afresh each epoch; null: every patch. */
  patchesPerEpoch: number | null;
  augment: AugmentOptions;
  seed: number;
}

/** SimCLR's temperature range (0.1–0.5) and a rate below fine-tuning's 3·10⁻⁴, as the start is already a trained network. */
export const DEFAULT_PRETRAINING: PretrainingOptions = {
  epochs: 4,
  patchesPerStep: 64,
  lr: 1e-4,
  temperature: 0.2,
  projectionDims: 64,
  patchesPerEpoch: null,
  augment: STYLE_AUGMENT,
  seed: 1,
};

export interface PretrainingHooks {
  providers?: ProviderName[];
  /** ONNX Runtime threads per step (default: every core). */
  threads?: number;
  onProgress?: (p: { epoch: number; step: number; steps: number; loss: number }) => void;
  /** Polled between steps; true stops with a 'training cancelled' error. */
  isCancelled?: () => boolean;
}

export interface PretrainingResult {
  /** The network's parameters with every layer below the head adapted; the head as given. */
  params: ParamSet;
  /** Mean contrastive loss of each epoch. */
  epochLosses: number[];
  patches: number;
  ms: number;
}

/** The network's layers below its final linear head, followed by the projection. */
export function contrastiveNetwork(net: Network, projectionDims: number): Network {
  const head = net.layers.at(-1);
  const embedding = head?.inShape;
  if (!head || head.spec.kind !== 'linear' || embedding?.length !== 1) {
    throw new DomainError('bad-request', 'self-supervised adaptation needs a network that ends in a linear head on a flat embedding');
  }
  return createNetwork({
    inputShape: net.spec.inputShape,
    layers: [...net.spec.layers.slice(0, -1), { kind: 'linear', outFeatures: embedding[0]! }, { kind: 'relu' }, { kind: 'linear', outFeatures: projectionDims }],
  });
}

export async function pretrainNetwork(net: Network, params: ParamSet, unlabelled: BagDataset, given: Partial<PretrainingOptions> = {}, hooks: PretrainingHooks = {}): Promise<PretrainingResult> {
  const options = { ...DEFAULT_PRETRAINING, ...given };
  if (!(Number.isInteger(options.epochs) && options.epochs >= 1)) throw new DomainError('bad-request', `pre-training epochs must be a whole number >= 1, got ${options.epochs}`);
  for (const [what, value] of [['patches per pre-training step', options.patchesPerStep], ['patches per pre-training epoch', options.patchesPerEpoch ?? 2]] as const) {
    if (!(Number.isInteger(value) && value >= 2)) throw new DomainError('bad-request', `${what} must be a whole number >= 2, got ${value}`);
  }
  const started = performance.now();
  const ssl = contrastiveNetwork(net, options.projectionDims);
  // The trunk keeps its layers' places, hence its parameter names; the projection starts fresh.
  const trunk = net.layers.slice(0, -1).flatMap((l) => l.params.map((p) => p.name));
  const start = { ...initParams(ssl, options.seed), ...Object.fromEntries(trunk.map((name) => [name, params[name]!])) };
  const total = patchCount(unlabelled);
  const perEpoch = Math.min(total, options.patchesPerEpoch ?? total);
  // Fewer patches than a step takes (a small record): one step of them all.
  const B = Math.min(options.patchesPerStep, perEpoch);
  if (B < 2) throw new DomainError('bad-request', `self-supervised adaptation needs at least 2 patches to contrast; the fields hold ${total}`);
  const steps = Math.floor(perEpoch / B);
  const shape = net.spec.inputShape;
  const length = unlabelled.inputLength;
  const views = new Float32Array(2 * B * length);
  const rng = new Random(options.seed);
  const stepper = await NetworkStepper.open(ssl, start, { providers: hooks.providers, intraOpNumThreads: hooks.threads, contrastive: { temperature: options.temperature }, warn: () => {} });
  const epochLosses: number[] = [];
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const order = shuffled(total, rng);
      let sum = 0;
      for (let step = 0; step < steps; step++) {
        if (hooks.isCancelled?.()) throw new DomainError('conflict', `training cancelled in self-supervised epoch ${epoch}`);
        for (let b = 0; b < B; b++) {
          const i = order[step * B + b]!;
          const patch = unlabelled.inputs.subarray(i * length, (i + 1) * length);
          views.set(patch, b * length);
          views.set(patch, (b + B) * length);
        }
        augmentBatch(views, 2 * B, shape, rng, options.augment);
        const loss = await stepper.trainPairs(views, 2 * B, options.lr);
        if (!Number.isFinite(loss)) throw new DomainError('internal', `self-supervised adaptation diverged at epoch ${epoch}, step ${step + 1} (loss ${loss}); try a lower rate`);
        sum += loss;
        hooks.onProgress?.({ epoch, step: step + 1, steps, loss });
      }
      epochLosses.push(sum / steps);
    }
    const learnt = stepper.snapshot().params;
    return { params: { ...params, ...Object.fromEntries(trunk.map((name) => [name, learnt[name]!])) }, epochLosses, patches: perEpoch, ms: performance.now() - started };
  } finally {
    await stepper.close();
  }
}
