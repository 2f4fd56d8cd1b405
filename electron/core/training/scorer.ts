/**
 * The pluggable patch scorer. The self-paced loop (trainer.ts) only needs, per batch, one
 * optimiser step on the weighted BCE and the per-element −log p it needs for ∂L/∂α, plus
 * probabilities for validation; what sits behind is the scorer's business: a linear head on
 * frozen embeddings here (synchronous), a whole network on ONNX Runtime (network/
 * network-scorer.ts, asynchronous). Methods may return a value or a promise; the trainer runs
 * the same loop over both.
 */
import { Adam } from './adam';
import { Random } from '../random';
import { sigmoid } from './logistic';
import { selfPacedLoss } from './self-paced';

export { bceWithLogits, negLogOneMinusSigmoid, negLogSigmoid, sigmoid } from './logistic';

export type MaybePromise<T> = T | Promise<T>;

export interface BatchOutcome {
  /** Σ over the batch of w·t·(−log p) + (1−t)·(−log(1−p)). */
  loss: number;
  /** ∂loss/∂w per element [count, K] = t·(−log p) (0 where w = 0 is allowed). */
  gradWeights: ArrayLike<number>;
}

export interface PatchScorer {
  readonly labelCount: number;
  /** Values per patch input (embedding dims for a head, pixels for a whole network). */
  readonly inputLength: number;
  /**
   * One optimiser step on Σ w·t·(−log p) + (1−t)·(−log(1−p)) over a batch (docs/method.md §loss's
   * self-paced loss with w = ReLU(α); w = 1 for the plain classifier). `targets` and `weights`
   * are [count, K]. `leftOut` [K]: 1 for a label whose terms are left out of the loss (its outputs
   * learn nothing from the batch).
   */
  trainBatch(inputs: Float32Array, count: number, targets: Float64Array, weights: Float64Array, leftOut?: Uint8Array): MaybePromise<BatchOutcome>;
  /** Probabilities [count, K] with the current parameters. */
  score(inputs: Float32Array, count: number): MaybePromise<ArrayLike<number>>;
  /** Recreates the optimiser state (the reference code does this after every regrouping). */
  resetOptimizer(): void;
  snapshot(): unknown;
  restore(state: unknown): void;
}

/** A scorer whose every step returns synchronously (the trainer's synchronous entry points). */
export interface SyncPatchScorer extends PatchScorer {
  trainBatch(inputs: Float32Array, count: number, targets: Float64Array, weights: Float64Array, leftOut?: Uint8Array): BatchOutcome;
  score(inputs: Float32Array, count: number): ArrayLike<number>;
}

/** Logit-level access, for losses the scorer does not know (the image-level MIL heads). */
export interface GradientScorer extends SyncPatchScorer {
  /** Logits [count, labelCount]; keeps what `backward` needs for this batch. */
  forward(inputs: Float32Array, count: number): Float64Array;
  /** Accumulates parameter gradients from dLoss/dlogits [count, labelCount] of the last forward. */
  backward(gradLogits: Float64Array): void;
  /** One optimiser step with the accumulated gradients, then clears them. */
  step(): void;
}

/**
 * Image-level steps where the pooling runs inside the scorer's own step (the whole network, whose
 * gradients never leave ONNX Runtime): mean-logit pooling only, being linear in the logits.
 */
export interface BagStepScorer extends PatchScorer {
  /**
   * One optimiser step on Σ_b BCE(pool_b · logits, targets_b) over the images of a batch; `pool`
   * is [images, count] (1/n_b where patch n is one of image b's n_b), `targets` [images, K] 0/1.
   * Returns the summed loss.
   */
  trainBags(inputs: Float32Array, count: number, pool: Float32Array, images: number, targets: Float32Array): MaybePromise<number>;
}

export function hasBagSteps(scorer: PatchScorer): scorer is BagStepScorer {
  return typeof (scorer as Partial<BagStepScorer>).trainBags === 'function';
}

export function hasGradients(scorer: PatchScorer): scorer is GradientScorer {
  const s = scorer as Partial<GradientScorer>;
  return typeof s.forward === 'function' && typeof s.backward === 'function' && typeof s.step === 'function';
}

export interface LinearHeadState {
  weights: Float64Array;
  bias: Float64Array;
}

/** logits = x·Wᵀ + b with W [K, D], the same layout as the package's Gemm(head_w, transB=1). */
export class LinearHead implements GradientScorer {
  readonly weights: Float64Array;
  readonly bias: Float64Array;
  readonly gradWeights: Float64Array;
  readonly gradBias: Float64Array;
  private optW: Adam;
  private optB: Adam;
  private lastInputs: Float32Array | null = null;
  private lastCount = 0;

  constructor(
    readonly inputLength: number,
    readonly labelCount: number,
    private readonly lr: number,
    seed: number,
  ) {
    this.weights = new Float64Array(labelCount * inputLength);
    this.bias = new Float64Array(labelCount);
    // PyTorch's nn.Linear default: uniform(±1/sqrt(fan_in)) for weights and bias.
    const rng = new Random(seed);
    const bound = 1 / Math.sqrt(inputLength);
    for (let i = 0; i < this.weights.length; i++) this.weights[i] = rng.uniform(-bound, bound);
    for (let i = 0; i < this.bias.length; i++) this.bias[i] = rng.uniform(-bound, bound);
    this.gradWeights = new Float64Array(this.weights.length);
    this.gradBias = new Float64Array(labelCount);
    this.optW = new Adam(this.weights.length, { lr });
    this.optB = new Adam(labelCount, { lr });
  }

  forward(inputs: Float32Array, count: number): Float64Array {
    const D = this.inputLength;
    const K = this.labelCount;
    if (inputs.length < count * D) throw new RangeError(`LinearHead: expected ${count * D} input values, got ${inputs.length}`);
    const out = new Float64Array(count * K);
    const W = this.weights;
    for (let n = 0; n < count; n++) {
      const base = n * D;
      for (let k = 0; k < K; k++) {
        let z = this.bias[k]!;
        const wb = k * D;
        for (let d = 0; d < D; d++) z += inputs[base + d]! * W[wb + d]!;
        out[n * K + k] = z;
      }
    }
    this.lastInputs = inputs;
    this.lastCount = count;
    return out;
  }

  backward(gradLogits: Float64Array): void {
    const inputs = this.lastInputs;
    if (!inputs) throw new Error('LinearHead.backward before forward');
    const D = this.inputLength;
    const K = this.labelCount;
    for (let n = 0; n < this.lastCount; n++) {
      for (let k = 0; k < K; k++) {
        const g = gradLogits[n * K + k]!;
        if (g === 0) continue;
        this.gradBias[k] = this.gradBias[k]! + g;
        const wb = k * D;
        const base = n * D;
        for (let d = 0; d < D; d++) this.gradWeights[wb + d] = this.gradWeights[wb + d]! + g * inputs[base + d]!;
      }
    }
  }

  trainBatch(inputs: Float32Array, count: number, targets: Float64Array, weights: Float64Array, leftOut?: Uint8Array): BatchOutcome {
    const n = count * this.labelCount;
    const logits = this.forward(inputs, count);
    const gradLogits = new Float64Array(n);
    const gradWeights = new Float64Array(n);
    // With w = ReLU(α) already applied, the loss's own α gradient is exactly ∂loss/∂w where w > 0.
    const loss = selfPacedLoss(logits, targets.subarray(0, n), weights.subarray(0, n), true, gradLogits, gradWeights, leftOut);
    this.backward(gradLogits);
    this.step();
    return { loss, gradWeights };
  }

  score(inputs: Float32Array, count: number): Float64Array {
    const logits = this.forward(inputs, count);
    for (let i = 0; i < logits.length; i++) logits[i] = sigmoid(logits[i]!);
    return logits;
  }

  step(): void {
    this.optW.step(this.weights, this.gradWeights);
    this.optB.step(this.bias, this.gradBias);
    this.gradWeights.fill(0);
    this.gradBias.fill(0);
  }

  resetOptimizer(): void {
    this.optW = new Adam(this.weights.length, { lr: this.lr });
    this.optB = new Adam(this.labelCount, { lr: this.lr });
  }

  snapshot(): LinearHeadState {
    return { weights: this.weights.slice(), bias: this.bias.slice() };
  }

  restore(state: unknown): void {
    const s = state as LinearHeadState;
    this.weights.set(s.weights);
    this.bias.set(s.bias);
  }

  /**
   * Weights for raw (unstandardised) embeddings when training ran on (x − mean)/std:
   * W' = W/std, b' = b − W'·mean. The shipped graph then needs no extra normalisation node.
   */
  folded(mean: Float64Array, std: Float64Array): { weights: Float32Array; bias: Float32Array } {
    return foldStandardisation(this.weights, this.bias, mean, std);
  }

}

/** A linear head trained on (x − mean)/std, as one for raw x: W' = W/std, b' = b − W'·mean ([K×D] weights, K biases). */
export function foldStandardisation(weights: ArrayLike<number>, bias: ArrayLike<number>, mean: ArrayLike<number>, std: ArrayLike<number>): { weights: Float32Array; bias: Float32Array } {
  const D = mean.length;
  const K = bias.length;
  const folded = new Float32Array(K * D);
  const foldedBias = new Float32Array(K);
  for (let k = 0; k < K; k++) {
    let b = bias[k]!;
    for (let d = 0; d < D; d++) {
      const w = weights[k * D + d]! / std[d]!;
      folded[k * D + d] = w;
      b -= w * mean[d]!;
    }
    foldedBias[k] = b;
  }
  return { weights: folded, bias: foldedBias };
}
