/**
 * A fine-tuning run started from the Models page, end to end in Chromium against the real core:
 * 24 cases over generated field files, signed by a physician, the shipped model, the real
 * fine-tuning worker. Since they were read, one file has gone and one was overwritten with
 * something that is not an image. The quickest recipe (thresholds only) runs to the gate
 * without them; the page names them with the reason, and shows the run's
 * verdict with both versions' figures, how much they can tell on so few validation cases, the
 * candidate in the version table and on the learning curve. A whole-network run is cancelled
 * from the page and leaves no candidate. The record's runs are listed, with one a crash cut off
 * before the workstation started: the first new run closed it as interrupted. Screenshot: test-output/e2e/models-run-verdict.png.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ModelVersionSummary } from '../../electron/contract';
import { createApp, type App } from '../../electron/core/app';
import { SYSTEM_ACTOR } from '../../electron/core/db/audit.repo';
import { insertTrainingRun, updateTrainingRun } from '../../electron/core/db/training-run.repo';
import { defaultModelDir, projectRoot } from '../../electron/core/paths';
import { gateFigures, gateSpreadWords } from '../../renderer/src/lib/utils/gate';
import { startTestHost, type TestHost } from '../host/test-host';
import { loginAs, seedTestUsers, TEST_SCRYPT_COST } from '../support/record-fixtures';
import { seedSignedFieldRecord } from '../support/signed-field-record';
import { tempDir } from '../support/temp-dir';
import { eventually, launchChromium, TEST_OUTPUT_DIR } from './browser';

const OUT = join(TEST_OUTPUT_DIR, 'e2e');
const SIGNED = 24;
let dir: string;
let gone: string;
let broken: string;
/** The process of a run a crash cut off (it has exited). */
let crashedPid: number;
let app: App;
let host: TestHost;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  dir = tempDir('ana-e2e-finetune-');
  app = await createApp({ dbPath: join(dir, 'ana.db'), modelDir: defaultModelDir(), version: 'e2e', providers: ['cpu'], log: () => {}, passwordCost: TEST_SCRYPT_COST });
  await seedTestUsers(app.db);
  const physician = await loginAs(app, 'seed-physician', 'physician');
  await loginAs(app, 'e2e-finetune-admin', 'admin');
  // A run left 'running' in the record by a process that is gone (the workstation crashed mid-run).
  crashedPid = spawnSync(process.execPath, ['-e', '']).pid!;
  const crashed = insertTrainingRun(app.db, { baseModelVersionId: null, config: { runner: { host: hostname(), pid: crashedPid }, mode: 'all' }, dataset: {}, seed: 1, startedBy: null, createdAtMs: Date.now() - 3_600_000 }, SYSTEM_ACTOR);
  updateTrainingRun(app.db, crashed.id, { status: 'running', startedAtMs: Date.now() - 3_600_000 }, SYSTEM_ACTOR);
  mkdirSync(join(dir, 'fields'));
  const [launched, record] = await Promise.all([launchChromium(), seedSignedFieldRecord(app.db, physician, join(dir, 'fields'), SIGNED)]);
  browser = launched;
  // Since they were read, one file moved away and one overwritten: fine-tuning must go on without them and say which.
  [gone, broken] = [record.paths[2]!, record.paths[9]!];
  rmSync(gone);
  writeFileSync(broken, 'not a field any more');
  host = await startTestHost({ app, rendererDir: join(projectRoot(), 'dist/renderer') });
  mkdirSync(OUT, { recursive: true });
  page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  await page.addInitScript(() => sessionStorage.setItem('ana-session-id', 'e2e-finetune-admin'));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await page.getByTestId('finetune-start').waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});


async function textOf(testId: string): Promise<string> {
  return ((await page.getByTestId(testId).textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

async function startRun(mode: string): Promise<void> {
  await page.getByTestId('finetune-mode').selectOption(mode);
  await page.getByTestId('finetune-start').click();
  await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Start' }).click();
}

async function versions(): Promise<ModelVersionSummary[]> {
  const listed = (await app.handle('models/list', {}, { sessionId: 'e2e-finetune-admin' })) as { ok: true; value: ModelVersionSummary[] };
  return listed.value;
}

it("runs a thresholds-only fine-tuning to the gate without the files it cannot use and shows which, its verdict, the figures' spread and the candidate", async () => {
  // Before the run: what the record offers it (the split by accession is the run's own).
  const readiness = ((await app.handle('finetune/readiness', {}, { sessionId: 'e2e-finetune-admin' })) as { value: { signedCases: number; minimum: number; validationCases: number } }).value;
  expect(readiness).toMatchObject({ signedCases: SIGNED, minimum: 20 });
  expect(await textOf('finetune-readiness')).toBe(`The record holds ${SIGNED} signed cases: ${SIGNED - readiness.validationCases} to learn from and ${readiness.validationCases} kept back for the validation gate.`);
  await startRun('thresholds');
  await eventually(() => textOf('finetune-status'), 120_000).toMatch(/^succeeded · started /);

  // The page says what the registry recorded: the candidate, the gate's figures and spread.
  const [candidate] = (await versions()).filter((v) => v.source === 'fine-tuned');
  expect(candidate).toBeDefined();
  const gate = candidate!.gate!;
  expect(gate.spread).not.toBeNull();
  expect(gate.validationCases).toBeGreaterThan(0);
  expect(gate.validationCases).toBeLessThan(SIGNED);
  // The gate judged the cases kept back whose files it could still read.
  expect(gate.validationCases).toBeLessThanOrEqual(readiness.validationCases);
  expect(gate.validationCases).toBeGreaterThanOrEqual(readiness.validationCases - 2);
  expect(candidate!.version).toMatch(/\+thr\d+$/);
  expect(candidate!.status).toBe(gate.passed ? (candidate!.active ? 'released' : 'validated') : 'rejected');
  expect(await textOf('gate-verdict')).toBe(`Gate ${gate.passed ? 'passed' : 'refused'} for ${candidate!.version}: ${gateFigures(gate)}${candidate!.active ? '; now active' : ''}.`);
  expect(await textOf('gate-spread')).toBe(gateSpreadWords(gate));
  expect(await textOf('gate-spread')).toMatch(new RegExp(`^On another ${gate.validationCases} cases like these, the differences would typically move by \\d\\.\\d{3} \\(macro-F1\\) and \\d\\.\\d{3} \\(mAP\\)\\.$`));
  const leftOut = page.getByTestId('finetune-left-out');
  expect(await leftOut.locator('p').textContent()).toBe('2 signed fields were left out: their files are gone or cannot be read (2 cases had no other field). Restore them and fine-tune again to use them.');
  expect((await leftOut.getByRole('listitem').allTextContents()).sort()).toEqual([`${gone}: file not found`, `${broken}: not a supported image file (PNG, JPEG, TIFF or BMP expected)`].sort());
  await eventually(() => page.getByTestId('model-versions').locator('tbody tr', { hasText: candidate!.version }).count()).toBe(1);
  // The learning curve's one point: this recipe, fitted on the signed cases found and not kept for validation.
  const curveRow = page.getByTestId('learning-curve').locator('tbody tr');
  await eventually(() => curveRow.count()).toBe(1);
  expect(await curveRow.locator('td').allTextContents()).toEqual([candidate!.version, 'thresholds only', String(SIGNED - 2 - gate.validationCases), gate.candidate.f1Macro.toFixed(3), gate.candidate.map.toFixed(3), String(gate.validationCases)]);
  // The record's runs, newest first: this one, and the one the crash cut off, closed by it.
  const runs = page.getByTestId('finetune-runs').locator('tbody tr');
  await eventually(() => runs.count()).toBe(2);
  expect((await runs.nth(0).locator('td').allTextContents()).slice(2)).toEqual(['thresholds only', 'succeeded', `${candidate!.version}; 2 signed fields left out`]);
  expect((await runs.nth(1).locator('td').allTextContents()).slice(2)).toEqual([
    'all layers',
    'failed',
    `interrupted: process ${crashedPid} on ${hostname()} stopped before the run ended (the workstation was closed, crashed or lost power); found by the next run`,
  ]);
  await page.getByTestId('finetune-status').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(OUT, 'models-run-verdict.png'), fullPage: true });
  expect(pageErrors).toEqual([]);
}, 180_000);

it('cancels a whole-network run from the page and registers no candidate', async () => {
  const before = (await versions()).length;
  await startRun('all');
  await eventually(() => textOf('finetune-status')).toMatch(/^running/);
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await eventually(() => textOf('finetune-status'), 120_000).toMatch(/^cancelled · started /);
  expect(await page.getByTestId('finetune-start').isEnabled()).toBe(true);
  expect(await versions()).toHaveLength(before);
  const newest = page.getByTestId('finetune-runs').locator('tbody tr').first();
  await eventually(async () => (await newest.locator('td').allTextContents()).slice(2, 4)).toEqual(['all layers', 'cancelled']);
  expect(pageErrors).toEqual([]);
}, 180_000);
