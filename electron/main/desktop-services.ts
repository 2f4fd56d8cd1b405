/**
 * The background work of the desktop app, composed in plain Node (no 'electron' import) so it is
 * tested without Electron: the reading pipeline with its supervised inference worker, and the
 * watched import folder feeding it. The shell forwards the events to the window and calls
 * `shutdown()` before quitting.
 */
import { existsSync } from 'node:fs';
import type { DataLocations } from '../core/app-paths';
import type { WritableDb } from '../core/db/connection';
import { errorMessage } from '../core/errors';
import { createImportPipeline, type EmitEvent, type ImportPipeline, type ShutdownOutcome } from '../core/import/import-pipeline';
import { watchFolder, type FolderWatcher, type WatchFolderOptions } from '../core/import/watch-folder';
import type { ProviderName } from '../core/inference/providers';
import type { Logger } from '../core/logging/rotating-log';
import { listSlideFiles } from '../core/reading/batch-reader';

export interface DesktopServicesOptions {
  db: WritableDb;
  locations: DataLocations;
  modelDir: string;
  workerPath?: string;
  providers?: ProviderName[];
  emit: EmitEvent;
  log: Logger;
  /** Overrides for the watched folder (tests shorten the stability window). */
  watch?: Partial<Pick<WatchFolderOptions, 'stabilityMs' | 'debounceMs' | 'usePolling'>>;
  nowMs?: () => number;
}

export interface DesktopServices {
  readonly pipeline: ImportPipeline;
  readonly watcher: FolderWatcher | null;
  /** Reads the slide files in these files/folders (menu import, demo slides). */
  importPaths(paths: string[]): Promise<void>;
  shutdown(graceMs: number): Promise<ShutdownOutcome>;
}

export function startDesktopServices(options: DesktopServicesOptions): DesktopServices {
  const now = options.nowMs ?? Date.now;
  const { log, emit } = options;
  const reportError = (message: string) => {
    log.error(message);
    emit('app/error', { source: 'import', message, atMs: now() });
  };
  const pipeline = createImportPipeline({ db: options.db, modelDir: options.modelDir, workerPath: options.workerPath, providers: options.providers, emit, log });

  let watcher: FolderWatcher | null = null;
  const importDir = options.locations.importDir;
  if (importDir) {
    if (!existsSync(importDir)) {
      reportError(`The import folder ${importDir} does not exist or is not reachable; new slides will not be picked up. Check the share or the "importFolder" setting.`);
    } else {
      watcher = watchFolder({
        dir: importDir,
        ...options.watch,
        onFiles: async (paths) => {
          log.info(`import folder: ${paths.length} new file(s)`);
          await pipeline.enqueue(paths);
        },
        onError: (error) => reportError(error.message),
      });
      void watcher.ready.then(() => log.info(`watching import folder ${importDir}`));
    }
  }

  return {
    pipeline,
    watcher,
    async importPaths(paths) {
      try {
        const files = await listSlideFiles(paths);
        if (files.length === 0) {
          reportError(`No slide images (PNG, TIFF, JPEG, BMP) in ${paths.join(', ')}`);
          return;
        }
        await pipeline.enqueue(files);
      } catch (error) {
        reportError(`Import of ${paths.join(', ')} failed: ${errorMessage(error)}`);
      }
    },
    async shutdown(graceMs) {
      await watcher?.close();
      return pipeline.shutdown(graceMs);
    },
  };
}
