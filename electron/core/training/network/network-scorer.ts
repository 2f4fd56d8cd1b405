/**
 * The whole network as the self-paced loop's scorer: one batch is one asynchronous ONNX Runtime
 * call of the training-step graph (forward, weighted BCE, reverse pass and Adam together), fed the
 * dispatched targets and per-element weights. The graph weighs the whole per-element BCE, so the
 * loop's "w on the positive term, 1 on the negative term" becomes w where t = 1 and 1 where t = 0;
 * soft targets (0 < t < 1) have no such form and are refused. `trainBags` is the whole-image
 * step of the mean-logit method (the pooling inside the graph).
 */
import { DomainError } from '../../errors';
import type { BagStepScorer, BatchOutcome } from '../scorer';
import type { ParamSet } from './network';
import type { NetworkStepper } from './network-stepper';

export class NetworkScorer implements BagStepScorer {
  private targets: Float32Array;
  private weights: Float32Array;

  constructor(
    readonly stepper: NetworkStepper,
    private readonly lr: number,
    batchSize = 32,
  ) {
    this.targets = new Float32Array(batchSize * stepper.labelCount);
    this.weights = new Float32Array(batchSize * stepper.labelCount);
  }

  get labelCount(): number {
    return this.stepper.labelCount;
  }

  get inputLength(): number {
    return this.stepper.patchLength;
  }

  async trainBatch(inputs: Float32Array, count: number, targets: Float64Array, weights: Float64Array, leftOut?: Uint8Array): Promise<BatchOutcome> {
    const n = count * this.labelCount;
    if (this.targets.length < n) {
      this.targets = new Float32Array(n);
      this.weights = new Float32Array(n);
    }
    for (let i = 0; i < n; i++) {
      const t = targets[i]!;
      if (t !== 0 && t !== 1) throw new DomainError('bad-request', 'whole-network training takes 0/1 targets only (soft targets are not supported)');
      this.targets[i] = t;
      this.weights[i] = leftOut?.[i % this.labelCount] ? 0 : t === 1 ? weights[i]! : 1;
    }
    const result = await this.stepper.trainBatch(inputs, count, this.targets, this.weights, this.lr);
    // For t = 1 the graph's bce is −log p, i.e. ∂loss/∂w; for t = 0 the weight is not ReLU(α).
    const gradWeights = new Float64Array(n);
    for (let i = 0; i < n; i++) if (this.targets[i] === 1 && !leftOut?.[i % this.labelCount]) gradWeights[i] = result.bce[i]!;
    return { loss: result.loss, gradWeights };
  }

  async trainBags(inputs: Float32Array, count: number, pool: Float32Array, images: number, targets: Float32Array): Promise<number> {
    const weights = new Float32Array(images * this.labelCount).fill(1);
    return (await this.stepper.trainBags(inputs, count, pool, images, targets, weights, this.lr)).loss;
  }

  score(inputs: Float32Array, count: number): Promise<Float32Array> {
    return this.stepper.score(inputs, count);
  }

  resetOptimizer(): void {
    this.stepper.resetOptimizer();
  }

  /** The parameters only: Adam state is reset after every regrouping and checkpointed separately. */
  snapshot(): ParamSet {
    return this.stepper.snapshot().params;
  }

  restore(state: unknown): void {
    this.stepper.restore({ ...this.stepper.snapshot(), params: state as ParamSet });
  }
}
