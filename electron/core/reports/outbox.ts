/**
 * Writing into the lab system's outbox so that it never sees a partial file: bytes go to a
 * temporary file in `<outbox>/.partial/` (same filesystem, so rename is atomic; a hidden folder,
 * so a LIS polling `*.hl7` / `*.csv` in the outbox ignores it), are flushed to disk, and are then
 * renamed into place. A crash leaves at most a stale temporary file, which the next export
 * removes; the outbox itself only ever holds complete files.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DomainError } from '../errors';

export const PARTIAL_DIR = '.partial';

/** Longest file-name stem written whole; longer ones are cut and end in `~` + 16 hex digits of a sha256. */
export const MAX_STEM_CHARS = 100;
const STEM_HASH_CHARS = 16;

/**
 * A file-name stem for any text, collision-free and reversible: ASCII letters, digits, `-` and `_`
 * stay; every other character (`.`, `/`, `|`, `^`, `%`, spaces, non-ASCII...) becomes `%XX` of its
 * UTF-8 bytes, as in a URL, so `decodeURIComponent` gives the text back. `X|1` → `X%7C1` and
 * `X^1` → `X%5E1` (the old scheme mapped both to `X_1`); no stem starts with `.` (no hidden file,
 * no `..`) or holds a path separator. A stem longer than MAX_STEM_CHARS is cut and suffixed with
 * `~` and a hash of the whole text (`~` never occurs in an encoded stem, so a cut stem cannot equal
 * a whole one), which keeps names far below the 255-byte limit of every file system.
 */
export function encodeFileStem(text: string): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9_-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (encoded.length <= MAX_STEM_CHARS) return encoded;
  const head = encoded.slice(0, MAX_STEM_CHARS - STEM_HASH_CHARS - 1).replace(/%[0-9A-F]?$/, '');
  return `${head}~${createHash('sha256').update(text, 'utf8').digest('hex').slice(0, STEM_HASH_CHARS)}`;
}

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
  if (basename(fileName) !== fileName || fileName.startsWith('.') || fileName.length > 200) {
    throw new DomainError('bad-request', `Invalid outbox file name ${JSON.stringify(fileName.length > 60 ? `${fileName.slice(0, 60)}…` : fileName)} (a hidden name, a path or over 200 characters)`);
  }
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
