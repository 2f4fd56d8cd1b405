/**
 * Image-level aggregation of per-patch probabilities: `max` over patches per class (docs/method.md §aggregation),
 * `mean` of the probabilities, or `mean-logit`: the sigmoid of the patches' mean log-odds, which
 * for a linear head equals the head applied to the field's mean embedding.
 */
export type Pooling = 'max' | 'mean' | 'mean-logit';

/** Probabilities are clamped this far from 0 and 1 before taking log-odds. */
const LOGIT_CLAMP = 1e-7;

export function logit(p: number): number {
  const c = Math.min(Math.max(p, LOGIT_CLAMP), 1 - LOGIT_CLAMP);
  return Math.log(c / (1 - c));
}

/** One class of one image: pools `count` values read by `at(i)`. */
export function poolValues(count: number, at: (i: number) => number, method: Pooling): number {
  if (count === 0) return 0;
  let v = 0;
  for (let i = 0; i < count; i++) v = method === 'max' ? Math.max(v, at(i)) : v + (method === 'mean' ? at(i) : logit(at(i)));
  if (method === 'max') return v;
  return method === 'mean' ? v / count : 1 / (1 + Math.exp(-v / count));
}

export function aggregate(patchScores: Float32Array, patchCount: number, labelCount: number, method: Pooling): number[] {
  return Array.from({ length: labelCount }, (_, k) => poolValues(patchCount, (p) => patchScores[p * labelCount + k]!, method));
}

export function predictedLabels(labels: string[], probabilities: number[], thresholds: Record<string, number>): string[] {
  return labels.filter((key, k) => probabilities[k]! >= (thresholds[key] ?? 0.5));
}
