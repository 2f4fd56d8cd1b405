/**
 * The Today page and the per-version evidence, end to end in Chromium against the real core (real
 * SQLite, the shipped model registered as the active version) over the loopback test host. A month
 * is seeded through the repositories and the review service (test/support/qc-days.ts): 30 stable
 * days at 30 % positive, then a day at 70 %. The page raises the drift alarm for that day and not
 * for the stable day before it, prints the day as a PDF, and the Models page shows the active
 * version's confusion table over its signed cases. Screenshots: test-output/e2e/today-drift-alarm.png,
 * today-stable.png, models-evidence.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createApp, type App } from '../../electron/core/app';
import { SYSTEM_ACTOR } from '../../electron/core/db/audit.repo';
import { getActiveModelVersion, insertModelVersion, setModelValidation } from '../../electron/core/db/model-version.repo';
import { ensureActiveModel } from '../../electron/core/models/model-registry';
import { defaultModelDir, projectRoot } from '../../electron/core/paths';
import { startTestHost, type TestHost } from '../host/test-host';
import { loginAs, seedTestUsers, TEST_PASSWORD, TEST_SCRYPT_COST, TEST_USERS } from '../support/record-fixtures';
import { seedQcMonth, type QcMonth, type SignedOutcome } from '../support/qc-days';
import { refusedGate } from '../support/refused-gate';
import { eventually, launchChromium, TEST_OUTPUT_DIR } from './browser';

const OUT = join(TEST_OUTPUT_DIR, 'e2e');
const DATE = '2026-11-30';
let dir: string;
let app: App;
let host: TestHost;
let browser: Browser;
let page: Page;
let truth: QcMonth;
let model: { modelId: string; version: string };
const consoleErrors: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ana-e2e-today-'));
  // The test users' cheap scrypt cost stays (a login would otherwise upgrade it, and each seeded signature re-checks it).
  app = await createApp({ dbPath: join(dir, 'ana.db'), modelDir: defaultModelDir(), version: 'e2e', providers: ['cpu'], log: () => {}, passwordCost: TEST_SCRYPT_COST });
  await seedTestUsers(app.db);
  const { row } = await ensureActiveModel(app.db, defaultModelDir(), SYSTEM_ACTOR);
  model = { modelId: row.modelId, version: row.version };
  await loginAs(app, 'seed-admin', 'admin');
  expect((await app.handle('reports/update-settings', { patch: { timeZone: 'UTC' } }, { sessionId: 'seed-admin' })).ok).toBe(true);
  const physician = await loginAs(app, 'seed-physician', 'physician');
  [truth, browser] = await Promise.all([
    seedQcMonth(app.db, physician, {
      date: DATE,
      casesPerDay: 20,
      dayCases: 30,
      stableRate: 0.3,
      dayRate: 0.7,
      signedPerBaselineDay: 3,
      seed: 11,
      model: { modelId: row.modelId, modelVersion: row.version, provider: 'cpu' },
    }),
    launchChromium(),
  ]);
  host = await startTestHost({ app, rendererDir: join(projectRoot(), 'dist/renderer') });
  mkdirSync(OUT, { recursive: true });
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  await page.addInitScript(() => sessionStorage.setItem('ana-session-id', 'e2e-today-physician'));
  // The seeded fields have no image files: the worklist's prefetch of their display images gets a
  // 404 (with the browser's console line for it); every other failure counts.
  const seededImage = (url: string) => /\/slides\/\d+\/image$/.test(url);
  page.on('console', (m) => m.type() === 'error' && !(m.text().includes('404') && seededImage(m.location().url)) && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('response', (r) => r.status() >= 400 && !(r.status() === 404 && seededImage(r.url())) && consoleErrors.push(`${r.status()} ${r.url()}`));
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});


async function textOf(locator: { textContent(): Promise<string | null> }): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** The "positive (any pattern)" row counted by hand from the seeded outcomes. */
function positiveCells(outcomes: SignedOutcome[]): string[] {
  const count = (s: boolean, r: boolean) => outcomes.filter((o) => (o.suggested.length > 0) === s && (o.signed.length > 0) === r).length;
  return [count(true, true), count(true, false), count(false, true), count(false, false)].map(String);
}

async function showDay(date: string): Promise<void> {
  await page.getByTestId('today-date').fill(date);
  await page.getByTestId('today-date').blur();
  await eventually(() => page.getByRole('heading', { name: `Today — ${date}` }).count()).toBe(1);
}

describe('the Today page', () => {
  it('raises the drift alarm on the day whose positivity rose, and says which test and its false-alarm rate', async () => {
    await page.goto(host.url);
    await page.getByLabel('User name').fill(TEST_USERS.physician.username);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Today', exact: true }).click();
    await page.getByTestId('today-page').waitFor();
    await showDay(DATE);

    const alarm = page.getByTestId('drift-alarm');
    await eventually(() => alarm.getAttribute('data-alarm')).toBe('true');
    expect(await alarm.getAttribute('role')).toBe('alert');
    const positivity = `${((100 * truth.day.positive) / truth.day.total).toFixed(1)} % (${truth.day.positive}/${truth.day.total})`;
    expect(await textOf(alarm)).toContain(`Positivity up: ${positivity} vs`);
    expect(await textOf(page.getByTestId('drift-test'))).toMatch(/Fisher exact test .* 9 tests at 0\.111 % each, so at most 1 % of stable days raise a false alarm/);
    const row = page.getByTestId('today-rates').locator('tr[data-key="positive"]');
    expect(await row.getAttribute('class')).toMatch(/alarm/);
    expect(await textOf(row)).toContain(positivity);
    expect(await textOf(page.getByTestId('today-fields'))).toContain('32 read');
    expect(await textOf(page.getByTestId('today-not-readable'))).toMatch(/^2 not readable: (blank field 1, out of focus 1|out of focus 1, blank field 1)$/);
    // The seeded day's fields were not screened: none is withheld (the count itself: test/integration/qc/day-qc.test.ts).
    expect(await textOf(page.getByTestId('today-withheld'))).toBe('0 screened negative where the model calls a pattern');
    expect(await textOf(page.getByTestId('today-unfamiliar'))).toBe(`${truth.day.unfamiliar} unfamiliar to the model`);
    expect(await textOf(page.getByTestId('today-pixel-size-assumed'))).toBe(`${truth.day.assumedPixelSize} read at the model's assumed pixel size: their files state none and no microscope profile was set then (Settings can read the cases not yet signed again)`);
    expect(await textOf(page.getByTestId('today-model'))).toContain(`read 32 fields with ${model.modelId} ${model.version} on cpu`);
    // This record has no microscope profile: the page says what that means before anything else.
    expect(await textOf(page.getByTestId('microscope-setup-notice'))).toMatch(/^The microscope is not set up Files that state no pixel size are read at the model's assumed pixel size/);
    // Agreement: the day's signed cases against the suggestions they were signed over.
    const agreement = page.getByTestId('today-agreement').locator('tr[data-key="positive"] td');
    expect((await agreement.allTextContents()).slice(0, 4)).toEqual(positiveCells(truth.day.signed));
    await page.screenshot({ path: join(OUT, 'today-drift-alarm.png'), fullPage: true });

    const download = page.waitForEvent('download');
    await page.getByTestId('today-pdf').click();
    expect((await download).suggestedFilename()).toBe(`day-qc-${DATE}.pdf`);
    expect(readFileSync((await (await download).path())!).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('raises no alarm on the stable day before', async () => {
    await showDay('2026-11-29');
    await eventually(() => page.getByTestId('drift-alarm').getAttribute('data-alarm')).toBe('false');
    expect(await textOf(page.getByTestId('drift-alarm'))).toContain('No drift alarm');
    await page.screenshot({ path: join(OUT, 'today-stable.png'), fullPage: true });
  });
});

describe('the Models page', () => {
  it("shows the active version's confusion table over its signed cases", async () => {
    await page.getByRole('button', { name: 'Models', exact: true }).click();
    const evidence = page.getByTestId('model-evidence');
    await evidence.getByTestId('evidence-table').waitFor();
    expect(await evidence.getByTestId('evidence-version').inputValue()).toBe(`${model.modelId} ${model.version}`);
    expect(await textOf(evidence.getByTestId('evidence-summary'))).toMatch(new RegExp(`^${truth.signed.length} signed cases read with ${model.modelId} ${model.version.replaceAll('.', '\\.')}`));
    const cells = await evidence.getByTestId('evidence-table').locator('tr[data-key="positive"] td').allTextContents();
    expect(cells.slice(0, 4)).toEqual(positiveCells(truth.signed));
    await evidence.scrollIntoViewIfNeeded();
    await evidence.screenshot({ path: join(OUT, 'models-evidence.png') });
    expect(consoleErrors).toEqual([]);
  });

  it('tells an administrator, before promoting a refused candidate by hand, why the gate refused it, how much its figures can tell, and which patterns fine-tuning did not train on', async () => {
    // A candidate as fine-tuning registers one: the active package, its provenance naming the pattern
    // too few training cases held (what finetune-network.test.ts checks fine-tuning writes), and the
    // gate's own record of refusing it on eight validation cases.
    const active = getActiveModelVersion(app.db)!;
    const version = `${active.version}+lab`;
    const manifest = { ...(active.manifest as Record<string, unknown>), version, provenance: { training: { untrainedLabels: ['nuclear_dots'], untrainedCalls: { cases: 247, calls: [{ key: 'nuclear_dots', called: 60, signed: 10 }] } } } };
    const candidate = insertModelVersion(app.db, { modelId: active.modelId, version, manifest, packageSha256: active.packageSha256, dirPath: active.dirPath, source: 'fine-tuned', parentId: active.id, trainingRunId: null, createdAtMs: Date.now() }, SYSTEM_ACTOR);
    const gate = refusedGate();
    expect(gate.passed).toBe(false);
    setModelValidation(app.db, candidate.id, 'rejected', { gate }, SYSTEM_ACTOR);

    const admin = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const adminErrors: string[] = [];
    admin.on('pageerror', (e) => adminErrors.push(String(e)));
    await admin.goto(host.url);
    await admin.getByLabel('User name').fill(TEST_USERS.admin.username);
    await admin.getByLabel('Password').fill(TEST_PASSWORD);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByRole('button', { name: 'Models', exact: true }).click();
    await admin.getByTestId('model-versions').locator('tbody tr', { hasText: version }).getByRole('button', { name: 'Promote…' }).click();
    const dialog = admin.getByTestId('confirm-dialog');
    await eventually(() => dialog.textContent()).toContain(
      'Not trained on AC-6/7 Nuclear dots: too few of the signed cases this version learnt from hold it, so it keeps the threshold of the version it started from, but the layers it shares with the trained patterns did learn, and how this version reads it can differ. On the 247 cases it learnt from it calls AC-6/7 Nuclear dots on 60, signed on 10: every call beyond the signed cases is a false one, every call short of them a miss.',
    );
    const text = (await dialog.textContent())!;
    const at3 = (v: number) => v.toFixed(3);
    expect(text).toContain(`This version has status 'rejected'. The validation gate refused it: macro-F1 ${at3(gate.active.f1_macro)} → ${at3(gate.candidate.f1_macro)}, mAP ${at3(gate.active.map)} → ${at3(gate.candidate.map)} on 8 validation cases.`);
    expect(text).toContain(`On another 8 cases like these, the differences would typically move by ${at3(gate.spread!.f1_macro)} (macro-F1) and ${at3(gate.spread!.map)} (mAP).`);
    expect(await dialog.getByRole('listitem').allTextContents()).toEqual([...gate.reasons, expect.stringMatching(/^Not trained on AC-6\/7 Nuclear dots/)]);
    await dialog.getByLabel('Justification').waitFor();
    await dialog.screenshot({ path: join(OUT, 'models-promote-refused.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await admin.close();
    expect(adminErrors).toEqual([]);
  });
});
