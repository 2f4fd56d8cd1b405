/**
 * The watched import folder: the microscope (or its export share) writes slide images into a
 * folder; new files are handed to the reading pipeline once they are complete. A file counts as
 * complete when its size has not changed for `stabilityMs` (chokidar's awaitWriteFinish), so a
 * half-written TIFF is never read. Files arriving together are collected for `debounceMs` and
 * handed over as one batch; batches never overlap (the next waits for the previous to finish),
 * and a failing batch is reported and does not stop the watcher. Files already in the folder
 * when watching starts are handed over too (the app may have been closed while the microscope
 * wrote): reading is idempotent by content hash, so nothing is read twice.
 */
import { watch, type FSWatcher } from 'chokidar';
import { resolve, extname, basename } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { DomainError, errorMessage } from '../errors';

/** Extensions the slide decoder reads (see slides/decode.ts). */
export const SLIDE_EXTENSIONS = ['.png', '.tif', '.tiff', '.jpg', '.jpeg', '.bmp'] as const;

export interface WatchFolderOptions {
  dir: string;
  /** Receives each batch of complete files (absolute paths, sorted). */
  onFiles: (paths: string[]) => Promise<void> | void;
  onError?: (error: Error) => void;
  extensions?: readonly string[];
  /** A file is complete when its size is unchanged for this long. */
  stabilityMs?: number;
  /** Files completing within this window form one batch. */
  debounceMs?: number;
  /** Hand over files already present when watching starts (default true). */
  includeExisting?: boolean;
  /** Poll instead of OS events: needed on some network shares (SMB/NFS) that send no events. */
  usePolling?: boolean;
  /** Subfolder depth to watch (microscopes often write one folder per day). */
  depth?: number;
}

export interface FolderWatcher {
  readonly dir: string;
  /** Resolves once the initial scan is done. */
  readonly ready: Promise<void>;
  /** Resolves when no batch is pending or running. */
  idle(): Promise<void>;
  /**
   * Stops watching and drops files not yet handed over. A batch already handed over is not waited
   * for: its consumer (the reading pipeline) decides whether to finish or abandon it.
   */
  close(): Promise<void>;
}

export const DEFAULT_STABILITY_MS = 2000;
export const DEFAULT_DEBOUNCE_MS = 1000;

export function watchFolder(options: WatchFolderOptions): FolderWatcher {
  const dir = resolve(options.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new DomainError('not-found', `Import folder ${dir} does not exist or is not a folder`);
  }
  const extensions = new Set((options.extensions ?? SLIDE_EXTENSIONS).map((e) => e.toLowerCase()));
  const stabilityMs = options.stabilityMs ?? DEFAULT_STABILITY_MS;
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const onError = options.onError ?? ((error: Error) => console.warn(error.message));

  const pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  const isCandidate = (path: string) => extensions.has(extname(path).toLowerCase()) && !basename(path).startsWith('.');

  const watcher: FSWatcher = watch(dir, {
    ignoreInitial: options.includeExisting === false,
    awaitWriteFinish: { stabilityThreshold: stabilityMs, pollInterval: Math.max(20, Math.min(250, Math.floor(stabilityMs / 4))) },
    usePolling: options.usePolling ?? false,
    interval: 500,
    depth: options.depth ?? 4,
    // Hidden and temporary files (e.g. `.partial`, `~$x.tif`) are the writer's business.
    ignored: (path, stats) => basename(path).startsWith('.') || (!!stats?.isFile() && !isCandidate(path)),
  });

  function schedule(path: string): void {
    if (closed || !isCandidate(path)) return;
    pending.add(resolve(path));
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  }

  function flush(): void {
    timer = null;
    if (closed || pending.size === 0) return;
    const batch = [...pending].sort();
    pending.clear();
    running = running.then(async () => {
      try {
        await options.onFiles(batch);
      } catch (error) {
        onError(new Error(`Import of ${batch.length} file(s) from ${dir} failed: ${errorMessage(error)}`, { cause: error }));
      }
    });
  }

  watcher.on('add', schedule);
  watcher.on('change', schedule);
  watcher.on('error', (error) => onError(new Error(`Watching import folder ${dir}: ${errorMessage(error)}`, { cause: error })));
  const ready = new Promise<void>((resolveReady) => watcher.once('ready', () => resolveReady()));

  return {
    dir,
    ready,
    async idle() {
      // A batch may schedule while we wait; loop until nothing is pending or running.
      for (;;) {
        const before = running;
        await before;
        if (!timer && pending.size === 0 && running === before) return;
        await new Promise((r) => setTimeout(r, Math.max(10, debounceMs / 2)));
      }
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      pending.clear();
      await watcher.close();
    },
  };
}
