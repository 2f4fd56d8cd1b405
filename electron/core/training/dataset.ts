/**
 * The training view of a data set: bags (images, one label vector each) of instances (patch
 * inputs: embeddings for a head, pixels for a whole network). Patches of bag b are the rows
 * [bagOffsets[b], bagOffsets[b+1]) of `inputs`.
 */
export interface BagDataset {
  labels: string[];
  /** [bags × labels], 0/1 */
  bagLabels: Uint8Array;
  bagOffsets: Int32Array;
  /** [patches × inputLength] */
  inputs: Float32Array;
  inputLength: number;
  bagIds: string[];
}

export function bagCount(d: BagDataset): number {
  return d.bagOffsets.length - 1;
}

export function patchCount(d: BagDataset): number {
  return d.bagOffsets[d.bagOffsets.length - 1]!;
}

/** Every patch inherits its image's label vector (docs/method.md §setting: no patch labels exist). */
export function inheritedPatchLabels(d: BagDataset): Uint8Array {
  const K = d.labels.length;
  const out = new Uint8Array(patchCount(d) * K);
  for (let b = 0; b < bagCount(d); b++) {
    for (let n = d.bagOffsets[b]!; n < d.bagOffsets[b + 1]!; n++) out.set(d.bagLabels.subarray(b * K, (b + 1) * K), n * K);
  }
  return out;
}

export function subsetBags(d: BagDataset, bags: readonly number[]): BagDataset {
  const K = d.labels.length;
  const D = d.inputLength;
  const offsets = new Int32Array(bags.length + 1);
  bags.forEach((b, i) => (offsets[i + 1] = offsets[i]! + d.bagOffsets[b + 1]! - d.bagOffsets[b]!));
  const inputs = new Float32Array(offsets[bags.length]! * D);
  const labels = new Uint8Array(bags.length * K);
  bags.forEach((b, i) => {
    inputs.set(d.inputs.subarray(d.bagOffsets[b]! * D, d.bagOffsets[b + 1]! * D), offsets[i]! * D);
    labels.set(d.bagLabels.subarray(b * K, (b + 1) * K), i * K);
  });
  return { labels: d.labels, bagLabels: labels, bagOffsets: offsets, inputs, inputLength: D, bagIds: bags.map((b) => d.bagIds[b]!) };
}

/** The bags of `a` followed by those of `b` (same labels and input length). */
export function concatBags(a: BagDataset, b: BagDataset): BagDataset {
  if (a.inputLength !== b.inputLength || a.labels.join() !== b.labels.join()) throw new Error('concatBags: the two data sets differ in input length or labels');
  const offsets = new Int32Array(bagCount(a) + bagCount(b) + 1);
  offsets.set(a.bagOffsets);
  for (let i = 1; i < b.bagOffsets.length; i++) offsets[bagCount(a) + i] = patchCount(a) + b.bagOffsets[i]!;
  const inputs = new Float32Array(a.inputs.length + b.inputs.length);
  inputs.set(a.inputs);
  inputs.set(b.inputs, a.inputs.length);
  const bagLabels = new Uint8Array(a.bagLabels.length + b.bagLabels.length);
  bagLabels.set(a.bagLabels);
  bagLabels.set(b.bagLabels, a.bagLabels.length);
  return { labels: a.labels, bagLabels, bagOffsets: offsets, inputs, inputLength: a.inputLength, bagIds: [...a.bagIds, ...b.bagIds] };
}

/** Per-dimension mean and std over all patches (std floored so constant dims stay finite). */
export function featureStats(d: BagDataset): { mean: Float64Array; std: Float64Array } {
  const D = d.inputLength;
  const N = patchCount(d);
  const mean = new Float64Array(D);
  const sq = new Float64Array(D);
  for (let n = 0; n < N; n++) for (let j = 0; j < D; j++) mean[j] = mean[j]! + d.inputs[n * D + j]!;
  for (let j = 0; j < D; j++) mean[j] = mean[j]! / Math.max(N, 1);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < D; j++) {
      const v = d.inputs[n * D + j]! - mean[j]!;
      sq[j] = sq[j]! + v * v;
    }
  }
  const std = new Float64Array(D);
  for (let j = 0; j < D; j++) std[j] = Math.max(Math.sqrt(sq[j]! / Math.max(N, 1)), 1e-6);
  return { mean, std };
}

export function standardised(d: BagDataset, stats: { mean: Float64Array; std: Float64Array }): BagDataset {
  const D = d.inputLength;
  const inputs = new Float32Array(d.inputs.length);
  for (let i = 0; i < inputs.length; i++) inputs[i] = (d.inputs[i]! - stats.mean[i % D]!) / stats.std[i % D]!;
  return { ...d, inputs };
}

/** Gathers the inputs of the given patches into one contiguous batch. */
export function gatherInputs(d: BagDataset, patches: ArrayLike<number>, count: number, out?: Float32Array): Float32Array {
  const D = d.inputLength;
  const batch = out ?? new Float32Array(count * D);
  for (let i = 0; i < count; i++) {
    const n = patches[i]!;
    batch.set(d.inputs.subarray(n * D, (n + 1) * D), i * D);
  }
  return batch;
}
