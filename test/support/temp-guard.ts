/**
 * Vitest global setup: the run's temp folders must not outlive it. Every worker (and every child
 * process it starts) gets a private TMPDIR, so what is left in it at the end was left by this run —
 * not by another run on the same machine. Our folders (`ana-*`: tests and the app name theirs so)
 * that are left fail the run, by name; tools' own caches there (tsx's compile cache) are not
 * ours to judge. Everything is removed. Each project inherits this setup; the first one to run
 * owns the folder (the others see it in the environment and do nothing).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OWNED = 'ANA_TEST_TMPDIR';
/** The machine's own temp folder, for the few tools that must see it (see the packaging test). */
export const SYSTEM_TMPDIR_VARIABLE = 'ANA_TEST_SYSTEM_TMPDIR';

export default function setup(): (() => void) | undefined {
  if (process.env[OWNED]) return undefined;
  const outer = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 'ana-test-run-'));
  process.env[OWNED] = root;
  process.env[SYSTEM_TMPDIR_VARIABLE] = tmpdir();
  process.env.TMPDIR = root;
  return () => {
    const left = readdirSync(root).filter((name) => name.startsWith('ana-')).sort();
    rmSync(root, { recursive: true, force: true });
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    delete process.env[OWNED];
    delete process.env[SYSTEM_TMPDIR_VARIABLE];
    if (left.length > 0) {
      process.exitCode = 1; // vitest reports a teardown error but would still exit 0
      throw new Error(`tests left ${left.length} temp folder(s) behind (now removed): ${left.join(', ')} — remove them in afterEach/afterAll (test/support/temp-dir.ts)`);
    }
  };
}
