/**
 * Sampling of label sets. The default keeps the imbalance of the paper's ANA set in spirit
 * (speckled and mitochondrial common, Golgi rare) but flattened so every class has enough
 * examples; mean cardinality is about 1.6 with up to 3 patterns and about 10% negatives.
 */
import { LABEL_KEYS } from '../../contract/labels';
import { DomainError } from '../errors';
import type { Random } from '../random';
import type { LabelDistribution } from './synth.types';

export const DEFAULT_LABEL_DISTRIBUTION: LabelDistribution = {
  weights: {
    speckled: 3,
    mitochondrial: 2,
    homogeneous: 1.8,
    nucleolar: 1.2,
    centromere: 1.1,
    nuclear_envelope: 1,
    nuclear_dots: 1,
    golgi: 0.8,
  },
  negativeRate: 0.1,
  // Among positives: 1 → 0.40, 2 → 0.42, 3 → 0.18 (mean 1.78; with 10% negatives ≈ 1.6 overall).
  cardinality: [0.4, 0.42, 0.18],
};

export function validateLabelDistribution(dist: LabelDistribution): void {
  for (const [key, weight] of Object.entries(dist.weights)) {
    if (!LABEL_KEYS.includes(key)) throw new DomainError('bad-request', `label distribution: unknown label key '${key}' (known: ${LABEL_KEYS.join(', ')})`);
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new DomainError('bad-request', `label distribution: weight of '${key}' must be a finite number >= 0`);
  }
  if (!(dist.negativeRate >= 0 && dist.negativeRate <= 1)) throw new DomainError('bad-request', 'label distribution: negativeRate must be within 0..1');
  if (dist.cardinality.length === 0 || dist.cardinality.some((p) => !(p >= 0))) throw new DomainError('bad-request', 'label distribution: cardinality needs probabilities >= 0');
}

/** Label keys in LABEL_KEYS order; [] = negative. Patterns are drawn without replacement by weight. */
export function sampleLabelSet(rng: Random, dist: LabelDistribution = DEFAULT_LABEL_DISTRIBUTION): string[] {
  if (rng.next() < dist.negativeRate) return [];
  const pool = LABEL_KEYS.filter((k) => (dist.weights[k] ?? 0) > 0);
  if (pool.length === 0) return [];
  const count = Math.min(pool.length, 1 + drawIndex(rng, dist.cardinality));
  const chosen = new Set<string>();
  while (chosen.size < count) {
    const remaining = pool.filter((k) => !chosen.has(k));
    chosen.add(remaining[drawIndex(rng, remaining.map((k) => dist.weights[k]!))]!);
  }
  return LABEL_KEYS.filter((k) => chosen.has(k));
}

function drawIndex(rng: Random, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}
