/**
 * Where the workstation keeps its data: one folder under the OS application-data folder holding
 * the database, locally trained models, logs and the report outbox. Lab IT can move the whole
 * folder (ANA_DATA_DIR) or single locations (`locations.json` in that folder, or ANA_* variables),
 * e.g. the outbox onto the LIS share and the watched import folder onto the microscope's export.
 * Plain Node: the Electron shell passes `app.getPath('appData')`, the CLI uses `osAppDataDir()`.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DomainError } from './errors';

/** The folder name under the OS application-data folder (Electron's userData uses productName). */
export const APP_FOLDER_NAME = 'ANA Workstation';
export const LOCATIONS_FILE = 'locations.json';

export interface DataLocations {
  rootDir: string;
  databasePath: string;
  /** Model packages trained or installed locally (the shipped package stays in the resources). */
  modelsDir: string;
  logsDir: string;
  outboxDir: string;
  /** The watched import folder, or null when none is configured. */
  importDir: string | null;
}

const LocationsFile = z
  .object({
    database: z.string().min(1).optional(),
    models: z.string().min(1).optional(),
    logs: z.string().min(1).optional(),
    outbox: z.string().min(1).optional(),
    importFolder: z.string().min(1).nullable().optional(),
  })
  .strict();
export type LocationsFile = z.infer<typeof LocationsFile>;

/** The OS application-data folder, as Electron's `app.getPath('appData')` computes it. */
export function osAppDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (platform === 'win32') return env.APPDATA ?? join(home, 'AppData', 'Roaming');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support');
  return env.XDG_CONFIG_HOME ?? join(home, '.config');
}

export interface ResolveLocationsOptions {
  /** The OS application-data folder; default `osAppDataDir()`. */
  appDataDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** Resolves every location: env variables beat `locations.json`, which beats the defaults. */
export function resolveDataLocations(options: ResolveLocationsOptions = {}): DataLocations {
  const env = options.env ?? process.env;
  const rootDir = resolve(env.ANA_DATA_DIR ?? join(options.appDataDir ?? osAppDataDir(process.platform, env), APP_FOLDER_NAME));
  const file = readLocationsFile(join(rootDir, LOCATIONS_FILE));
  const inRoot = (path: string) => (isAbsolute(path) ? resolve(path) : resolve(rootDir, path));
  const at = (value: string | undefined, fallback: string) => inRoot(value ?? fallback);
  const importFolder = env.ANA_IMPORT_DIR ?? file.importFolder ?? null;
  return {
    rootDir,
    databasePath: at(env.ANA_DB_PATH ?? file.database, 'ana.db'),
    modelsDir: at(env.ANA_MODELS_DIR ?? file.models, 'models'),
    logsDir: at(env.ANA_LOGS_DIR ?? file.logs, 'logs'),
    outboxDir: at(env.ANA_OUTBOX_DIR ?? file.outbox, 'outbox'),
    importDir: importFolder ? inRoot(importFolder) : null,
  };
}

export function readLocationsFile(path: string): LocationsFile {
  if (!existsSync(path)) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DomainError('bad-request', `${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = LocationsFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DomainError('bad-request', `${path}: ${issue.path.join('.') || 'file'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Creates the folders the app writes into (not the import folder: that belongs to the microscope). */
export function ensureDataLocations(locations: DataLocations): void {
  for (const dir of [locations.rootDir, locations.modelsDir, locations.logsDir, locations.outboxDir, join(locations.databasePath, '..')]) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new DomainError('bad-request', `Cannot create data folder ${dir}: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** Written by scripts/build.mjs beside the bundles (`dist/workers.sha256.json`, inside the asar when installed). */
export const WORKER_HASHES_FILE = 'workers.sha256.json';

/**
 * True when the calling bundle runs from an installed app's `app.asar`: then workers come only
 * from the installation (ANA_WORKERS_DIR is ignored) and are hash-checked (worker-entry.ts). Read
 * from the bundle's own path, which no environment variable can change.
 */
export function isInstalledBundle(callerUrl: string): boolean {
  return callerUrl.startsWith('file:') && /[\\/]app\.asar[\\/]/.test(fileURLToPath(callerUrl));
}

/**
 * Where a built worker entry (`<name>.worker.js`) lives: beside the calling bundle
 * (`dist/main/main.js`, `dist/cli/ana.js` → `dist/workers/`, unpacked from the asar in an installed
 * app); in development, ANA_WORKERS_DIR first when set. Null when not found, so callers can fall
 * back to the TypeScript source in development.
 */
export function builtWorkerPath(name: string, callerUrl: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const fromEnv = !isInstalledBundle(callerUrl) && env.ANA_WORKERS_DIR ? join(env.ANA_WORKERS_DIR, `${name}.worker.js`) : null;
  const candidates = [fromEnv, fileURLToPath(new URL(`../workers/${name}.worker.js`, callerUrl))];
  for (const path of candidates) if (path && existsSync(unpackedPath(path))) return unpackedPath(path);
  return null;
}

/** Files inside an asar that were unpacked must be opened at their real path by worker threads. */
export function unpackedPath(path: string): string {
  return path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}
