/**
 * Per-slide cache of patch embeddings, so that training a head costs seconds, not a re-run of the
 * extractor over every field. Layout: `<cacheDir>/<extractor sha256>/<file sha256>-<prep>.emb`,
 * where <prep> hashes everything besides the extractor that changes the embeddings (patch size
 * in µm, input size, normalisation, background cut-off, a pixel-size override). A head-only
 * change (new package, same extractor) therefore hits the cache.
 *
 * File format (little-endian): magic "ANAE", u32 format 1, u32 dims, u32 kept patches, u32 grid
 * patches, 32 bytes file sha256, 32 bytes extractor sha256, u32[kept] grid indices of the kept
 * patches, f32[kept × dims] embeddings. Written to a temporary name and renamed, so a crash never
 * leaves a half file under the real name; a damaged file is recomputed, not trusted.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { DomainError } from '../../errors';
import type { InferenceEngine } from '../../inference/engine';
import { patchOptionsOf } from '../../models/manifest';
import type { ModelPackage } from '../../models/model-package';
import { decodeSlideBytes, readSlideBytes } from '../../slides/decode';
import { cutPatches, PATCH_RULE } from '../../slides/patches';
import { subgraphSha256 } from '../../models/onnx-graph';

const MAGIC = 0x45414e41; // "ANAE"
const FORMAT = 1;
const HEADER_BYTES = 4 * 5 + 32 + 32;

export interface SlideEmbeddings {
  fileSha256: string;
  extractorSha256: string;
  dims: number;
  gridPatches: number;
  /** Grid indices of the patches that passed the background cut-off (the ones the reading scores). */
  kept: Uint32Array;
  /** [kept × dims] */
  embeddings: Float32Array;
}

export interface EmbeddingSource {
  model: ModelPackage;
  engine: InferenceEngine;
  cacheDir: string;
  batchSize?: number;
}

const derivedExtractorSha = new Map<string, string>();

/**
 * The extractor's identity: the manifest's extractor hash, else (older packages without one) the
 * hash of the sub-graph computing the embeddings output, so head-only derivatives still share it.
 */
export async function extractorSha256(model: ModelPackage): Promise<string> {
  if (model.manifest.kind === 'extractor-head' && model.manifest.extractor) return model.manifest.extractor.sha256;
  const fileSha = model.manifest.files.find((f) => f.role === 'model')!.sha256;
  const known = derivedExtractorSha.get(fileSha);
  if (known) return known;
  const output = model.manifest.outputs.embeddings;
  if (!output) throw new DomainError('model-invalid', `${model.dir}: model '${model.manifest.id}' ${model.manifest.version} has no embeddings output; it cannot be trained`);
  const sha = subgraphSha256(await readFile(model.modelPath), output);
  derivedExtractorSha.set(fileSha, sha);
  return sha;
}

function preprocessingKey(model: ModelPackage, pixelSizeUm: number | null): string {
  const { patch, normalisation, input } = model.manifest;
  return createHash('sha256').update(JSON.stringify({ patch, normalisation, shape: input.shape, pixelSizeUm, rule: PATCH_RULE })).digest('hex').slice(0, 12);
}

export function encodeEmbeddings(e: SlideEmbeddings): Uint8Array {
  const kept = e.kept.length;
  if (e.embeddings.length !== kept * e.dims) throw new RangeError(`embeddings: ${e.embeddings.length} values for ${kept} patches × ${e.dims} dims`);
  const bytes = new Uint8Array(HEADER_BYTES + kept * 4 + kept * e.dims * 4);
  const view = new DataView(bytes.buffer);
  [MAGIC, FORMAT, e.dims, kept, e.gridPatches].forEach((v, i) => view.setUint32(i * 4, v, true));
  bytes.set(Buffer.from(e.fileSha256, 'hex'), 20);
  bytes.set(Buffer.from(e.extractorSha256, 'hex'), 52);
  let offset = HEADER_BYTES;
  for (const k of e.kept) {
    view.setUint32(offset, k, true);
    offset += 4;
  }
  for (const v of e.embeddings) {
    view.setFloat32(offset, v, true);
    offset += 4;
  }
  return bytes;
}

/** Decodes a cache file; throws a DomainError naming `where` when it is not a complete one. */
export function decodeEmbeddings(bytes: Uint8Array, where: string): SlideEmbeddings {
  const bad = (why: string): DomainError => new DomainError('bad-request', `${where}: not a valid embedding cache file (${why})`);
  if (bytes.length < HEADER_BYTES) throw bad('too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw bad('wrong magic');
  if (view.getUint32(4, true) !== FORMAT) throw bad(`format ${view.getUint32(4, true)}`);
  const dims = view.getUint32(8, true);
  const kept = view.getUint32(12, true);
  const gridPatches = view.getUint32(16, true);
  if (bytes.length !== HEADER_BYTES + kept * 4 * (1 + dims)) throw bad(`length ${bytes.length} does not match ${kept} patches × ${dims} dims`);
  const hex = (from: number): string => Buffer.from(bytes.subarray(from, from + 32)).toString('hex');
  const keptIdx = new Uint32Array(kept);
  let offset = HEADER_BYTES;
  for (let i = 0; i < kept; i++, offset += 4) keptIdx[i] = view.getUint32(offset, true);
  const embeddings = new Float32Array(kept * dims);
  for (let i = 0; i < embeddings.length; i++, offset += 4) embeddings[i] = view.getFloat32(offset, true);
  return { fileSha256: hex(20), extractorSha256: hex(52), dims, gridPatches, kept: keptIdx, embeddings };
}

/** The cached embeddings of one slide file, computing and storing them on a miss. */
export async function slideEmbeddings(src: EmbeddingSource, path: string, options: { pixelSizeUm?: number | null } = {}): Promise<SlideEmbeddings & { cached: boolean }> {
  const absPath = resolve(path);
  const bytes = await readSlideBytes(absPath);
  const fileSha256 = createHash('sha256').update(bytes).digest('hex');
  const extractor = await extractorSha256(src.model);
  const dir = join(resolve(src.cacheDir), extractor);
  const file = join(dir, `${fileSha256}-${preprocessingKey(src.model, options.pixelSizeUm ?? null)}.emb`);
  const existing = await readFile(file).catch(() => null);
  if (existing) {
    try {
      const hit = decodeEmbeddings(existing, file);
      if (hit.fileSha256 === fileSha256 && hit.extractorSha256 === extractor) return { ...hit, cached: true };
    } catch {
      // A damaged cache file is only a lost shortcut: recompute and overwrite it below.
    }
  }
  const computed = await computeEmbeddings(src, absPath, bytes, options.pixelSizeUm ?? null);
  const result: SlideEmbeddings = { fileSha256, extractorSha256: extractor, ...computed };
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, encodeEmbeddings(result));
  await rename(tmp, file);
  return { ...result, cached: false };
}

/** The same preprocessing as a reading (cutPatches: grid in µm, area resample, background cut, normalise). */
async function computeEmbeddings(src: EmbeddingSource, absPath: string, bytes: Uint8Array, pixelSizeOverrideUm: number | null): Promise<Omit<SlideEmbeddings, 'fileSha256' | 'extractorSha256'>> {
  const { manifest } = src.model;
  if (!manifest.outputs.embeddings) throw new DomainError('model-invalid', `${src.model.dir}: model '${manifest.id}' ${manifest.version} has no embeddings output; it cannot be trained`);
  const decoded = await decodeSlideBytes(absPath, bytes);
  const options = patchOptionsOf(manifest);
  const pixelSizeUm = pixelSizeOverrideUm ?? decoded.pixelSizeUm ?? options.defaultPixelSizeUm;
  const { inputPx } = options;
  const cut = cutPatches(decoded.fitc, decoded.widthPx, decoded.heightPx, pixelSizeUm, options);
  const patchLength = inputPx * inputPx;
  const kept = cut.kept.flatMap((k, i) => (k ? [i] : []));
  const batchSize = src.batchSize ?? 32;
  let dims = 0;
  let embeddings = new Float32Array(0);
  for (let start = 0; start < kept.length; start += batchSize) {
    const batch = kept.slice(start, start + batchSize);
    const input = new Float32Array(batch.length * patchLength);
    batch.forEach((p, j) => input.set(cut.pixels.subarray(p * patchLength, (p + 1) * patchLength), j * patchLength));
    const out = await src.engine.run(input, batch.length);
    if (!out.embeddings) throw new DomainError('model-invalid', `${src.model.dir}: the engine returned no embeddings for ${basename(absPath)}`);
    if (dims === 0) {
      dims = out.embeddingDims;
      embeddings = new Float32Array(kept.length * dims);
    }
    embeddings.set(out.embeddings.subarray(0, batch.length * dims), start * dims);
  }
  return { dims, gridPatches: cut.rects.length, kept: Uint32Array.from(kept), embeddings };
}
