/**
 * Do two graphs of one package compute the same reading? Both run on the patches of real fields
 * from the generator, and the differences are reported where they matter: per embedding value
 * (in standard deviations of the training fields, the head's input) and per field after the
 * reader's mean-logit aggregation (probability and log-odds), the figure a threshold sees.
 */
import { createGraphSession } from '../../electron/core/inference/engine';
import { aggregate, logit } from '../../electron/core/inference/aggregate';
import { cutPatches, type PatchSpec } from '../../electron/core/slides/patches';
import { generateField } from '../../electron/core/synth';

export interface GraphDifference {
  fields: number;
  patches: number;
  maxEmbeddingDiff: number;
  maxFieldProbabilityDiff: number;
  maxFieldLogitDiff: number;
}

/** How a package's patches are cut: the extractor family's (128 µm into 256 px, not normalised) unless told. */
export type PatchInput = Pick<PatchSpec, 'patchSizeUm' | 'inputPx' | 'mean' | 'std'>;
export const EXTRACTOR_PATCH_INPUT: PatchInput = { patchSizeUm: 128, inputPx: 256, mean: 0, std: 1 };

/** Patches of `count` generated fields (1024×768 px at 0.5 µm/px; 12 patches of 128 µm), seeds from `seed`. */
export function generatedFieldPatches(count: number, seed: number, input: PatchInput = EXTRACTOR_PATCH_INPUT): { pixels: Float32Array; patchesPerField: number } {
  const parts: Float32Array[] = [];
  let patchesPerField = 0;
  for (let f = 0; f < count; f++) {
    const field = generateField({ widthPx: 1024, heightPx: 768, pixelSizeUm: 0.5 }, seed + f);
    const cut = cutPatches(field.fitc, 1024, 768, 0.5, { ...input, backgroundMax: 0 });
    patchesPerField = cut.rects.length;
    parts.push(cut.pixels);
  }
  const pixels = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((offset, p) => (pixels.set(p, offset), offset + p.length), 0);
  return { pixels, patchesPerField };
}

/** Largest change of a field's probability (mean-logit over its patches) a rebuilt graph may make. */
export const MAX_FIELD_PROBABILITY_CHANGE = 0.005;

/** Refuses a rebuilt graph of `modelPath` that reads a field differently by more than MAX_FIELD_PROBABILITY_CHANGE. */
export function assertSameReading(modelPath: string, difference: GraphDifference): void {
  if (difference.maxFieldProbabilityDiff > MAX_FIELD_PROBABILITY_CHANGE) {
    throw new Error(`${modelPath}: the rebuilt graph changes a field's probability by ${difference.maxFieldProbabilityDiff.toFixed(4)} (> ${MAX_FIELD_PROBABILITY_CHANGE}); nothing written`);
  }
}

export async function compareGraphs(before: Uint8Array, after: Uint8Array, fields: number, seed: number, labelCount: number, input: PatchInput = EXTRACTOR_PATCH_INPUT): Promise<GraphDifference> {
  const { pixels, patchesPerField } = generatedFieldPatches(fields, seed, input);
  const patches = fields * patchesPerField;
  const run = async (bytes: Uint8Array, label: string) => {
    const session = await createGraphSession(bytes, { providers: ['cpu'], label });
    try {
      const out = await session.run({ patches: { data: pixels, dims: [patches, 1, input.inputPx, input.inputPx] } }, ['probabilities', 'embeddings']);
      return { probabilities: out.probabilities!.data, embeddings: out.embeddings!.data };
    } finally {
      await session.close();
    }
  };
  const a = await run(before, 'graph before');
  const b = await run(after, 'graph after');
  let maxEmbeddingDiff = 0;
  for (let i = 0; i < a.embeddings.length; i++) maxEmbeddingDiff = Math.max(maxEmbeddingDiff, Math.abs(a.embeddings[i]! - b.embeddings[i]!));
  let maxFieldProbabilityDiff = 0;
  let maxFieldLogitDiff = 0;
  const size = patchesPerField * labelCount;
  for (let f = 0; f < fields; f++) {
    const pa = aggregate(a.probabilities.subarray(f * size, (f + 1) * size), patchesPerField, labelCount, 'mean-logit');
    const pb = aggregate(b.probabilities.subarray(f * size, (f + 1) * size), patchesPerField, labelCount, 'mean-logit');
    pa.forEach((p, k) => {
      maxFieldProbabilityDiff = Math.max(maxFieldProbabilityDiff, Math.abs(p - pb[k]!));
      maxFieldLogitDiff = Math.max(maxFieldLogitDiff, Math.abs(logit(p) - logit(pb[k]!)));
    });
  }
  return { fields, patches, maxEmbeddingDiff, maxFieldProbabilityDiff, maxFieldLogitDiff };
}
