/**
 * The built Electron main process (dist/main/main.js) run in plain Node, with 'electron' resolved
 * to a recording stand-in (test/fixtures/electron-stub): this machine cannot install the Electron
 * binary, so this is how main's own code runs here. It checks the wiring the real smoke test
 * (test/e2e/electron-smoke.test.ts) cannot check here: data folder and log, window preferences,
 * app:// protocol, IPC sender and request checks, navigation policy, the watched import folder
 * reaching the window as events, and a clean shutdown. Chromium's side is not exercised.
 */
import { beforeAll, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../../electron/core/paths';
import { tempDir } from '../../support/temp-dir';

const root = projectRoot();
let result: Record<string, any>;
let dataDir: string;

beforeAll(() => {
  if (!existsSync(join(root, 'dist/main/main.js')) || !existsSync(join(root, 'dist/workers/inference.worker.js'))) {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
  }
  dataDir = tempDir('ana-main-data-');
  const importDir = tempDir('ana-main-import-');
  copyFileSync(join(root, 'test/fixtures/slides/A2026-0001_F1.png'), join(importDir, 'A2026-0001_F1.png'));
  const run = spawnSync(process.execPath, ['--import', './test/fixtures/electron-stub/register.mjs', 'dist/main/main.js'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, ANA_DATA_DIR: dataDir, ANA_IMPORT_DIR: importDir, ANA_STUB_SLIDES: join(root, 'test/fixtures/slides') },
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith('STUB-RESULT '));
  if (!line) throw new Error(`main process gave no result (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  result = JSON.parse(line.slice('STUB-RESULT '.length));
  if (result.failure) throw new Error(`scenario failed: ${result.failure}\n${run.stderr}`);
}, 120_000);

it('puts its data, log and browser profile under ANA_DATA_DIR', () => {
  expect(result.userData).toBe(join(dataDir, 'browser'));
  for (const name of ['ana.db', 'logs', 'models', 'outbox', 'window-state.json']) expect(existsSync(join(dataDir, name)), name).toBe(true);
  const log = readFileSync(join(dataDir, 'logs/ana.log'), 'utf8');
  expect(log).toMatch(/INFO  ANA Workstation \d+\.\d+\.\d+ starting/);
  expect(log).toMatch(/inference worker started \(cpu\)/);
  expect(log).toMatch(/shut down in \d+ ms \((idle|finished)\)/);
});

it('opens the app:// page in an isolated, sandboxed window without Node', () => {
  expect(result.windowUrl).toBe('app://local/index.html');
  expect(result.privilegedSchemes).toEqual(['app']);
  expect(result.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, preload: join(root, 'dist/preload/preload.cjs') });
  expect(result.blockedUrls).toEqual(expect.arrayContaining(['http://*/*', 'https://*/*']));
  expect(result.permissionGranted).toBe(false);
  expect(result.navigation).toEqual({ remotePrevented: true, appPrevented: false, windowOpen: { action: 'deny' } });
});

it('serves the renderer with the CSP and nothing outside it', () => {
  expect(result.protocol.index).toMatchObject({ status: 200, csp: expect.stringContaining("script-src 'self'") });
  expect(result.protocol.dotSegments.status).not.toBe(200);
  expect(result.protocol.encodedSlash.status).toBe(403);
  expect(result.protocol.otherHost.status).toBe(403);
  expect(result.protocol.missingSlide.status).toBe(404);
});

it('answers IPC only from the app main frame, validated by the contract', () => {
  expect(result.ipc.trusted).toEqual({ ok: true, value: { user: null, needsFirstAdmin: true } });
  expect(result.ipc.subframe).toMatchObject({ ok: false, code: 'forbidden' });
  expect(result.ipc.remote).toMatchObject({ ok: false, code: 'forbidden' });
  expect(result.ipc.badChannel).toEqual({ ok: false, code: 'bad-request', message: "Unknown channel 'no/such-channel'" });
  expect(result.ipc.badRequest).toMatchObject({ ok: false, code: 'bad-request', message: expect.stringContaining("Invalid request for 'auth/login': username") });
});

it('runs the UI import channel through the bundled core: its reading worker is found in dist/workers', () => {
  expect(result.firstAdmin).toMatchObject({ ok: true });
  expect(result.uiImport).toMatchObject({ ok: true, value: { total: 1 } });
  expect(result.uiImportBatch).toEqual(['done']);
});

it('reads the watched folder in the worker, tells the window, and exits 0', () => {
  expect(result.events).toEqual(['ana:event cases/changed', 'ana:event reading/progress']);
  expect(result.exitCode).toBe(0);
  expect(result.errorBoxes).toEqual([]);
  expect(JSON.parse(readFileSync(join(dataDir, 'window-state.json'), 'utf8'))).toEqual({ bounds: { x: 10, y: 20, width: 1440, height: 900 }, maximized: false });
});
