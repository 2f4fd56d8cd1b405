import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type InferenceEngine } from '../../../electron/core/inference/engine';
import { loadModelPackage, type ModelPackage } from '../../../electron/core/models/model-package';
import { decodeEmbeddings, encodeEmbeddings, extractorSha256, slideEmbeddings } from '../../../electron/core/training/heads/embedding-cache';
import { Random } from '../../../electron/core/random';
import { writeSkeletonPackage } from '../../../native-models/recipes/build-skeleton';
import { writeBmp } from '../../fixtures/slide-images';

let dir: string;
let model: ModelPackage;
let engine: InferenceEngine;
let slide: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-emb-'));
  await writeSkeletonPackage(join(dir, 'model'));
  model = await loadModelPackage(join(dir, 'model'));
  engine = await createEngine(model, { providers: ['cpu'], warn: () => {} });
  const rng = new Random(3);
  const W = 400;
  const H = 300;
  const values = Uint8Array.from({ length: W * H }, () => rng.int(0, 255));
  slide = join(dir, 'field.bmp');
  await writeBmp(slide, values, W, H, 1);
});

afterAll(async () => {
  await engine?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('embedding cache', () => {
  it('computes once, then reads the same embeddings from the cache', async () => {
    const cacheDir = join(dir, 'cache');
    const first = await slideEmbeddings({ model, engine, cacheDir }, slide);
    expect(first.cached).toBe(false);
    // 400×300 px at the default 0.5 µm/px with 100 µm patches: 200 px tiles, a 2×2 grid
    expect(first.gridPatches).toBe(4);
    expect(first.kept.length).toBe(4);
    expect(first.dims).toBe(8);
    expect(first.embeddings.length).toBe(32);
    const second = await slideEmbeddings({ model, engine, cacheDir }, slide);
    expect(second.cached).toBe(true);
    expect(Array.from(second.embeddings)).toEqual(Array.from(first.embeddings));
    const files = await readdir(join(cacheDir, await extractorSha256(model)));
    expect(files).toEqual([`${first.fileSha256}-${files[0]!.split('-')[1]}`]);
    // a pixel-size override changes the grid and so the key
    const other = await slideEmbeddings({ model, engine, cacheDir }, slide, { pixelSizeUm: 1 });
    expect(other.cached).toBe(false);
    expect(other.gridPatches).toBe(12);
  });

  it('recomputes a damaged cache file instead of trusting it', async () => {
    const cacheDir = join(dir, 'cache-damaged');
    const first = await slideEmbeddings({ model, engine, cacheDir }, slide);
    const sub = join(cacheDir, await extractorSha256(model));
    const [name] = await readdir(sub);
    await writeFile(join(sub, name!), new Uint8Array(10));
    const again = await slideEmbeddings({ model, engine, cacheDir }, slide);
    expect(again.cached).toBe(false);
    expect(Array.from(again.embeddings)).toEqual(Array.from(first.embeddings));
  });

  it('round-trips the binary format and rejects foreign bytes with the file named', () => {
    const e = { fileSha256: 'a'.repeat(64), extractorSha256: 'b'.repeat(64), dims: 2, gridPatches: 5, kept: Uint32Array.from([0, 3]), embeddings: Float32Array.from([1, 2, 3, 4]) };
    const back = decodeEmbeddings(encodeEmbeddings(e), 'x.emb');
    expect(back).toEqual(e);
    expect(() => decodeEmbeddings(new Uint8Array(100), '/c/x.emb')).toThrow(/\/c\/x.emb: not a valid embedding cache file \(wrong magic\)/);
  });

  it('names the file when a slide cannot be read', async () => {
    await expect(slideEmbeddings({ model, engine, cacheDir: join(dir, 'c3') }, join(dir, 'missing.png'))).rejects.toThrow(/missing.png: file not found/);
  });
});
