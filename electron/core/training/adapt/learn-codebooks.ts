/**
 * Learning an extractor's codebooks (core/models/codebook-features.ts) from fields, without labels:
 * a seeded sample of the fields, random 7×7 windows of each patch at every scale, then ZCA
 * whitening and k-means per scale. The default model's recipe learns them from generated training
 * fields (native-models/recipes/train-default.ts); lab adaptation learns them again from the lab's
 * own read fields (./adapt-extractor.ts). Deterministic for a seed and a list of fields.
 */
import { DomainError } from '../../errors';
import type { ModelManifest } from '../../models/manifest';
import { learnCodebook, rmsNormalise, sampleWindows, WINDOW_PX, type Codebook, type CodebookScale } from '../../models/codebook-features';
import { Random } from '../../random';
import { hashFile, prepareSlide } from '../../reading/prepare-slide';

/** How codebooks are learned (recorded in the package's provenance). */
export interface CodebookRecipe {
  /** Fields sampled (seeded) for windows. */
  fields: number;
  /** Windows per scale sampled from each patch. */
  windowsPerPatch: number;
  /** Centroids per scale. */
  k: number;
  seed: number;
}

export const DEFAULT_CODEBOOK_RECIPE: CodebookRecipe = { fields: 200, windowsPerPatch: 40, k: 128, seed: 1 };

export interface LearnCodebooksOptions {
  /** The package whose patch geometry is used (its patch size, pixel size default, input side). */
  manifest: ModelManifest;
  scales: readonly CodebookScale[];
  recipe: CodebookRecipe;
  /** The RMS floor of the extractor's patch normalisation (the graph's `cb_rms_floor`). */
  rmsFloor: number;
  /** 'with-cells': only the patches the reading scores (lab fields); 'all': every patch (the shipped recipe). */
  patches: 'all' | 'with-cells';
  onField?: (done: number, total: number) => void;
  onScale?: (done: number, total: number, message: string) => void;
  /** Polled between fields and scales; true stops with a 'cancelled' error. */
  isCancelled?: () => boolean;
}

/** Learns one codebook per scale from windows of a seeded sample of `paths`. */
export async function learnCodebooks(paths: readonly string[], options: LearnCodebooksOptions): Promise<Codebook[]> {
  const { recipe, scales } = options;
  if (paths.length === 0) throw new DomainError('bad-request', 'no fields to learn the codebooks from');
  const rng = new Random(recipe.seed);
  const sample = rng.shuffle([...paths]).slice(0, recipe.fields);
  const side = options.manifest.input.shape[3]!;
  const windows: number[][] = scales.map(() => []);
  for (const [i, path] of sample.entries()) {
    if (options.isCancelled?.()) throw new DomainError('conflict', 'adaptation cancelled while sampling the fields');
    const prepared = await prepareSlide(await hashFile(path), options.manifest, null, undefined, { acquisition: [] });
    const { pixels, kept } = prepared.patches;
    for (let p = 0; p < pixels.length / (side * side); p++) {
      if (options.patches === 'with-cells' && !kept[p]) continue;
      const patch = rmsNormalise(pixels.subarray(p * side * side, (p + 1) * side * side), options.rmsFloor);
      scales.forEach((scale, s) => sampleWindows(rng, patch, side, scale, recipe.windowsPerPatch, windows[s]!));
    }
    options.onField?.(i + 1, sample.length);
  }
  if (windows[0]!.length === 0) throw new DomainError('bad-request', `none of the ${sample.length} fields sampled has a patch with cells to learn from`);
  return scales.map((scale, s) => {
    if (options.isCancelled?.()) throw new DomainError('conflict', 'adaptation cancelled while learning the codebooks');
    const t0 = performance.now();
    const book = learnCodebook(Float32Array.from(windows[s]!), scale, recipe.k, recipe.seed + s);
    options.onScale?.(s + 1, scales.length, `codebook ${s} (${scale.downsample}× pooled, stride ${scale.stride}): ${windows[s]!.length / (WINDOW_PX * WINDOW_PX)} windows, k=${recipe.k}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return book;
  });
}
