/**
 * Test bags with a known MIML structure: each label has a prototype direction; each patch of an
 * image shows ONE of the image's labels (or background), so inherited patch labels are noisy
 * exactly as in docs/method.md §setting's setting.
 */
import { Random } from '../../../../electron/core/random';
import type { BagDataset } from '../../../../electron/core/training/dataset';

export function syntheticBags(opts: { bags: number; K?: number; D?: number; patches?: number; noise?: number; seed: number; backgroundShare?: number }): BagDataset {
  const K = opts.K ?? 4;
  const D = opts.D ?? 12;
  const P = opts.patches ?? 8;
  const noise = opts.noise ?? 0.6;
  const rng = new Random(opts.seed);
  const protoRng = new Random(999);
  const protos = Array.from({ length: K + 1 }, () => Array.from({ length: D }, () => protoRng.normal(0, 1)));
  const bagLabels = new Uint8Array(opts.bags * K);
  const offsets = new Int32Array(opts.bags + 1);
  const inputs = new Float32Array(opts.bags * P * D);
  for (let b = 0; b < opts.bags; b++) {
    const labels: number[] = [rng.int(0, K - 1)];
    if (rng.next() < 0.45) labels.push(rng.int(0, K - 1));
    if (rng.next() < 0.2) labels.push(rng.int(0, K - 1));
    const set = [...new Set(labels)];
    for (const k of set) bagLabels[b * K + k] = 1;
    offsets[b + 1] = offsets[b]! + P;
    for (let p = 0; p < P; p++) {
      // the first patches show each label at least once; the rest are mixed with some background
      const which = p < set.length ? set[p]! : rng.next() < (opts.backgroundShare ?? 0.2) ? K : rng.pick(set);
      for (let d = 0; d < D; d++) inputs[(b * P + p) * D + d] = protos[which]![d]! + rng.normal(0, noise);
    }
  }
  return { labels: Array.from({ length: K }, (_, k) => `c${k}`), bagLabels, bagOffsets: offsets, inputs, inputLength: D, bagIds: Array.from({ length: opts.bags }, (_, b) => `b${b}`) };
}
