/**
 * Where regenerable caches live when no folder is given: the OS's per-user cache folder (or
 * ANA_CACHE_DIR), never beside the input images — a dataset or a day's slides may sit on a
 * read-only share, in a repository, or in the microscope's export folder. The desktop app keeps
 * its caches in its data folder beside the database instead (display-cache/, embedding-cache/).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { APP_FOLDER_NAME as APP_FOLDER } from './app-paths';

/** The per-user cache folder of this app: ANA_CACHE_DIR, else the platform's convention. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (env.ANA_CACHE_DIR) return env.ANA_CACHE_DIR;
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), APP_FOLDER, 'Cache');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', APP_FOLDER);
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'ana-workstation');
}

/**
 * Patch embeddings for `ana train` / `ana eval` without `--cache`. One folder serves every dataset:
 * entries are keyed by file content and extractor hash, so datasets never collide.
 */
export function defaultEmbeddingCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  return join(userCacheDir(env, platform, home), 'embeddings');
}
