/**
 * The contrastive loss of SimCLR (NT-Xent: Chen et al., ICML 2020) on projections h [M, P] of M
 * patch views, and its gradient, as ONNX nodes. `pairs` [M, M] is 1 where row j is the other view
 * of row i's patch (a symmetric permutation, zero diagonal). With u = h / |h| and
 * S = u·uᵀ / τ (the diagonal masked out):
 *   L = (1/M) Σ_i [ log Σ_{j≠i} exp(S_ij) − S_i,pair(i) ]
 * The backward pass is written out, as for every layer here:
 *   dL/dS = (softmax_row(S) − pairs) / M,  dL/du = (G + Gᵀ)·u / τ,
 *   dL/dh = (dL/du − u ⊙ Σ_p(u ⊙ dL/du)) / |h|.
 * The view pairs are the only "labels": two augmentations of one patch must map close together
 * and away from every other patch of the batch.
 */
import type { Emitter } from './emitter';

export interface ContrastivePass {
  /** Mean over the M views, a scalar. */
  loss: string;
  /** dL/dh [M, P]. */
  dProjections: string;
}

/** Added to the diagonal of S: exp of it underflows to 0, so a view is never its own negative. */
const SELF_MASK = -1e4;

export function emitContrastiveLoss(e: Emitter, projections: string, pairs: string, temperature: number): ContrastivePass {
  const norm = e.node('Sqrt', [e.add(e.sumOver(e.mul(projections, projections), [1], true), e.scalar(1e-12))]);
  const u = e.div(projections, norm);
  const invTau = e.scalar(1 / temperature);
  const gram = e.mul(e.node('MatMul', [u, e.node('Transpose', [u], { perm: [1, 0] })]), invTau);
  const s = e.add(gram, e.mul(e.node('EyeLike', [gram]), e.scalar(SELF_MASK)));
  const rowMax = e.node('ReduceMax', [s], { axes: [1], keepdims: 1 });
  const logSumExp = e.add(rowMax, e.node('Log', [e.sumOver(e.node('Exp', [e.sub(s, rowMax)]), [1], true)]));
  const positive = e.sumOver(e.mul(s, pairs), [1], true);
  const loss = e.node('ReduceMean', [e.sub(logSumExp, positive)], { keepdims: 0 });

  const m = e.node('Cast', [e.node('Gather', [e.node('Shape', [s]), e.ints([0])])], { to: 1 });
  const dS = e.div(e.sub(e.node('Exp', [e.sub(s, logSumExp)]), pairs), m);
  const dU = e.mul(e.node('MatMul', [e.add(dS, e.node('Transpose', [dS], { perm: [1, 0] })), u]), invTau);
  const dProjections = e.div(e.sub(dU, e.mul(u, e.sumOver(e.mul(u, dU), [1], true))), norm);
  return { loss, dProjections };
}
