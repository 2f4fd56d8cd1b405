/**
 * Adam (Kingma & Ba) as PyTorch implements it: β 0.9/0.999, ε 1e-8, no weight decay, bias
 * correction by the step count since the optimiser was (re)created. The one Adam of the project:
 * the heads step it here in float64; the whole network runs the same rule as ONNX nodes
 * (network/adam-graph.ts), tested against `adamReference` below. `lrScale` gives each entry its
 * own learning-rate factor, which is how the label-aware coefficients λ reach α.
 */
export interface AdamHyper {
  beta1: number;
  beta2: number;
  eps: number;
}

export const DEFAULT_ADAM: AdamHyper = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

export interface AdamOptions extends Partial<AdamHyper> {
  lr: number;
}

export class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;

  constructor(size: number, options: AdamOptions) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
    this.lr = options.lr;
    this.beta1 = options.beta1 ?? DEFAULT_ADAM.beta1;
    this.beta2 = options.beta2 ?? DEFAULT_ADAM.beta2;
    this.eps = options.eps ?? DEFAULT_ADAM.eps;
  }

  /** Updates `params` in place from `grad`; with `active`, only those entries (the rest have no gradient and zero state). */
  step(params: Float64Array, grad: Float64Array, lrScale?: Float64Array | null, active?: Int32Array | null): void {
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    const { m, v, beta1, beta2, eps } = this;
    const update = (i: number): void => {
      const g = grad[i]!;
      m[i] = beta1 * m[i]! + (1 - beta1) * g;
      v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
      const lr = lrScale ? this.lr * lrScale[i]! : this.lr;
      if (lr !== 0) params[i] = params[i]! - (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
    };
    if (active) for (let j = 0; j < active.length; j++) update(active[j]!);
    else for (let i = 0; i < params.length; i++) update(i);
  }
}

/** One update on explicit state (m, v, the 1-based step), the reference the graph form is tested against. */
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
