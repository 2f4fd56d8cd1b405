import { describe, expect, it } from 'vitest';
import { Adam, adamReference } from '../../../../electron/core/training/adam';

describe('Adam: one rule', () => {
  it('the heads\' optimiser and the reference the ONNX graph is tested against take the same steps', () => {
    const params = Float64Array.of(1, -0.5, 0.25);
    const adam = new Adam(3, { lr: 0.01 });
    let ref = { param: Array.from(params), m: [0, 0, 0], v: [0, 0, 0] };
    const grads = [Float64Array.of(0.5, -2, 1e-3), Float64Array.of(-0.1, 0.3, 2), Float64Array.of(1, 1, -1)];
    grads.forEach((grad, i) => {
      adam.step(params, grad);
      ref = adamReference(ref.param, grad, ref.m, ref.v, 0.01, i + 1);
      ref.param.forEach((p, k) => expect(params[k]).toBeCloseTo(p, 12));
    });
  });
});
