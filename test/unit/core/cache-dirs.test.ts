/** Default cache folders: the per-user OS cache folder (or ANA_CACHE_DIR), one per platform. */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { defaultEmbeddingCacheDir, userCacheDir } from '../../../electron/core/cache-dirs';

it('follows each platform and lets ANA_CACHE_DIR override it', () => {
  expect(userCacheDir({}, 'linux', '/home/lab')).toBe(join('/home/lab', '.cache', 'ana-workstation'));
  expect(userCacheDir({ XDG_CACHE_HOME: '/var/cache/lab' }, 'linux', '/home/lab')).toBe(join('/var/cache/lab', 'ana-workstation'));
  expect(userCacheDir({ LOCALAPPDATA: 'C:\\Users\\lab\\AppData\\Local' }, 'win32', 'C:\\Users\\lab')).toBe(join('C:\\Users\\lab\\AppData\\Local', 'ANA Workstation', 'Cache'));
  expect(userCacheDir({}, 'darwin', '/Users/lab')).toBe(join('/Users/lab', 'Library', 'Caches', 'ANA Workstation'));
  expect(userCacheDir({ ANA_CACHE_DIR: '/srv/ana-cache' }, 'linux', '/home/lab')).toBe('/srv/ana-cache');
  expect(defaultEmbeddingCacheDir({ ANA_CACHE_DIR: '/srv/ana-cache' }, 'linux', '/home/lab')).toBe(join('/srv/ana-cache', 'embeddings'));
});
