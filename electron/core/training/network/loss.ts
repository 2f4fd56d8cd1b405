/**
 * The self-paced weighted BCE of docs/method.md §loss on logits z with per-element targets t and weights w:
 * L = Σ w · bce, bce = softplus(z) − t·z (the stable form of −[t log p + (1−t) log(1−p)]).
 * The trainer passes w = ReLU(α) where t = 1 and 1 elsewhere; the per-element bce is returned so it
 * can form ∂L/∂α = bce·[t=1]·[α>0] itself.
 */
import type { Emitter } from './emitter';

export interface LossPass {
  loss: string;
  bce: string;
  probabilities: string;
  /** dL/dz = w · (sigmoid(z) − t). */
  dLogits: string;
}

export function emitWeightedBce(e: Emitter, logits: string, targets: string, weights: string): LossPass {
  const negAbs = e.node('Neg', [e.node('Abs', [logits])]);
  const softplus = e.add(e.node('Relu', [logits]), e.node('Log', [e.add(e.scalar(1), e.node('Exp', [negAbs]))]));
  const bce = e.sub(softplus, e.mul(targets, logits));
  const loss = e.node('ReduceSum', [e.mul(weights, bce)], { keepdims: 0 });
  const probabilities = e.node('Sigmoid', [logits]);
  const dLogits = e.mul(weights, e.sub(probabilities, targets));
  return { loss, bce, probabilities, dLogits };
}
