/**
 * Which record a command works on: `--db FILE` when given, else the data folder's database — the
 * same location the desktop app and the test host use (ANA_DATA_DIR, `locations.json`, the OS
 * default; see core/app-paths.ts). Only the commands that start a record (`read`,
 * `users create-admin`, `demo`) may create it; every other command refuses a missing one with the
 * same message, so a typo in `--db` never leaves an empty database behind.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureDataLocations, resolveDataLocations } from '../core/app-paths';
import { openDatabase, type WritableDb } from '../core/db/connection';
import { DomainError } from '../core/errors';
import type { DisplayRendition } from '../core/reports/report-record';
import { microscopeProfileOf } from '../core/settings/microscope-profile-setting';
import { createDisplayCache, defaultDisplayCacheDir } from '../core/viewer/display-cache';

/** The database path a command uses: `--db` (relative to the working folder), else the data folder's. */
export function databasePath(dbOption: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return dbOption ? resolve(dbOption) : resolveDataLocations({ env }).databasePath;
}

export function missingDatabaseError(path: string): DomainError {
  return new DomainError(
    'not-found',
    `No database at ${path}. A record is started by 'ana read FOLDER', 'ana users create-admin' or 'npm run demo'; ` +
      'give another one with --db FILE or ANA_DATA_DIR.',
  );
}

/** Opens an existing record; refuses (without creating anything) when there is none. */
export function openExistingDatabase(path: string, options: { readonly?: boolean } = {}): WritableDb {
  if (!existsSync(path)) throw missingDatabaseError(path);
  return openDatabase(path, options);
}

/** Opens the record, creating it (and, for the data folder's own database, the data folder) when missing. */
export function openOrCreateDatabase(dbOption: string | undefined, env: NodeJS.ProcessEnv = process.env): { db: WritableDb; path: string } {
  if (!dbOption) ensureDataLocations(resolveDataLocations({ env }));
  const path = databasePath(dbOption, env);
  return { db: openDatabase(path), path };
}

/** Report thumbnails from the viewer's display renditions, cached beside the database as the app keeps them. */
export function displayRenditionOf(db: WritableDb, dbPath: string): DisplayRendition {
  const cache = createDisplayCache(defaultDisplayCacheDir(dbPath), () => ({ profile: microscopeProfileOf(db) }));
  return (slide) => cache.get(slide);
}
