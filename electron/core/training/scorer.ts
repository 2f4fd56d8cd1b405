/**
 * The pluggable patch scorer. The trainer only needs logits for a batch of patch inputs and a way
 * to push dLoss/dlogits back into the scorer's parameters; what sits behind (a linear head on
 * frozen embeddings here, a whole network later) is the scorer's business.
 */
import { Adam } from './adam';
import { Random } from '../random';

export interface PatchScorer {
  readonly labelCount: number;
  /** Values per patch input (embedding dims for a head, pixels for a whole network). */
  readonly inputLength: number;
  /** Logits [count, labelCount]; keeps what `backward` needs for this batch. */
  forward(inputs: Float32Array, count: number): Float64Array;
  /** Accumulates parameter gradients from dLoss/dlogits [count, labelCount] of the last forward. */
  backward(gradLogits: Float64Array): void;
  /** One optimiser step with the accumulated gradients, then clears them. */
  step(): void;
  /** Recreates the optimiser state (the reference code does this after every regrouping). */
  resetOptimizer(): void;
  snapshot(): unknown;
  restore(state: unknown): void;
}

export interface LinearHeadState {
  weights: Float64Array;
  bias: Float64Array;
}

/** logits = x·Wᵀ + b with W [K, D], the same layout as the package's Gemm(head_w, transB=1). */
export class LinearHead implements PatchScorer {
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
    const D = this.inputLength;
    const K = this.labelCount;
    const weights = new Float32Array(K * D);
    const bias = new Float32Array(K);
    for (let k = 0; k < K; k++) {
      let b = this.bias[k]!;
      for (let d = 0; d < D; d++) {
        const w = this.weights[k * D + d]! / std[d]!;
        weights[k * D + d] = w;
        b -= w * mean[d]!;
      }
      bias[k] = b;
    }
    return { weights, bias };
  }
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** −[t·log σ(z) + (1−t)·log(1−σ(z))], stable for large |z|. */
export function bceWithLogits(z: number, t: number): number {
  return Math.max(z, 0) - t * z + Math.log1p(Math.exp(-Math.abs(z)));
}

/** −log σ(z) */
export function negLogSigmoid(z: number): number {
  return Math.max(-z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/** −log(1 − σ(z)) */
export function negLogOneMinusSigmoid(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}
