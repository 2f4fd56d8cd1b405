/**
 * The project's Adam (../adam.ts: PyTorch's form, no weight decay) as ONNX nodes. `step` is the 1-based step count after
 * this update, fed as a float so bias corrections are computed in-graph.
 */
import type { AdamHyper } from '../adam';
import type { Emitter } from './emitter';

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
