/**
 * Electron smoke test: launches the real desktop app (Electron binary, dist/main/main.js), lets
 * the watched import folder pick up a slide, creates the first administrator, opens the case
 * and quits, checking the shell's promises on the way (no Node in the page, the data folder
 * used, a clean shutdown logged).
 *
 * It SKIPS on machines without the Electron binary — our build/CI machines cannot download it
 * (`electron` fetches its binary on first use; no npm package ships it). To run it where the
 * binary can be installed (a developer PC, or a CI runner with internet):
 *
 *   bash tools/setup.sh                      # or: npm ci
 *   node node_modules/electron/install.js    # downloads Electron 45.5.0 into node_modules/electron/dist
 *   node scripts/build.mjs
 *   npx vitest run --project e2e test/e2e/electron-smoke.test.ts                 # with a display
 *   xvfb-run -a npx vitest run --project e2e test/e2e/electron-smoke.test.ts     # headless Linux
 *
 * ELECTRON_PATH=/path/to/electron points it at any other Electron 45 binary (e.g. an unpacked
 * `release/linux-unpacked` build's Electron is not suitable: its fuses forbid the debugger
 * Playwright needs; use the plain Electron binary).
 */
import { afterAll, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { electronBinary } from '../../scripts/electron-binary.mjs';
import { join } from 'node:path';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { projectRoot } from '../../electron/core/paths';
import { TEST_OUTPUT_DIR } from './browser';
import { tempDir } from '../support/temp-dir';

const root = projectRoot();

/** The Electron binary (ELECTRON_PATH, else scripts/electron-binary.mjs, which never loads the package: that would try to download it). */
function electronBinaryToUse(): { path: string } | { skip: string } {
  if (process.env.ELECTRON_PATH) {
    return existsSync(process.env.ELECTRON_PATH) ? { path: process.env.ELECTRON_PATH } : { skip: `ELECTRON_PATH=${process.env.ELECTRON_PATH} does not exist` };
  }
  const binary = electronBinary(root);
  if (!binary) {
    return { skip: 'the Electron binary is not installed (node_modules/electron/dist is missing; it cannot be downloaded on this machine). Run `node node_modules/electron/install.js` where the internet is reachable; see this file\'s header.' };
  }
  return { path: binary };
}

function skipReason(): string | null {
  const found = electronBinaryToUse();
  if ('skip' in found) return found.skip;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display: run it under `xvfb-run -a`';
  if (!existsSync(join(root, 'dist/main/main.js'))) return 'the app is not built: run `node scripts/build.mjs` first';
  return null;
}

const reason = skipReason();
if (reason) console.warn(`electron-smoke: SKIPPED — ${reason}`);

let electronApp: ElectronApplication | null = null;
afterAll(async () => {
  await electronApp?.close().catch(() => undefined);
});

it('launches the desktop app, reads a slide from the import folder, opens the case and quits cleanly', async (ctx) => {
  if (reason) {
    ctx.skip(reason);
    return;
  }
  const binary = (electronBinaryToUse() as { path: string }).path;
  const dataDir = tempDir('ana-electron-data-');
  const importDir = tempDir('ana-electron-import-');
  const demo = join(root, 'resources/demo-slides');
  const demoSlide = existsSync(demo) ? readdirSync(demo).find((f) => /\.(png|tiff?)$/i.test(f)) : undefined;
  const slide = demoSlide ? join(demo, demoSlide) : join(root, 'test/fixtures/slides/A2026-0001_F1.png');
  const slideName = demoSlide ?? 'A2026-0001_F1.png';
  copyFileSync(slide, join(importDir, slideName));
  const accession = slideName.split(/[_.]/)[0]!;

  electronApp = await electron.launch({
    executablePath: binary,
    // Root in a container needs --no-sandbox for Chromium's process sandbox (not the renderer sandbox flag).
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), root],
    env: { ...process.env, ANA_DATA_DIR: dataDir, ANA_IMPORT_DIR: importDir, ELECTRON_ENABLE_LOGGING: '1' },
    timeout: 60_000,
  });
  const window = await electronApp.firstWindow();
  await window.waitForLoadState('domcontentloaded');
  const consoleErrors: string[] = [];
  window.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  expect(window.url()).toBe('app://local/index.html');

  // The page sees the contract API and nothing of Node or Electron.
  expect(await window.evaluate(() => [typeof (globalThis as { ana?: unknown }).ana, typeof (globalThis as { process?: unknown }).process, typeof (globalThis as { require?: unknown }).require])).toEqual(['object', 'undefined', 'undefined']);
  expect(await electronApp.evaluate(({ app }) => app.getPath('userData'))).toBe(join(dataDir, 'browser'));

  // First start: the record has no users, so the first administrator is created.
  await window.getByRole('heading', { name: 'Create the first administrator' }).waitFor({ timeout: 30_000 });
  await window.getByLabel('User name').fill('admin');
  await window.getByLabel('Printed name (shown on signatures)').fill('Dr. Smoke Test');
  await window.getByLabel('Password').fill('smoke-test-password');
  await window.getByRole('button', { name: 'Create and sign in' }).click();

  // The watched folder has handed the slide to the reading pipeline; the case appears.
  const row = window.getByTestId('worklist').getByRole('row', { name: new RegExp(accession) });
  await row.waitFor({ timeout: 90_000 });
  mkdirSync(join(TEST_OUTPUT_DIR, 'e2e'), { recursive: true });
  await window.screenshot({ path: join(TEST_OUTPUT_DIR, 'e2e', 'electron-worklist.png') });
  await row.getByRole('button', { name: accession }).click();
  await window.getByTestId('slide-canvas').waitFor({ timeout: 30_000 });
  await window.screenshot({ path: join(TEST_OUTPUT_DIR, 'e2e', 'electron-case.png') });

  await electronApp.close();
  electronApp = null;
  const log = readFileSync(join(dataDir, 'logs', 'ana.log'), 'utf8');
  expect(log).toMatch(/ANA Workstation .* starting/);
  expect(log).toMatch(/watching import folder/);
  expect(log).toMatch(/shut down in \d+ ms \((idle|finished)\)/);
  expect(existsSync(join(dataDir, 'ana.db'))).toBe(true);
  expect(consoleErrors).toEqual([]);
});
