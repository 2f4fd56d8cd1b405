import { describe, expect, it } from 'vitest';
import { aggregate, predictedLabels, type Pooling } from '../../../../electron/core/inference/aggregate';
import { Random } from '../../../../electron/core/random';

/** The plain reference: per label, max, mean or sigmoid(mean log-odds) over a list of per-patch rows. */
function reference(rows: number[][], method: Pooling): number[] {
  const K = rows[0]?.length ?? 0;
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return Array.from({ length: K }, (_, k) => {
    const column = rows.map((r) => r[k]!);
    if (method === 'max') return Math.max(...column);
    return method === 'mean' ? mean(column) : 1 / (1 + Math.exp(-mean(column.map((p) => Math.log(p / (1 - p))))));
  });
}

describe('aggregation', () => {
  it('matches a plain max/mean over patches for random score matrices', () => {
    const rng = new Random(11);
    for (let trial = 0; trial < 20; trial++) {
      const n = rng.int(1, 40);
      const K = rng.int(1, 9);
      const rows = Array.from({ length: n }, () => Array.from({ length: K }, () => Math.fround(rng.uniform(0.001, 0.999))));
      const flat = Float32Array.from(rows.flat());
      for (const method of ['max', 'mean', 'mean-logit'] as const) {
        const got = aggregate(flat, n, K, method);
        const want = reference(rows, method);
        got.forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 6));
      }
    }
  });

  it('gives zeros for a field whose patches were all skipped, and thresholds per label', () => {
    expect(aggregate(new Float32Array(0), 0, 3, 'max')).toEqual([0, 0, 0]);
    expect(aggregate(new Float32Array(0), 0, 3, 'mean-logit')).toEqual([0, 0, 0]);
    // Certain patches (probability 0 or 1) are clamped, not infinite.
    const [certain] = aggregate(Float32Array.from([1, 0.5]), 2, 1, 'mean-logit');
    expect(certain).toBeGreaterThan(0.99);
    expect(certain).toBeLessThan(1);
    expect(predictedLabels(['a', 'b', 'c'], [0.5, 0.49, 0.3], { a: 0.5, c: 0.25 })).toEqual(['a', 'c']);
  });
});
