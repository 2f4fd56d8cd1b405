/**
 * The viewer's display renditions (8-bit grey PNG, see decode.ts), kept in a cache folder under
 * the app's data folder — never beside the user's images — and keyed by the slide's sha256, so a
 * rendition always belongs to the content the record read. Reading stores the rendition while the
 * slide is decoded anyway; a slide without one (read before the cache existed, or its rendition
 * deleted) is rendered on first request. Files are written to a temporary name and renamed, so a
 * crash never leaves a half-written rendition; the folder can be deleted at any time.
 */
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../errors';
import { displayPngFromSignal, renderDisplayPng } from '../slides/decode';

export interface DisplayCache {
  readonly dir: string;
  /** The rendition of a recorded slide: from the cache, else rendered from its file and stored. */
  get(slide: { sha256: string; path: string }): Promise<Uint8Array>;
  /** Stores the rendition of a slide decoded right now (reading time); no-op when already stored. */
  storeFromSignal(sha256: string, fitc: Float32Array, widthPx: number, heightPx: number): Promise<void>;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function createDisplayCache(dir: string): DisplayCache {
  const fileOf = (sha256: string) => {
    if (!SHA256.test(sha256)) throw new DomainError('bad-request', `display cache: '${sha256}' is not a sha256 hex digest`);
    return join(dir, `${sha256}.png`);
  };
  const cached = async (sha256: string): Promise<Uint8Array | null> => {
    try {
      return await readFile(fileOf(sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };
  const store = async (sha256: string, png: Uint8Array): Promise<void> => {
    const path = fileOf(sha256);
    await mkdir(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.${Math.floor(performance.now() * 1000).toString(36)}.tmp`;
    await writeFile(tmp, png);
    await rename(tmp, path);
  };
  return {
    dir,
    async get(slide) {
      const hit = await cached(slide.sha256);
      if (hit) return hit;
      const png = await renderDisplayPng(slide.path);
      await store(slide.sha256, png);
      return png;
    },
    async storeFromSignal(sha256, fitc, widthPx, heightPx) {
      const present = await access(fileOf(sha256)).then(() => true, () => false);
      if (present) return;
      await store(sha256, await displayPngFromSignal(fitc, widthPx, heightPx));
    },
  };
}
