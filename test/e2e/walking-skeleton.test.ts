/**
 * The walking skeleton end to end: a slide file is read by the real ONNX model into a real SQLite
 * record, the built Svelte renderer lists it in Chromium, and opening the case shows the image.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createApp, type App } from '../../electron/core/app';
import { defaultModelDir, projectRoot } from '../../electron/core/paths';
import { startTestHost, type TestHost } from '../host/test-host';
import { launchChromium, TEST_OUTPUT_DIR } from './browser';
import { loginAs, seedTestUsers } from '../support/record-fixtures';

let app: App;
let host: TestHost;
let browser: Browser;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ana-e2e-'));
  app = await createApp({ dbPath: join(dir, 'ana.db'), modelDir: defaultModelDir(), version: 'e2e', providers: ['cpu'] });
  await app.readFiles([join(projectRoot(), 'test/fixtures/slides/A2026-0001_F1.png')]);
  await seedTestUsers(app.db);
  host = await startTestHost({ app, rendererDir: join(projectRoot(), 'dist/renderer') });
  browser = await launchChromium();
  mkdirSync(join(TEST_OUTPUT_DIR, 'e2e'), { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await app?.close();
});

it('lists the read slide in the worklist and opens its image', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // The worklist needs a logged-in user: log this page's session in before it loads.
  await page.addInitScript(() => sessionStorage.setItem('ana-session-id', 'e2e-walking-skeleton'));
  await loginAs(app, 'e2e-walking-skeleton', 'physician');
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.goto(host.url);
  const row = page.getByTestId('worklist').getByRole('row', { name: /A2026-0001/ });
  await row.waitFor();
  expect(await row.locator('td').nth(1).textContent()).toBe('read');
  await page.screenshot({ path: join(TEST_OUTPUT_DIR, 'e2e', 'worklist.png') });

  await row.getByRole('button', { name: 'A2026-0001' }).click();
  const image = page.getByTestId('slide-image');
  await image.waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('[data-testid="slide-image"]');
    return !!img && img.complete && img.naturalWidth > 0;
  });
  expect(await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([640, 480]);
  await page.screenshot({ path: join(TEST_OUTPUT_DIR, 'e2e', 'case.png') });
  expect(consoleErrors).toEqual([]);
});
