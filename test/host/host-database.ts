/**
 * Which databases the test host may open. It serves the app over HTTP with no login of its own
 * beyond a token, so it is for throw-away data: by default only a database inside the OS temporary
 * folder; anything else needs the explicit development flag `--allow-any-db`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, relative, isAbsolute } from 'node:path';

/** Why the host refuses `dbPath` (one line), or null when it lies inside the temporary folder. */
export function hostDatabaseProblem(dbPath: string, tempDir: string = tmpdir()): string | null {
  const temp = realpathSync(tempDir);
  const real = realExistingPath(dbPath);
  const rel = relative(temp, real);
  if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return null;
  return `refusing to open ${dbPath}: the test host is for development and demos and only opens a database inside the temporary folder (${temp}); pass --allow-any-db to open another one (never a clinical record)`;
}

/** The real path of `path`, or of its nearest existing folder joined with the rest (links resolved, so a link out of the temporary folder does not pass). */
function realExistingPath(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);
  if (parent === path) return path;
  return `${realExistingPath(parent)}${path.slice(parent.length)}`;
}
