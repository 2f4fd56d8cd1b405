/**
 * Unsupervised adaptation of an extractor to a lab's microscope (docs/lab-adaptation.md). Every
 * field a lab has read is unlabelled data about its microscope: the data-dependent parts of the
 * extractor — the codebooks' ZCA whitening and k-means centroids (core/models/codebook-features.ts)
 * — are learned again from those fields, and written over the active package's constants by name.
 * The graph, its other features and their sizes are unchanged, so this works on any extractor-head
 * package whose extractor has codebooks (their layout is read from the package itself). The new
 * features mean something else than the old ones: the head must be fitted again on signed cases
 * (fine-tuning mode 'adapt', ../finetune/finetune.ts), and the familiarity reference too.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DomainError } from '../../errors';
import { codebookInitializerName, codebookInitializers, WINDOW_PX, type CodebookScale } from '../../models/codebook-features';
import { headManifestOf, readHead, writeDerivedPackage, type ModelPackage } from '../../models/model-package';
import { readInitializers, type FloatTensor } from '../../models/onnx-graph';
import type { Progress } from '../heads/train-model';
import { DEFAULT_CODEBOOK_RECIPE, learnCodebooks, type CodebookRecipe } from './learn-codebooks';

export interface CodebookLayout {
  scales: CodebookScale[];
  /** Centroids per scale. */
  k: number;
  /** RMS floor of the patch normalisation in front of the codebooks. */
  rmsFloor: number;
  /** How the package's codebooks were learned, when its provenance says. */
  recipe: Partial<CodebookRecipe> | null;
}

/** The provenance entry describing the extractor's codebooks, looked for through the chain of base provenances. */
function codebookProvenance(provenance: unknown, depth = 0): { scales?: unknown; recipe?: unknown } | null {
  if (!provenance || typeof provenance !== 'object' || depth > 8) return null;
  const p = provenance as Record<string, unknown>;
  const extractor = p.extractor as Record<string, unknown> | undefined;
  if (extractor && typeof extractor === 'object' && extractor.codebooks && typeof extractor.codebooks === 'object') return extractor.codebooks as { scales?: unknown; recipe?: unknown };
  return codebookProvenance(p.baseProvenance, depth + 1);
}

/** Where the package's codebooks are and how big: scales from its provenance, K and the RMS floor from the graph. */
export async function codebookLayoutOf(pkg: ModelPackage): Promise<CodebookLayout> {
  const manifest = headManifestOf(pkg);
  const what = `${pkg.dir}: ${manifest.id} ${manifest.version}`;
  const recorded = codebookProvenance(manifest.provenance);
  const scales = recorded?.scales;
  const valid = Array.isArray(scales) && scales.length > 0 && scales.every((s) => Number.isInteger(s?.downsample) && s.downsample >= 1 && Number.isInteger(s?.stride) && s.stride >= 1);
  if (!valid) throw new DomainError('bad-request', `${what}: its extractor (${manifest.extractor?.id ?? 'unnamed'} ${manifest.extractor?.version ?? ''}) has no learned codebooks recorded in its provenance, so there is nothing to adapt to the lab's slides`);
  const bytes = await readFile(pkg.modelPath);
  let tensors: Record<string, FloatTensor>;
  const names = [...scales.map((_, s) => codebookInitializerName(s, 'centroids')), 'cb_rms_floor'];
  try {
    tensors = readInitializers(bytes, names);
  } catch (error) {
    throw new DomainError('model-invalid', `${what}: its provenance records codebooks, but the graph lacks them (${(error as Error).message})`, { cause: error });
  }
  const ks = scales.map((_, s) => tensors[codebookInitializerName(s, 'centroids')]!.dims[0]!);
  if (ks.some((k) => k !== ks[0])) throw new DomainError('model-invalid', `${what}: codebook scales have different sizes (${ks.join(', ')}); adaptation expects one K`);
  return { scales: scales as CodebookScale[], k: ks[0]!, rmsFloor: tensors.cb_rms_floor!.data[0]!, recipe: (recorded?.recipe as Partial<CodebookRecipe> | undefined) ?? null };
}

export interface AdaptExtractorOptions {
  /** Fields, windows and seed (K is the package's); default 200 fields × 40 windows per patch, seed 1. */
  recipe?: Partial<Omit<CodebookRecipe, 'k'>>;
  onProgress?: (p: Progress) => void;
  isCancelled?: () => boolean;
  log?: (message: string) => void;
}

export interface AdaptedExtractor {
  /** The active package with its codebooks re-learned (its head is the old one: fit a new one before use). */
  model: ModelPackage;
  recipe: CodebookRecipe;
  fieldsGiven: number;
  learnMs: number;
}

/**
 * Learns the codebooks again from `slidePaths` (a seeded sample of them) and writes `active` with
 * them to `outDir`: same graph, new constants, new extractor version `<version>+lab.<hash>`.
 */
export async function writeAdaptedExtractor(active: ModelPackage, slidePaths: readonly string[], outDir: string, options: AdaptExtractorOptions = {}): Promise<AdaptedExtractor> {
  const t0 = performance.now();
  const layout = await codebookLayoutOf(active);
  const manifest = headManifestOf(active);
  const recipe: CodebookRecipe = { ...DEFAULT_CODEBOOK_RECIPE, ...options.recipe, k: layout.k };
  const books = await learnCodebooks(slidePaths, {
    manifest,
    scales: layout.scales,
    recipe,
    rmsFloor: layout.rmsFloor,
    patches: 'with-cells',
    isCancelled: options.isCancelled,
    onField: (done, total) => options.onProgress?.({ phase: 'adapt', done, total, message: 'sampling windows of the lab fields' }),
    onScale: (done, total, message) => {
      options.log?.(message);
      options.onProgress?.({ phase: 'adapt', done, total, message: 'learning codebooks' });
    },
  });
  const replacements: Record<string, FloatTensor> = {};
  books.forEach((book, s) => {
    for (const [name, tensor] of Object.entries(codebookInitializers(book))) replacements[codebookInitializerName(s, name)] = tensor;
  });
  const digest = createHash('sha256');
  for (const name of Object.keys(replacements).sort()) digest.update(name).update(new Uint8Array(replacements[name]!.data.buffer));
  const extractorVersion = `${(manifest.extractor?.version ?? '0').split('+')[0]}+lab.${digest.digest('hex').slice(0, 8)}`;
  const head = await readHead(active);
  const model = await writeDerivedPackage(active, outDir, {
    head: { weights: head.weights.data, bias: head.bias.data },
    version: `${manifest.version.split('+')[0]}+adapted-extractor`,
    displayName: `${manifest.displayName} (extractor adapted to the lab, head not yet refitted)`,
    extractor: { replacements, version: extractorVersion },
    provenance: {
      adaptedFrom: `${manifest.id}@${manifest.version}`,
      baseProvenance: manifest.provenance,
      extractor: { codebooks: { recipe, scales: layout.scales, windowPx: WINDOW_PX, learnedFrom: `${slidePaths.length} of the lab's fields (unlabelled), ${Math.min(recipe.fields, slidePaths.length)} sampled` } },
    },
  });
  return { model, recipe, fieldsGiven: slidePaths.length, learnMs: performance.now() - t0 };
}
