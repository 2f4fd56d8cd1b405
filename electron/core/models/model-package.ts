/**
 * Model packages in `native-models/<id>/` (or a lab's models folder): loading parses the manifest,
 * verifies every file's sha256 and the extractor's sub-graph hash, and returns paths ready for the
 * inference engine. Writing a derived package (same extractor, new head: local fine-tuning and the
 * trainer) replaces the head initializers by name, re-hashes, and writes the manifest last, so a
 * half-written package never has a valid manifest. Errors name the package and the problem.
 */
import { sha256Hex } from '../sha256';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { findLabel } from '../../contract/labels';
import { DomainError } from '../errors';
import { ModelManifest, type ExtractorHeadManifest } from './manifest';
import { readInitializers, replaceInitializers, subgraphSha256, type FloatTensor } from './onnx-graph';

export interface ModelPackage {
  dir: string;
  manifest: ModelManifest;
  modelPath: string;
}

export { sha256Hex } from '../sha256';

export async function loadModelPackage(dir: string): Promise<ModelPackage> {
  const absDir = resolve(dir);
  const manifestPath = join(absDir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (error) {
    throw new DomainError('model-invalid', `${manifestPath}: cannot read manifest (${(error as Error).message})`, { cause: error });
  }
  const parsed = ModelManifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DomainError('model-invalid', `${manifestPath}: ${issue.path.join('.') || 'manifest'}: ${issue.message}`);
  }
  const manifest = parsed.data;
  const modelFiles = manifest.files.filter((f) => f.role === 'model');
  if (modelFiles.length !== 1) throw new DomainError('model-invalid', `${manifestPath}: expected exactly one file with role 'model', found ${modelFiles.length}`);
  let modelBytes: Uint8Array | null = null;
  for (const file of manifest.files) {
    const path = join(absDir, file.path);
    const bytes = await readFile(path).catch(() => {
      throw new DomainError('model-invalid', `${path}: listed in the manifest but missing`);
    });
    const actual = sha256Hex(bytes);
    if (actual !== file.sha256) {
      throw new DomainError('model-invalid', `${path}: sha256 ${actual} does not match the manifest (${file.sha256}); the package is damaged or was edited`);
    }
    if (file.role === 'model') modelBytes = bytes;
  }
  const keys = manifest.labels.map((l) => l.key);
  if (new Set(keys).size !== keys.length) throw new DomainError('model-invalid', `${manifestPath}: duplicate label keys`);
  // The product's vocabulary (contract/labels.ts) is the one list of patterns a reading can report.
  const unknown = keys.filter((key) => !findLabel(key));
  if (unknown.length) throw new DomainError('model-invalid', `${manifestPath}: label${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} not in the pattern vocabulary (electron/contract/labels.ts)`);
  for (const key of Object.keys(manifest.thresholds)) {
    if (!keys.includes(key)) throw new DomainError('model-invalid', `${manifestPath}: threshold for unknown label '${key}'`);
  }
  const modelPath = join(absDir, modelFiles[0]!.path);
  if (manifest.kind === 'extractor-head' && manifest.extractor) {
    if (!manifest.outputs.embeddings) throw new DomainError('model-invalid', `${manifestPath}: an extractor is declared but outputs.embeddings is not`);
    let actual: string;
    try {
      actual = subgraphSha256(modelBytes!, manifest.outputs.embeddings);
    } catch (error) {
      throw new DomainError('model-invalid', `${modelPath}: cannot find the extractor sub-graph (${(error as Error).message})`, { cause: error });
    }
    if (actual !== manifest.extractor.sha256) {
      throw new DomainError('model-invalid', `${modelPath}: extractor sub-graph sha256 ${actual} does not match the manifest's extractor ${manifest.extractor.id}@${manifest.extractor.version} (${manifest.extractor.sha256})`);
    }
  }
  return { dir: absDir, manifest, modelPath };
}

/** The manifest of a package with a separate head; a whole network has none to replace. */
export function headManifestOf(pkg: ModelPackage): ExtractorHeadManifest {
  if (pkg.manifest.kind !== 'extractor-head') throw new DomainError('bad-request', `${pkg.dir}: ${pkg.manifest.id} ${pkg.manifest.version} is a whole network (kind '${pkg.manifest.kind}'), not a feature extractor with a head`);
  return pkg.manifest;
}

/** Where a whole network's final linear layer sits in its inference graph (training/network/graphs.ts keeps these names). */
const NETWORK_HEAD = { weights: 'head_w', bias: 'head_b' } as const;

/**
 * The head's current weights [labels, dims] and bias [labels], as stored in the model file. A whole
 * network's head is its final linear layer on its embeddings (what the shift benchmark fine-tunes).
 */
export async function readHead(pkg: ModelPackage): Promise<{ weights: FloatTensor; bias: FloatTensor }> {
  const { weights, bias } = pkg.manifest.kind === 'network' ? NETWORK_HEAD : headManifestOf(pkg).head;
  try {
    const tensors = readInitializers(await readFile(pkg.modelPath), [weights, bias]);
    return { weights: tensors[weights]!, bias: tensors[bias]! };
  } catch (error) {
    throw new DomainError('model-invalid', `${pkg.modelPath}: ${(error as Error).message}`, { cause: error });
  }
}

export interface DerivedPackageOptions {
  /** New head: weights row-major [labels, dims], bias [labels]. */
  head: { weights: Float32Array; bias: Float32Array };
  version: string;
  id?: string;
  displayName?: string;
  thresholds?: Record<string, number>;
  provenance?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
  /** Markdown model card written beside the model and listed in the manifest. */
  card?: string;
  /**
   * A re-learned extractor (lab adaptation): its data-dependent constants replaced by name (same
   * dims) and a new extractor version. The parent's familiarity reference describes the old
   * embeddings, so it is not carried over.
   */
  extractor?: { replacements: Record<string, FloatTensor>; version: string };
}

/**
 * Writes a package that shares `parent`'s extractor and replaces its head: same graph, new
 * `head_w`/`head_b` values, new file hash; `parentVersion` points at the parent.
 */
export async function writeDerivedPackage(parent: ModelPackage, outDir: string, options: DerivedPackageOptions): Promise<ModelPackage> {
  const manifest = headManifestOf(parent);
  const labelCount = manifest.labels.length;
  const parentBytes = await readFile(parent.modelPath);
  const current = readInitializers(parentBytes, [manifest.head.weights]);
  const dims = current[manifest.head.weights]!.dims[1]!;
  if (options.head.weights.length !== labelCount * dims || options.head.bias.length !== labelCount) {
    throw new DomainError('bad-request', `new head for ${manifest.id}: expected weights [${labelCount}, ${dims}] and bias [${labelCount}], got ${options.head.weights.length} and ${options.head.bias.length} values`);
  }
  for (const v of [...options.head.weights, ...options.head.bias]) if (!Number.isFinite(v)) throw new DomainError('bad-request', `new head for ${manifest.id}: weights contain a non-finite value`);
  const bytes = replaceInitializers(parentBytes, {
    ...options.extractor?.replacements,
    [manifest.head.weights]: { dims: [labelCount, dims], data: options.head.weights },
    [manifest.head.bias]: { dims: [labelCount], data: options.head.bias },
  });
  const extractor = options.extractor && manifest.extractor ? { ...manifest.extractor, version: options.extractor.version, sha256: subgraphSha256(bytes, manifest.outputs.embeddings!) } : manifest.extractor;
  const absDir = resolve(outDir);
  await mkdir(absDir, { recursive: true });
  const modelFile = manifest.files.find((f) => f.role === 'model')!.path;
  await writeFile(join(absDir, modelFile), bytes);
  const files: ModelManifest['files'] = [{ path: modelFile, sha256: sha256Hex(bytes), role: 'model' }];
  if (options.card !== undefined) {
    const cardBytes = new TextEncoder().encode(options.card);
    await writeFile(join(absDir, 'MODEL_CARD.md'), cardBytes);
    files.push({ path: 'MODEL_CARD.md', sha256: sha256Hex(cardBytes), role: 'card' });
  }
  // The familiarity reference describes the extractor's embeddings, which a new head leaves unchanged.
  for (const reference of options.extractor ? [] : manifest.files.filter((f) => f.role === 'reference')) {
    await writeFile(join(absDir, reference.path), await readFile(join(parent.dir, reference.path)));
    files.push(reference);
  }
  const next: ModelManifest = {
    ...manifest,
    id: options.id ?? manifest.id,
    version: options.version,
    parentVersion: manifest.version,
    displayName: options.displayName ?? manifest.displayName,
    thresholds: options.thresholds ?? manifest.thresholds,
    extractor,
    files,
    provenance: options.provenance ?? {},
    metrics: options.metrics ?? {},
  };
  await writeManifest(absDir, next);
  return loadModelPackage(absDir);
}

/** Adds (or replaces) a file of the given role to a written package, e.g. its familiarity reference; re-verifies the package. */
export async function attachPackageFile(pkg: ModelPackage, path: string, role: ModelManifest['files'][number]['role'], bytes: Uint8Array): Promise<ModelPackage> {
  await writeFile(join(pkg.dir, path), bytes);
  const files = [...pkg.manifest.files.filter((f) => f.role !== role && f.path !== path), { path, sha256: sha256Hex(bytes), role }];
  await writeManifest(pkg.dir, { ...pkg.manifest, files });
  return loadModelPackage(pkg.dir);
}

/** Writes manifest.json atomically (temp file + rename): readers see the old or the new one. */
export async function writeManifest(dir: string, manifest: ModelManifest): Promise<void> {
  const path = join(dir, 'manifest.json');
  await writeFile(`${path}.tmp`, JSON.stringify(manifest, null, 2) + '\n');
  await rename(`${path}.tmp`, path);
}
