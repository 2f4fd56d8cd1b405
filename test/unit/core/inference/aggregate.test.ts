import { describe, expect, it } from 'vitest';
import { aggregate, predictedLabels } from '../../../../electron/core/inference/aggregate';
import { Random } from '../../../../electron/core/random';

/** The plain reference: per label, max (or mean) over a list of per-patch rows. */
function reference(rows: number[][], method: 'max' | 'mean'): number[] {
  const K = rows[0]?.length ?? 0;
  return Array.from({ length: K }, (_, k) => {
    const column = rows.map((r) => r[k]!);
    return method === 'max' ? Math.max(...column) : column.reduce((a, b) => a + b, 0) / column.length;
  });
}

describe('aggregation', () => {
  it('matches a plain max/mean over patches for random score matrices', () => {
    const rng = new Random(11);
    for (let trial = 0; trial < 20; trial++) {
      const n = rng.int(1, 40);
      const K = rng.int(1, 9);
      const rows = Array.from({ length: n }, () => Array.from({ length: K }, () => Math.fround(rng.next())));
      const flat = Float32Array.from(rows.flat());
      for (const method of ['max', 'mean'] as const) {
        const got = aggregate(flat, n, K, method);
        const want = reference(rows, method);
        got.forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 6));
      }
    }
  });

  it('gives zeros for a field whose patches were all skipped, and thresholds per label', () => {
    expect(aggregate(new Float32Array(0), 0, 3, 'max')).toEqual([0, 0, 0]);
    expect(predictedLabels(['a', 'b', 'c'], [0.5, 0.49, 0.3], { a: 0.5, c: 0.25 })).toEqual(['a', 'c']);
  });
});
