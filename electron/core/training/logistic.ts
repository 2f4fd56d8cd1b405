/** Numerically stable logistic functions shared by the scorers and the self-paced loss. */

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
