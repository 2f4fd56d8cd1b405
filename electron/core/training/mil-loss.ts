/** The image-level loss of the max-/mean-pooling MIL baselines, on a batch of patch logits. */
import type { Pooling } from '../inference/aggregate';
import { sigmoid } from './logistic';

/** BCE of one bag's pooled probability per class; writes dLoss/dlogits of its patch rows. */
export function milBagLoss(logits: Float64Array, row: number, size: number, K: number, labels: ArrayLike<number>, labelOffset: number, pooling: Pooling, grad: Float64Array): number {
  let loss = 0;
  if (size === 0) return 0;
  for (let k = 0; k < K; k++) {
    const y = labels[labelOffset + k]!;
    if (pooling === 'max') {
      let arg = row;
      for (let n = row + 1; n < row + size; n++) if (logits[n * K + k]! > logits[arg * K + k]!) arg = n;
      const z = logits[arg * K + k]!;
      loss += Math.max(z, 0) - y * z + Math.log1p(Math.exp(-Math.abs(z)));
      grad[arg * K + k] = sigmoid(z) - y;
    } else if (pooling === 'mean-logit') {
      // BCE of sigmoid(mean logit): for a linear head, logistic regression on the mean embedding.
      let z = 0;
      for (let n = row; n < row + size; n++) z += logits[n * K + k]! / size;
      loss += Math.max(z, 0) - y * z + Math.log1p(Math.exp(-Math.abs(z)));
      const g = (sigmoid(z) - y) / size;
      for (let n = row; n < row + size; n++) grad[n * K + k] = g;
    } else {
      let P = 0;
      for (let n = row; n < row + size; n++) P += sigmoid(logits[n * K + k]!) / size;
      const Pc = Math.min(Math.max(P, 1e-7), 1 - 1e-7);
      loss += -(y * Math.log(Pc) + (1 - y) * Math.log(1 - Pc));
      const dP = (Pc - y) / (Pc * (1 - Pc));
      for (let n = row; n < row + size; n++) {
        const p = sigmoid(logits[n * K + k]!);
        grad[n * K + k] = (dP * p * (1 - p)) / size;
      }
    }
  }
  return loss;
}
