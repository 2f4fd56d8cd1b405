/**
 * The background work of the desktop app, composed in plain Node (no 'electron' import) so it is
 * tested without Electron: the watched import folder, feeding the core's one reading service
 * (the same one the UI's import channel uses: its supervised inference worker, its queue, its
 * 'app/error' and 'cases/changed' events). The shell calls `shutdown()` before quitting.
 */
import { existsSync } from 'node:fs';
import type { App } from '../core/app';
import type { DataLocations } from '../core/app-paths';
import type { ShutdownOutcome } from '../core/reading/reading.service';
import { watchFolder, type FolderWatcher, type WatchFolderOptions } from '../core/import/watch-folder';
import type { Logger } from '../core/logging/rotating-log';

export interface DesktopServicesOptions {
  app: App;
  locations: DataLocations;
  log: Logger;
  /** Overrides for the watched folder (tests shorten the stability window). */
  watch?: Partial<Pick<WatchFolderOptions, 'stabilityMs' | 'debounceMs' | 'usePolling'>>;
  nowMs?: () => number;
}

export interface DesktopServices {
  readonly watcher: FolderWatcher | null;
  /** Reads the slide files in these files/folders (menu import, demo slides). */
  importPaths(paths: string[]): Promise<void>;
  /** Stops the watcher, then the core: the current slide finishes within `graceMs` or is abandoned. */
  shutdown(graceMs: number): Promise<ShutdownOutcome>;
}

export function startDesktopServices(options: DesktopServicesOptions): DesktopServices {
  const now = options.nowMs ?? Date.now;
  const { log, app } = options;
  const reportError = (message: string) => {
    log.error(message);
    app.emit('app/error', { source: 'import', message, atMs: now() });
  };

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
          await app.importPaths(paths);
        },
        onError: (error) => reportError(error.message),
      });
      void watcher.ready.then(() => log.info(`watching import folder ${importDir}`));
    }
  }

  return {
    watcher,
    importPaths: (paths) => app.importPaths(paths),
    async shutdown(graceMs) {
      await watcher?.close();
      return app.shutdown(graceMs);
    },
  };
}
