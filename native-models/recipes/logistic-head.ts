/**
 * The stop-gap classifier head of the default model: one logistic regression per label on
 * standardised patch embeddings, each patch inheriting its field's labels (the paper's "plain
 * patch classifier" baseline). Full-batch Adam with L2, deterministic. The self-paced MIML
 * trainer (core/training) replaces this head; until then it is an honest, simple baseline.
 */
import { GraphBuilder } from '../../electron/core/models/onnx-graph';
export interface HeadTrainingOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
}

export interface LinearHead {
  /** Row-major [labels, dims]. */
  weights: Float32Array;
  bias: Float32Array;
}

export function trainLogisticHead(x: Float32Array, y: Uint8Array, n: number, dims: number, labels: number, options: HeadTrainingOptions = {}): LinearHead {
  const epochs = options.epochs ?? 400;
  const lr = options.learningRate ?? 0.05;
  const l2 = options.l2 ?? 1e-3;
  const w = new Float64Array(labels * dims);
  const b = new Float64Array(labels);
  // Start each bias at the label's log-odds, so early steps learn features, not base rates.
  for (let k = 0; k < labels; k++) {
    let pos = 0;
    for (let i = 0; i < n; i++) pos += y[i * labels + k]!;
    const p = Math.min(0.99, Math.max(0.01, pos / n));
    b[k] = Math.log(p / (1 - p));
  }
  const mW = new Float64Array(w.length);
  const vW = new Float64Array(w.length);
  const mB = new Float64Array(labels);
  const vB = new Float64Array(labels);
  const gW = new Float64Array(w.length);
  const gB = new Float64Array(labels);
  const beta1 = 0.9;
  const beta2 = 0.999;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    gW.fill(0);
    gB.fill(0);
    for (let i = 0; i < n; i++) {
      const row = i * dims;
      for (let k = 0; k < labels; k++) {
        let z = b[k]!;
        const wk = k * dims;
        for (let d = 0; d < dims; d++) z += w[wk + d]! * x[row + d]!;
        const p = 1 / (1 + Math.exp(-z));
        const err = (p - y[i * labels + k]!) / n;
        gB[k]! += err;
        for (let d = 0; d < dims; d++) gW[wk + d]! += err * x[row + d]!;
      }
    }
    for (let j = 0; j < w.length; j++) gW[j]! += l2 * w[j]!;
    const c1 = 1 - beta1 ** epoch;
    const c2 = 1 - beta2 ** epoch;
    for (let j = 0; j < w.length; j++) {
      mW[j] = beta1 * mW[j]! + (1 - beta1) * gW[j]!;
      vW[j] = beta2 * vW[j]! + (1 - beta2) * gW[j]! * gW[j]!;
      w[j]! -= (lr * (mW[j]! / c1)) / (Math.sqrt(vW[j]! / c2) + 1e-8);
    }
    for (let k = 0; k < labels; k++) {
      mB[k] = beta1 * mB[k]! + (1 - beta1) * gB[k]!;
      vB[k] = beta2 * vB[k]! + (1 - beta2) * gB[k]! * gB[k]!;
      b[k]! -= (lr * (mB[k]! / c1)) / (Math.sqrt(vB[k]! / c2) + 1e-8);
    }
  }
  return { weights: Float32Array.from(w), bias: Float32Array.from(b) };
}

export function applyHead(head: LinearHead, x: Float32Array, n: number, dims: number, labels: number): Float32Array {
  const out = new Float32Array(n * labels);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < labels; k++) {
      let z = head.bias[k]!;
      for (let d = 0; d < dims; d++) z += head.weights[k * dims + d]! * x[i * dims + d]!;
      out[i * labels + k] = 1 / (1 + Math.exp(-z));
    }
  }
  return out;
}

/**
 * A packaged extractor-head model: `extract` adds the feature extractor to the graph, then
 * standardise → 'embeddings' → Gemm(head_w, head_b) → Sigmoid → 'probabilities'.
 */
export function buildHeadedModel(
  inputPx: number,
  extract: (g: GraphBuilder, x: string) => { features: string; dims: number },
  standard: { mean: Float32Array; std: Float32Array },
  head: { weights: Float32Array; bias: Float32Array },
  labelCount: number,
): Uint8Array {
  const g = new GraphBuilder({ name: 'ana-default' });
  const x = g.input('patches', ['N', 1, inputPx, inputPx]);
  const { features, dims } = extract(g, x);
  const mean = g.initializer('emb_mean', [dims], standard.mean);
  const std = g.initializer('emb_std', [dims], standard.std);
  const embeddings = g.node('Div', [g.node('Sub', [features, mean]), std], {}, ['embeddings']);
  const hw = g.initializer('head_w', [labelCount, dims], head.weights);
  const hb = g.initializer('head_b', [labelCount], head.bias);
  g.node('Sigmoid', [g.node('Gemm', [embeddings, hw, hb], { transB: 1 })], {}, ['probabilities']);
  g.output('probabilities', ['N', labelCount]);
  g.output('embeddings', ['N', dims]);
  return g.toBytes();
}
