/**
 * The viewer's display renditions (8-bit grey PNGs, see slides/decode.ts), kept in a cache folder
 * under the app's data folder — never beside the user's images — and keyed by the slide's sha256,
 * so a rendition always belongs to the content the record read. Per slide: `<sha256>.png` (FITC),
 * `<sha256>.dapi.png` when the file has a DAPI counterstain page, and `<sha256>.json` saying which
 * channels exist (written last, so its presence means the set is complete). Reading stores the
 * renditions while the slide is decoded anyway; a slide without them (read before the cache
 * existed, or deleted) is rendered on first request. The report thumbnail starts from the same
 * rendition. Files are written to a temporary name and renamed, so a crash never leaves a
 * half-written rendition; the folder can be deleted at any time.
 */
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DomainError } from '../errors';
import { displayPngsOf, renderDisplayPngs, type DecodedSlide, type DecodeOptions } from '../slides/decode';

export type DisplayChannel = 'fitc' | 'dapi';

export interface CachedSlide {
  sha256: string;
  path: string;
}

export interface DisplayCache {
  readonly dir: string;
  /** A channel's rendition of a recorded slide: from the cache, else rendered from its file and stored. */
  get(slide: CachedSlide, channel?: DisplayChannel): Promise<Uint8Array>;
  /** Which channels the slide has (renders them first when the cache does not know). */
  channels(slide: CachedSlide): Promise<{ dapi: boolean }>;
  /** Stores the renditions of a slide decoded right now (reading time); no-op when already stored. */
  storeFromDecoded(sha256: string, decoded: Pick<DecodedSlide, 'fitc' | 'dapi' | 'widthPx' | 'heightPx'>): Promise<void>;
}

/** The default folder: `display-cache` beside the database (the app and the CLI agree on it). */
export function defaultDisplayCacheDir(dbPath: string): string {
  return join(dirname(dbPath), 'display-cache');
}

const SHA256 = /^[0-9a-f]{64}$/;

/** `decodeOptions` (the lab's microscope profile) is asked for each render, so a changed FITC/DAPI page setting applies. */
export function createDisplayCache(dir: string, decodeOptions: () => DecodeOptions = () => ({})): DisplayCache {
  const fileOf = (sha256: string, suffix: '.png' | '.dapi.png' | '.json') => {
    if (!SHA256.test(sha256)) throw new DomainError('bad-request', `display cache: '${sha256}' is not a sha256 hex digest`);
    return join(dir, `${sha256}${suffix}`);
  };
  const suffixOf = (channel: DisplayChannel) => (channel === 'fitc' ? '.png' : '.dapi.png');
  const readOrNull = async (path: string): Promise<Buffer | null> => {
    try {
      return await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };
  const store = async (path: string, bytes: Uint8Array | string): Promise<void> => {
    await mkdir(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.${Math.floor(performance.now() * 1000).toString(36)}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  };
  const storeAll = async (sha256: string, pngs: { fitc: Uint8Array; dapi: Uint8Array | null }): Promise<void> => {
    await store(fileOf(sha256, '.png'), pngs.fitc);
    if (pngs.dapi) await store(fileOf(sha256, '.dapi.png'), pngs.dapi);
    await store(fileOf(sha256, '.json'), JSON.stringify({ dapi: pngs.dapi !== null }));
  };
  const render = async (slide: CachedSlide) => {
    const pngs = await renderDisplayPngs(slide.path, decodeOptions());
    await storeAll(slide.sha256, pngs);
    return pngs;
  };
  const knownChannels = async (sha256: string): Promise<{ dapi: boolean } | null> => {
    const text = await readOrNull(fileOf(sha256, '.json'));
    if (!text) return null;
    try {
      return { dapi: (JSON.parse(text.toString('utf8')) as { dapi?: unknown }).dapi === true };
    } catch {
      return null; // a damaged index is rebuilt by rendering again
    }
  };
  return {
    dir,
    async get(slide, channel = 'fitc') {
      const hit = await readOrNull(fileOf(slide.sha256, suffixOf(channel)));
      if (hit) return hit;
      const known = await knownChannels(slide.sha256);
      if (channel === 'dapi' && known && !known.dapi) throw new DomainError('not-found', `Slide ${slide.path} has no DAPI channel`);
      const pngs = await render(slide);
      const png = channel === 'fitc' ? pngs.fitc : pngs.dapi;
      if (!png) throw new DomainError('not-found', `Slide ${slide.path} has no DAPI channel`);
      return png;
    },
    async channels(slide) {
      const known = await knownChannels(slide.sha256);
      const hasFitc = await access(fileOf(slide.sha256, '.png')).then(() => true, () => false);
      if (known && hasFitc) return known;
      try {
        return { dapi: (await render(slide)).dapi !== null };
      } catch (error) {
        // A rendition cached before channels were indexed, its original since moved: show it without DAPI.
        if (hasFitc) return { dapi: false };
        throw error;
      }
    },
    async storeFromDecoded(sha256, decoded) {
      if (await knownChannels(sha256)) return;
      await storeAll(sha256, await displayPngsOf(decoded));
    },
  };
}
