/**
 * Temp folders for tests. `tempDir` makes one under the OS temp folder and remembers it;
 * `removeTempDirs` removes every folder made so far. test/support/temp-cleanup.ts calls it after
 * each test file's tests (vitest setupFiles), so a helper only has to call `tempDir`. Nothing here
 * imports vitest: helpers that also run in child processes or scripts (record-fixtures) use it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A new empty folder whose name starts with `prefix` (e.g. 'ana-log-'). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
