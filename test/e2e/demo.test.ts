/**
 * `npm run demo` without Electron: the demo record (demo slides read through the app's import
 * path, display renditions included, a demo physician) served on 127.0.0.1, opened in Chromium:
 * the printed physician signs in and sees the worklist, and a slide opens from its rendition.
 * Two of the 24 demo fields keep it quick; `npm run demo` reads all of them the same way.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { projectRoot } from '../../electron/core/paths';
import { prepareDemo, DEMO_PHYSICIAN, type Demo } from '../host/demo';
import type { TestHost } from '../host/test-host';
import { launchChromium, TEST_OUTPUT_DIR } from './browser';

let dir: string;
let demo: Demo;
let host: TestHost;
let browser: Browser;
let read: { slidesRead: number; casesRead: number };
const lines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ana-e2e-demo-'));
  const slides = join(dir, 'slides');
  mkdirSync(slides);
  for (const f of ['A2026-0417_F1.jpg', 'A2026-0417_F2.jpg']) copyFileSync(join(projectRoot(), 'resources/demo-slides/images', f), join(slides, f));
  demo = await prepareDemo({ dir: join(dir, 'data'), slidesDir: slides, print: (line) => lines.push(line) });
  host = await demo.serve(0);
  read = await demo.readDay();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
  await demo?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('reads the demo day with progress into a fresh data folder, renditions included', () => {
  expect(read).toEqual({ slidesRead: 2, casesRead: 1 });
  expect(lines.join('\n')).toMatch(/2\/2 slides read/);
  expect(lines.join('\n')).toMatch(/Read 2 slide\(s\) into 1 case\(s\) in \d+ s on (cpu|cuda)/);
  expect(readdirSync(join(dir, 'data', 'display-cache')).filter((f) => f.endsWith('.png'))).toHaveLength(2);
});

it('serves the workstation: the demo physician signs in and sees the worklist', async () => {
  const page = await browser.newPage();
  await page.goto(host.url);
  await page.getByLabel('User name').fill(demo.physician.username);
  await page.getByLabel('Password').fill(demo.physician.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('current-user').getByText(DEMO_PHYSICIAN.displayName).waitFor();
  const row = page.getByTestId('worklist').getByRole('row', { name: /A2026-0417/ });
  await row.waitFor();
  expect(await row.locator('td').nth(2).textContent()).toBe('2');
  mkdirSync(join(TEST_OUTPUT_DIR, 'e2e'), { recursive: true });
  await page.screenshot({ path: join(TEST_OUTPUT_DIR, 'e2e', 'demo-worklist.png') });
  const image = page.waitForResponse((r) => /\/slides\/\d+\/image$/.test(r.url()));
  await row.getByRole('button', { name: 'A2026-0417' }).click();
  expect((await image).status()).toBe(200);
  await page.getByTestId('slide-canvas').waitFor();
  await page.screenshot({ path: join(TEST_OUTPUT_DIR, 'e2e', 'demo-viewer.png') });
});
