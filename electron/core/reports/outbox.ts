/**
 * Writing into the lab system's outbox so that it never sees a partial file: bytes go to a
 * temporary file in `<outbox>/.partial/` (same filesystem, so rename is atomic; a hidden folder,
 * so a LIS polling `*.hl7` / `*.csv` in the outbox ignores it), are flushed to disk, and are then
 * renamed into place. A crash leaves at most a stale temporary file, which the next export
 * removes; the outbox itself only ever holds complete files.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DomainError } from '../errors';

export const PARTIAL_DIR = '.partial';

export interface AtomicWriteHooks {
  /** Called after the temporary file is complete and flushed, before the rename (fault injection in tests). */
  beforeRename?: (tempPath: string) => void;
}

export function prepareOutbox(outboxDir: string): void {
  try {
    mkdirSync(join(outboxDir, PARTIAL_DIR), { recursive: true });
  } catch (error) {
    throw new DomainError('bad-request', `Cannot create outbox folder ${outboxDir}: ${(error as Error).message}`, { cause: error });
  }
  // Leftovers of an interrupted export: never renamed, so never visible; safe to drop.
  for (const name of readdirSync(join(outboxDir, PARTIAL_DIR))) rmSync(join(outboxDir, PARTIAL_DIR, name), { force: true });
}

/** True when `path` exists with exactly these bytes. */
export function sameFileContent(path: string, bytes: Uint8Array): boolean {
  if (!existsSync(path)) return false;
  return Buffer.compare(readFileSync(path), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) === 0;
}

export function writeFileAtomic(outboxDir: string, fileName: string, bytes: Uint8Array, hooks: AtomicWriteHooks = {}): string {
  if (basename(fileName) !== fileName || fileName.startsWith('.')) throw new DomainError('bad-request', `Invalid outbox file name '${fileName}'`);
  const target = join(outboxDir, fileName);
  const temp = join(outboxDir, PARTIAL_DIR, `${fileName}.${process.pid}.tmp`);
  try {
    const fd = openSync(temp, 'w');
    try {
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    hooks.beforeRename?.(temp);
    renameSync(temp, target);
    syncDir(outboxDir);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new DomainError('internal', `Cannot write ${target}: ${(error as Error).message}`, { cause: error });
  }
  return target;
}

/** Makes the rename itself durable (a power cut right after must not undo it). No-op where unsupported. */
function syncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open or fsync a directory; NTFS journals the rename.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
