/** Vitest setup file: the temp folders a test file made with `tempDir` go when its tests are done. */
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dir';

// Registered before the file's own hooks, so it runs after them (hooks run as a stack): apps and
// databases are closed by then.
afterAll(removeTempDirs);
