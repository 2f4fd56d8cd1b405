/**
 * Adam (PyTorch's form, no weight decay) as ONNX nodes. `step` is the 1-based step count after
 * this update, fed as a float so bias corrections are computed in-graph.
 */
import type { Emitter } from './emitter';

export interface AdamHyper {
  beta1: number;
  beta2: number;
  eps: number;
}

export const DEFAULT_ADAM: AdamHyper = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

export interface AdamCorrections {
  /** lr / (1 − β1^t). */
  stepSize: string;
  /** sqrt(1 − β2^t). */
  sqrtBc2: string;
}

export function emitAdamCorrections(e: Emitter, lr: string, step: string, hyper: AdamHyper): AdamCorrections {
  const bc1 = e.sub(e.scalar(1), e.node('Pow', [e.scalar(hyper.beta1), step]));
  const bc2 = e.sub(e.scalar(1), e.node('Pow', [e.scalar(hyper.beta2), step]));
  return { stepSize: e.div(lr, bc1), sqrtBc2: e.node('Sqrt', [bc2]) };
}

export function emitAdamUpdate(e: Emitter, c: AdamCorrections, hyper: AdamHyper, param: string, grad: string, m: string, v: string): { param: string; m: string; v: string } {
  const m2 = e.add(e.mul(e.scalar(hyper.beta1), m), e.mul(e.scalar(1 - hyper.beta1), grad));
  const v2 = e.add(e.mul(e.scalar(hyper.beta2), v), e.mul(e.scalar(1 - hyper.beta2), e.mul(grad, grad)));
  const denom = e.add(e.div(e.node('Sqrt', [v2]), c.sqrtBc2), e.scalar(hyper.eps));
  const p2 = e.sub(param, e.mul(c.stepSize, e.div(m2, denom)));
  return { param: p2, m: m2, v: v2 };
}

/** The same update in TypeScript float64, the reference the graph is tested against. */
export function adamReference(param: ArrayLike<number>, grad: ArrayLike<number>, m: ArrayLike<number>, v: ArrayLike<number>, lr: number, step: number, hyper: AdamHyper = DEFAULT_ADAM): { param: number[]; m: number[]; v: number[] } {
  const out = { param: [] as number[], m: [] as number[], v: [] as number[] };
  const stepSize = lr / (1 - hyper.beta1 ** step);
  const sqrtBc2 = Math.sqrt(1 - hyper.beta2 ** step);
  for (let i = 0; i < param.length; i++) {
    const g = grad[i]!;
    const m2 = hyper.beta1 * m[i]! + (1 - hyper.beta1) * g;
    const v2 = hyper.beta2 * v[i]! + (1 - hyper.beta2) * g * g;
    out.m.push(m2);
    out.v.push(v2);
    out.param.push(param[i]! - (stepSize * m2) / (Math.sqrt(v2) / sqrtBc2 + hyper.eps));
  }
  return out;
}
