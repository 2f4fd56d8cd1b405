/** The first commands a newcomer types: `bash tools/run ana …`, and `npm start` on a machine without Electron's binary. */
import { expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../../electron/core/paths';
import { electronBinary } from '../../../scripts/electron-binary.mjs';

const root = projectRoot();

it('bash tools/run ana runs the project CLI from any folder', () => {
  const run = spawnSync('bash', [join(root, 'tools/run'), 'ana', 'version'], { encoding: 'utf8', cwd: '/', timeout: 60_000 });
  expect(run.stderr).toBe('');
  expect(run.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
});

it.skipIf(electronBinary() !== null)("npm start without Electron's binary: one paragraph, the way out, exit 1, no stack", () => {
  const run = spawnSync(process.execPath, [join(root, 'scripts/start.mjs')], { encoding: 'utf8', cwd: root, timeout: 60_000 });
  expect(run.status).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/Electron's binary is not installed/);
  expect(run.stderr).toContain('node node_modules/electron/install.js');
  expect(run.stderr).toContain('npm run demo');
  expect(run.stderr).not.toMatch(/^\s+at /m);
});
