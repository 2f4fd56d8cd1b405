/**
 * Plain TypeScript float64 forward passes of the autodiff layers, written independently of the
 * ONNX emission, and central finite differences over them: the reference every emitted gradient
 * is checked against.
 */
import type { LayerSpec } from '../../../electron/core/training/network/layers';
import type { NetworkSpec } from '../../../electron/core/training/network/network';

export interface T64 {
  data: Float64Array;
  shape: number[];
}

export type Params64 = Record<string, Float64Array>;

export function conv2d(x: T64, w: Float64Array, b: Float64Array, co: number, k: number, s: number, p: number): T64 {
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const oh = Math.floor((h + 2 * p - k) / s) + 1;
  const ow = Math.floor((wd + 2 * p - k) / s) + 1;
  const y = new Float64Array(n * co * oh * ow);
  for (let ni = 0; ni < n; ni++)
    for (let o = 0; o < co; o++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let acc = b[o]!;
          for (let ci = 0; ci < c; ci++)
            for (let u = 0; u < k; u++)
              for (let v = 0; v < k; v++) {
                const r = i * s + u - p;
                const q = j * s + v - p;
                if (r < 0 || r >= h || q < 0 || q >= wd) continue;
                acc += x.data[((ni * c + ci) * h + r) * wd + q]! * w[((o * c + ci) * k + u) * k + v]!;
              }
          y[((ni * co + o) * oh + i) * ow + j] = acc;
        }
  return { data: y, shape: [n, co, oh, ow] };
}

export function groupNorm(x: T64, gamma: Float64Array, beta: Float64Array, groups: number, eps: number): T64 {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const per = (c / groups) * h * w;
  const y = new Float64Array(x.data.length);
  for (let ni = 0; ni < n; ni++)
    for (let g = 0; g < groups; g++) {
      const start = (ni * c + g * (c / groups)) * h * w;
      let mean = 0;
      for (let i = 0; i < per; i++) mean += x.data[start + i]!;
      mean /= per;
      let variance = 0;
      for (let i = 0; i < per; i++) variance += (x.data[start + i]! - mean) ** 2;
      variance /= per;
      const rstd = 1 / Math.sqrt(variance + eps);
      for (let i = 0; i < per; i++) {
        const ch = g * (c / groups) + Math.floor(i / (h * w));
        y[start + i] = (x.data[start + i]! - mean) * rstd * gamma[ch]! + beta[ch]!;
      }
    }
  return { data: y, shape: x.shape };
}

export const relu = (x: T64): T64 => ({ data: x.data.map((v) => Math.max(0, v)), shape: x.shape });
export const sigmoid = (x: T64): T64 => ({ data: x.data.map((v) => 1 / (1 + Math.exp(-v))), shape: x.shape });

export function globalAvgPool(x: T64): T64 {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const y = new Float64Array(n * c);
  for (let i = 0; i < n * c; i++) {
    let acc = 0;
    for (let j = 0; j < h * w; j++) acc += x.data[i * h * w + j]!;
    y[i] = acc / (h * w);
  }
  return { data: y, shape: [n, c] };
}

export function linear(x: T64, w: Float64Array, b: Float64Array, out: number): T64 {
  const [n, inF] = x.shape as [number, number];
  const y = new Float64Array(n * out);
  for (let i = 0; i < n; i++)
    for (let o = 0; o < out; o++) {
      let acc = b[o]!;
      for (let f = 0; f < inF; f++) acc += x.data[i * inF + f]! * w[o * inF + f]!;
      y[i * out + o] = acc;
    }
  return { data: y, shape: [n, out] };
}

/** Σ w·(−[t log p + (1−t) log(1−p)]) with p = sigmoid(z), written the naive way on purpose. */
export function weightedBce(z: ArrayLike<number>, t: ArrayLike<number>, w: ArrayLike<number>): { loss: number; bce: number[] } {
  let loss = 0;
  const bce: number[] = [];
  for (let i = 0; i < z.length; i++) {
    const p = 1 / (1 + Math.exp(-z[i]!));
    const b = -(t[i]! * Math.log(p) + (1 - t[i]!) * Math.log(1 - p));
    bce.push(b);
    loss += w[i]! * b;
  }
  return { loss, bce };
}

/** One layer's forward; `params` holds the layer's parameters in ParamSpec order. */
export function layerForward(spec: LayerSpec, x: T64, params: Float64Array[]): T64 {
  switch (spec.kind) {
    case 'conv2d':
      return conv2d(x, params[0]!, params[1]!, spec.outChannels, spec.kernel, spec.stride ?? 1, spec.padding ?? 0);
    case 'groupnorm':
      return groupNorm(x, params[0]!, params[1]!, spec.groups, spec.eps ?? 1e-5);
    case 'relu':
      return relu(x);
    case 'sigmoid':
      return sigmoid(x);
    case 'globalavgpool':
      return globalAvgPool(x);
    case 'linear':
      return linear(x, params[0]!, params[1]!, spec.outFeatures);
  }
}

export const paramCount = (spec: LayerSpec): number => (spec.kind === 'conv2d' || spec.kind === 'groupnorm' || spec.kind === 'linear' ? 2 : 0);

/** Logits of a sequential network; `params` in network ParamSpec order. */
export function networkForward(spec: NetworkSpec, x: T64, params: Float64Array[]): T64 {
  let offset = 0;
  let current = x;
  for (const layer of spec.layers) {
    const count = paramCount(layer);
    current = layerForward(layer, current, params.slice(offset, offset + count));
    offset += count;
  }
  return current;
}

/** Central differences of a scalar function with respect to every entry of `values` (mutated and restored). */
export function finiteDifferences(values: Float64Array, f: () => number, h = 1e-5): Float64Array {
  const grad = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const keep = values[i]!;
    values[i] = keep + h;
    const up = f();
    values[i] = keep - h;
    const down = f();
    values[i] = keep;
    grad[i] = (up - down) / (2 * h);
  }
  return grad;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc += a[i]! * b[i]!;
  return acc;
}
