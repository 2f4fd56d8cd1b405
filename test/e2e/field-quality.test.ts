/**
 * What the physician sees of the field-quality analysis, end to end in Chromium against the real
 * core (real model, real SQLite) over the loopback test host: a day with ordinary fields, a black
 * field and a strongly blurred one is read through the UI; the worklist names why a field is not
 * readable; the viewer draws the segmented cells over a readable field and shows its verdict; a
 * not-readable case is signed negative only with the explicit confirmation. Screenshots go to
 * test-output/e2e/ (cell-outlines.png, not-readable.png, worklist-quality.png, read-again.png,
 * case-read-again.png, pixel-size-suggestion.png, screening-signed-negatives.png).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createApp, type App } from '../../electron/core/app';
import { getReadingCells, insertReading, latestReadingsOfCase } from '../../electron/core/db/reading.repo';
import { defaultModelDir, projectRoot } from '../../electron/core/paths';
import { NOT_READABLE_WORDS, type CaseDetail, type CaseListItem, type MicroscopeProfileSummary, type ReadingCells } from '../../electron/contract';
import { startTestHost, type TestHost } from '../host/test-host';
import { loginAs, seedTestUsers, TEST_PASSWORD, TEST_USERS } from '../support/record-fixtures';
import { fitViewport } from '../../renderer/src/lib/utils/viewport';
import { polygonToCanvas } from '../../renderer/src/lib/utils/cell-outlines';
import { eventually, launchChromium, TEST_OUTPUT_DIR } from './browser';
import { writeNegativeControls, writeQualityDay, writeUnstated40x, type QualityDaySlide } from './seed-quality-day';
import { tempDir } from '../support/temp-dir';

const OUT = join(TEST_OUTPUT_DIR, 'e2e');
let app: App;
let host: TestHost;
let browser: Browser;
let day: QualityDaySlide[];
let dayDir: string;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  const dir = tempDir('ana-e2e-quality-');
  app = await createApp({ dbPath: join(dir, 'ana.db'), modelDir: defaultModelDir(), version: 'e2e', providers: ['cpu'], log: () => {} });
  await seedTestUsers(app.db);
  host = await startTestHost({ app, rendererDir: join(projectRoot(), 'dist/renderer') });
  dayDir = join(dir, 'day');
  [browser, day] = await Promise.all([launchChromium(), writeQualityDay(dayDir)]);
  mkdirSync(OUT, { recursive: true });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript(() => sessionStorage.setItem('ana-session-id', 'e2e-quality-physician'));
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await app?.close();
});

/** Text content with runs of white space as one space (markup line breaks are not text). */
async function textOf(locator: { textContent(): Promise<string | null> }): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}


function row(accessionId: string) {
  return page.getByTestId('worklist').getByRole('row', { name: new RegExp(accessionId) });
}

/** A channel call from the page, as the physician's session. */
async function invoke<T>(channel: string, request: unknown): Promise<{ ok: boolean; value: T; code?: string; message?: string }> {
  return page.evaluate(
    async ([c, r]) => (window as unknown as { ana: { invoke(c: string, r: unknown): Promise<unknown> } }).ana.invoke(c as string, r),
    [channel, request] as const,
  ) as Promise<{ ok: boolean; value: T; code?: string; message?: string }>;
}

async function caseOf(accessionId: string): Promise<CaseListItem> {
  return (await invoke<CaseListItem[]>('cases/list', { search: accessionId })).value.find((c) => c.accessionId === accessionId)!;
}

async function openCase(accessionId: string): Promise<void> {
  const back = page.getByRole('button', { name: '← Worklist' });
  if (await back.count()) await back.click();
  await row(accessionId).getByRole('button', { name: accessionId }).click();
  await page.getByRole('heading', { name: `Case ${accessionId}` }).waitFor();
  await page.waitForFunction(() => document.querySelector<HTMLCanvasElement>('[data-testid="slide-canvas"]')?.dataset.painted === 'true');
}

/** A second page as the administrator, with its page errors collected. */
async function adminPage(): Promise<{ admin: Page; errors: string[] }> {
  const admin = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await admin.addInitScript(() => sessionStorage.setItem('ana-session-id', 'e2e-quality-admin'));
  const errors: string[] = [];
  admin.on('pageerror', (e) => errors.push(String(e)));
  return { admin, errors };
}

async function canvasPixel(x: number, y: number): Promise<number[]> {
  return page.getByTestId('slide-canvas').evaluate((c: HTMLCanvasElement, [px, py]) => Array.from(c.getContext('2d')!.getImageData(px!, py!, 1, 1).data), [Math.round(x), Math.round(y)]);
}

async function nextFrames(n = 3): Promise<void> {
  await page.evaluate((count) => new Promise<void>((done) => { const step = (k: number) => (k === 0 ? done() : requestAnimationFrame(() => step(k - 1))); step(count); }), n);
}

describe('field quality in the review workstation', () => {
  it('reads the day; the worklist names why a field is not readable and counts the day', async () => {
    await page.goto(host.url);
    await page.getByLabel('User name').fill(TEST_USERS.physician.username);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('import-path').fill(dayDir);
    await page.getByTestId('import-start').click();
    await eventually(() => page.getByTestId('reading-progress').textContent(), 90_000).toMatch(new RegExp(`Read ${day.length} of ${day.length}`));
    await eventually(() => page.getByTestId('worklist').locator('tbody tr').count()).toBe(day.length);

    const black = await caseOf('Q2026-0303');
    expect(black.notReadable).toHaveLength(1);
    expect(black.predictedLabels).toEqual([]);
    // The row shows the stored reason in words, and no "AC-0 negative" chip for a field nobody could read.
    await eventually(() => row('Q2026-0303').getByTestId('not-readable-chip').textContent()).toBe(`not readable: ${NOT_READABLE_WORDS[black.notReadable[0]!.reason]}`);
    expect(await row('Q2026-0303').textContent()).not.toContain('AC-0 negative');
    for (const s of day.filter((d) => d.kind === 'normal')) {
      expect((await caseOf(s.accessionId)).notReadable, s.accessionId).toEqual([]);
      expect(await row(s.accessionId).getByTestId('not-readable-chip').count()).toBe(0);
    }
    const all = (await invoke<CaseListItem[]>('cases/list', {})).value;
    const withNotReadable = all.filter((c) => c.notReadable.length > 0).length;
    const withUnfamiliar = all.filter((c) => c.unfamiliar).length;
    const withWithheld = all.filter((c) => c.withheldLabels.length > 0).length;
    expect(await page.getByTestId('worklist-counts').textContent()).toContain(
      `${withNotReadable} with a not-readable field · ${withWithheld} screened negative where the model calls a pattern · ${withUnfamiliar} with an unfamiliar field`,
    );

    // The quality filter keeps only the cases with a not-readable field.
    await page.getByTestId('filter-quality').selectOption('not-readable');
    await eventually(() => page.getByTestId('worklist').locator('tbody tr').count()).toBe(withNotReadable);
    await page.screenshot({ path: join(OUT, 'worklist-quality.png') });
    await page.getByTestId('filter-quality').selectOption('');
    await eventually(() => page.getByTestId('worklist').locator('tbody tr').count()).toBe(day.length);
  });

  it('draws the segmented cells over a readable field (toggle C) and shows its verdict and screening', async () => {
    await openCase('Q2026-0301');
    const detail = (await invoke<CaseDetail>('cases/get', { caseId: (await caseOf('Q2026-0301')).id })).value;
    const reading = detail.readings[0]!;
    expect(reading.quality?.verdict).toBe('readable');
    const cells = (await invoke<ReadingCells>('viewer/reading-cells', { readingId: reading.id })).value.cells;
    expect(cells.length).toBeGreaterThan(5);
    await eventually(() => page.getByTestId('cells-count').textContent()).toBe(String(cells.length));
    expect(await page.getByTestId('field-verdict-text').textContent()).toBe('readable');
    expect(await page.getByTestId('field-measures').textContent()).toContain(`${reading.quality!.cells} cells`);
    expect(await page.getByTestId('field-screening').textContent()).toContain(reading.screening!.call);
    expect(await page.getByTestId('field-screening').textContent()).toContain(reading.screening!.positiveProbability.toFixed(2));
    // Its file states the pixel size: nothing to say about the scale.
    expect(detail.slides[0]!.pixelSizeSource).toBe('file');
    expect(await page.getByTestId('field-pixel-size-assumed').count()).toBe(0);

    // At a vertex of the largest cell the outline changes the pixel; toggled off (key C), the plain image.
    await page.getByTestId('overlay-toggle').uncheck();
    const box = (await page.getByTestId('slide-canvas').boundingBox())!;
    const vp = fitViewport({ width: 1024, height: 768 }, { width: Math.floor(box.width), height: Math.floor(box.height) });
    const largest = [...cells].sort((a, b) => b.polygon.length - a.polygon.length)[0]!;
    const [x, y] = polygonToCanvas(vp, largest.polygon);
    await nextFrames();
    const withOutline = await canvasPixel(x!, y!);
    await page.locator('body').focus();
    await page.keyboard.press('c');
    await nextFrames();
    expect(await page.getByTestId('cells-toggle').isChecked()).toBe(false);
    const plain = await canvasPixel(x!, y!);
    expect(Math.max(...[0, 1, 2].map((k) => Math.abs(withOutline[k]! - plain[k]!)))).toBeGreaterThan(20);
    await page.keyboard.press('c');
    // Zoomed in, pattern overlay off, so the outlines (mitoses dashed) are what the picture shows.
    for (let i = 0; i < 3; i++) await page.keyboard.press('+');
    await nextFrames();
    await page.screenshot({ path: join(OUT, 'cell-outlines.png') });
    await page.getByTestId('overlay-toggle').check();
    expect(consoleErrors).toEqual([]);
  });

  it('says when a field was cut at the assumed pixel size: its file states none and no profile is set', async () => {
    const unstated = day.find((d) => !d.statesPixelSize)!;
    await openCase(unstated.accessionId);
    const detail = (await invoke<CaseDetail>('cases/get', { caseId: (await caseOf(unstated.accessionId)).id })).value;
    expect(detail.slides[0]).toMatchObject({ pixelSizeSource: 'model-default', pixelSizeUm: expect.any(Number) });
    expect(await page.getByTestId('field-pixel-size-assumed').textContent()).toContain(
      `Pixel size ${detail.slides[0]!.pixelSizeUm!.toFixed(3)} µm/px, assumed: the file states no pixel size and no microscope profile was set when it was read.`,
    );
    await page.getByTestId('field-verdict').screenshot({ path: join(OUT, 'pixel-size-assumed.png') });
    expect(consoleErrors).toEqual([]);
  });

  it('a not-readable field: the verdict instead of suggestions, and a negative sign-off only with the explicit confirmation', async () => {
    await openCase('Q2026-0303');
    const caseId = (await caseOf('Q2026-0303')).id;
    const reading = (await invoke<CaseDetail>('cases/get', { caseId })).value.readings[0]!;
    const words = `not readable: ${NOT_READABLE_WORDS[reading.quality!.reason!]}`;
    expect(await page.getByTestId('field-verdict-text').textContent()).toBe(words);
    await page.getByTestId('field-no-suggestions').waitFor();
    // No pattern is suggested or pre-selected: the working decision starts negative, with no probabilities.
    expect(await page.getByTestId('review-result').textContent()).toContain('Negative (AC-0)');
    expect(await page.getByTestId('review-panel').locator('.prob').count()).toBe(0);

    await page.locator('body').focus();
    await page.keyboard.press('s');
    await eventually(() => page.getByTestId('case-status').textContent()).toBe('in_review');
    await page.keyboard.press('Shift+S');
    const dialog = page.getByTestId('sign-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('not-readable-warning').textContent()).toContain(words);
    await page.getByTestId('sign-password').fill(TEST_PASSWORD);
    expect(await page.getByTestId('sign-submit').isDisabled()).toBe(true);
    await page.screenshot({ path: join(OUT, 'not-readable.png') });

    // The core refuses it too, whatever a client sends.
    const refused = await invoke('review/sign', { caseId, password: TEST_PASSWORD });
    expect(refused).toMatchObject({ ok: false, code: 'conflict' });
    expect(refused.message).toContain('explicit confirmation');
    expect(await page.getByTestId('case-status').textContent()).toBe('in_review');

    await page.getByTestId('confirm-not-readable').check();
    await page.getByTestId('sign-submit').click();
    await eventually(() => page.getByTestId('case-status').textContent()).toBe('signed');
    const history = (await invoke<CaseDetail>('cases/get', { caseId })).value.audit.map((e) => e.action);
    expect(history).toContain('confirm-not-readable');
    expect(consoleErrors).toEqual([]);
  });

  it('a field screened negative on which the model calls a pattern: nothing suggested, but the worklist, the field and the sign dialog say what the model saw', async () => {
    const screenedOut = day.find((d) => d.kind === 'screened-out')!;
    expect(await caseOf(screenedOut.accessionId)).toMatchObject({ screening: 'negative', predictedLabels: [], withheldLabels: ['mitochondrial'] });
    await page.getByRole('button', { name: '← Worklist' }).click();
    expect(await textOf(row(screenedOut.accessionId).getByTestId('withheld-chip'))).toBe('model: AC-21 Mitochondrial (AMA)');
    await page.getByTestId('filter-quality').selectOption('screening-withheld');
    await eventually(() => page.getByTestId('worklist').locator('tbody tr').count()).toBe(1);
    await row(screenedOut.accessionId).waitFor();
    await page.screenshot({ path: join(OUT, 'worklist-withheld.png') });
    await page.getByTestId('filter-quality').selectOption('');

    await openCase(screenedOut.accessionId);
    expect(await textOf(page.getByTestId('field-withheld'))).toBe(
      'The model calls AC-21 Mitochondrial (AMA) on this field, which screening called negative: not suggested. Look at the field before signing the case negative.',
    );
    expect(await page.getByTestId('review-result').textContent()).toContain('Negative (AC-0)');
    await page.locator('body').focus();
    await page.keyboard.press('s');
    await eventually(() => page.getByTestId('case-status').textContent()).toBe('in_review');
    await page.keyboard.press('Shift+S');
    await page.getByTestId('sign-dialog').waitFor();
    expect(await textOf(page.getByTestId('withheld-warning'))).toContain('The model calls AC-21 Mitochondrial (AMA) on a field that screening called negative, and this result leaves it out.');
    // A warning, not a block: signing negative stays the physician's decision.
    expect(await page.getByTestId('sign-submit').isDisabled()).toBe(false);
    await page.getByTestId('sign-dialog').screenshot({ path: join(OUT, 'sign-withheld.png') });
    await page.getByTestId('sign-dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(consoleErrors).toEqual([]);
  });
});

describe('a field unfamiliar to the model', () => {
  it('is flagged in the worklist and the case view, and its suggestions are greyed', async () => {
    // Generated fields are familiar to the shipped model (its reference is fitted on such fields),
    // so the slide is read again (same outputs and cells, through the record's own repository) as a
    // reading of a field from an unseen microscope would be stored: flagged unfamiliar.
    const caseId = (await caseOf('Q2026-0301')).id;
    const [{ id, ...read }] = latestReadingsOfCase(app.db, caseId) as [ReturnType<typeof latestReadingsOfCase>[number]];
    insertReading(app.db, { ...read, familiarity: { unfamiliar: true, distance: 1.7 }, cells: getReadingCells(app.db, id), createdAtMs: read.createdAtMs + 1 });

    await page.getByRole('button', { name: '← Worklist' }).click();
    await row('Q2026-0301').getByTestId('unfamiliar-chip').waitFor();
    const unfamiliarCases = (await invoke<CaseListItem[]>('cases/list', {})).value.filter((c) => c.unfamiliar).length;
    expect(unfamiliarCases).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('worklist-counts').textContent()).toContain(`${unfamiliarCases} with an unfamiliar field`);
    await openCase('Q2026-0301');
    expect(await textOf(page.getByTestId('field-unfamiliar'))).toContain('unfamiliar to the model: review with care');
    await page.getByTestId('suggestions-greyed').waitFor();
    await page.screenshot({ path: join(OUT, 'unfamiliar.png') });
    expect(consoleErrors).toEqual([]);
  });
});

describe('administrator', () => {
  it('sets the microscope profile and calibrates screening on negative-control fields in Settings', async () => {
    const controls = await writeNegativeControls(join(dayDir, '..', 'controls'), 3);
    const { admin, errors } = await adminPage();
    await loginAs(app, 'e2e-quality-admin', 'admin');
    await admin.goto(host.url);
    const nav = (name: string) => admin.getByRole('navigation').getByRole('button', { name, exact: true }).click();
    // The Today page says what is missing until the microscope is set up.
    const setupNotice = async () => {
      // The notice shows once the page has the profile: wait for that answer, then for it to render.
      await nav('Settings');
      const answered = admin.waitForResponse((r) => r.url().endsWith('/api/settings/microscope-profile'));
      await nav('Today');
      await answered;
      await admin.getByTestId('today-page').waitFor();
      await admin.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      const notice = admin.getByTestId('microscope-setup-notice');
      return (await notice.count()) ? textOf(notice) : null;
    };
    expect(await setupNotice()).toMatch(/^The microscope is not set up/);
    await nav('Settings');
    const settings = admin.getByTestId('microscope-settings');
    expect(await textOf(settings.getByTestId('pixel-size-hint'))).toContain("the camera's pixel pitch divided by the total magnification");
    await settings.getByLabel('Profile name').fill('Lab scope 1');
    await settings.getByLabel('Pixel size (µm/px)').fill('0.5');
    await settings.getByRole('button', { name: 'Save profile' }).click();
    await eventually(() => textOf(settings.getByTestId('screening-calibration'))).toContain('generic calibration');
    expect(await setupNotice()).toMatch(/^Screening is not calibrated on this lab's negative controls Profile Lab scope 1 \(0\.5 µm\/px\)/);
    // The not-readable case signed negative above is the record's one signed negative case: offered as the negatives.
    expect(await setupNotice()).toMatch(/or on the 1 case signed negative here, with one click\.$/);
    await nav('Settings');

    // One path that is not a field file: it is listed as left out, the others calibrate.
    await settings.getByTestId('calibration-paths').fill([...controls, join(dayDir, 'no-such-file.png')].join('\n'));
    await settings.getByTestId('calibrate-start').click();
    await eventually(() => textOf(settings.getByTestId('screening-calibration')), 60_000).toContain('calibrated on 3 negative-control fields');
    expect(await textOf(settings.getByTestId('screening-calibration'))).toContain('1 file left out');
    const stored = (await admin.evaluate(async () => (window as unknown as { ana: { invoke(c: string, r: unknown): Promise<{ value: unknown }> } }).ana.invoke('settings/microscope-profile', {}))) as {
      value: { profile: { name: string; calibration: { negatives: number; negativeAgreement: number } } };
    };
    expect(stored.value.profile).toMatchObject({ name: 'Lab scope 1', calibration: { negatives: 3 } });
    expect(await textOf(settings.getByTestId('screening-calibration'))).toContain(`${Math.round(stored.value.profile.calibration.negativeAgreement * 100)} % of them screen negative`);
    await settings.screenshot({ path: join(OUT, 'screening-calibration.png') });
    expect(await setupNotice()).toBeNull();
    expect(errors).toEqual([]);
  });

  it('reads again, at the profile size, an unsigned case read at the assumed size: from its case view, or every such case from Settings', async () => {
    const unstated = day.find((d) => !d.statesPixelSize)!;
    const { admin, errors } = await adminPage();
    await admin.goto(host.url);
    const settingsBlock = async () => {
      await admin.getByRole('navigation').getByRole('button', { name: 'Settings', exact: true }).click();
      await admin.getByTestId('microscope-settings').waitFor();
      const block = admin.getByTestId('read-again-assumed');
      return block.count().then((n) => (n ? textOf(block) : ''));
    };
    await eventually(settingsBlock).toMatch(/^1 case not yet signed \(1 field\) was read at the model's assumed pixel size/);
    await admin.getByTestId('microscope-settings').screenshot({ path: join(OUT, 'read-again.png') });
    // The physician reads it again from the case: the view reloads with the new reading by itself.
    await openCase(unstated.accessionId);
    const start = page.getByTestId('case-read-again-start');
    expect(await textOf(start)).toBe("Read this case again at the profile's 0.5 µm/px");
    await page.locator('aside', { has: page.getByTestId('case-read-again') }).screenshot({ path: join(OUT, 'case-read-again.png') });
    await start.click();
    await eventually(() => textOf(page.getByTestId('case-read-again-status'))).toBe('Reading its field again at 0.5 µm/px…');
    await eventually(() => page.getByTestId('field-pixel-size-assumed').count(), 60_000).toBe(0);
    expect(await page.getByTestId('case-read-again').count()).toBe(0);
    const slideOf = async () => (await invoke<CaseDetail>('cases/get', { caseId: (await caseOf(unstated.accessionId)).id })).value.slides[0]!;
    expect(await slideOf()).toMatchObject({ pixelSizeSource: 'profile', pixelSizeUm: 0.5 });
    // Nothing is left for Settings to read again.
    await admin.getByRole('navigation').getByRole('button', { name: 'Today', exact: true }).click();
    expect(await settingsBlock()).toBe('');
    expect(consoleErrors).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("suggests the pixel size from the cells of the fields read, says the profile's 0.5 µm/px is far from a 40× microscope's, and copies it into the form", async () => {
    // Fields of a 40× microscope whose files state no size, read at the profile's (wrong) 0.5 µm/px.
    await app.readFiles(await writeUnstated40x(join(dayDir, '..', 'scope-40x'), 10));
    const { admin, errors } = await adminPage();
    await admin.goto(host.url);
    await admin.getByRole('navigation').getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = admin.getByTestId('microscope-settings');
    await settings.getByTestId('pixel-size-suggest').click();
    const suggested = settings.getByTestId('pixel-size-suggested');
    await eventually(() => (suggested.count().then((n) => (n ? textOf(suggested) : ''))), 60_000).toMatch(/^The cells of the latest \d+ fields read without a pixel size of their own look like the model's training cells at about 0\.\d{3} µm\/px/);
    const size = Number(/about (0\.\d{3}) µm\/px/.exec(await textOf(suggested))![1]);
    expect(size).toBeLessThan(0.3);
    expect(await textOf(settings.getByTestId('pixel-size-far'))).toBe("The profile's 0.5 µm/px is far from that: check it against the camera and objective.");
    await settings.screenshot({ path: join(OUT, 'pixel-size-suggestion.png') });
    await settings.getByTestId('pixel-size-use').click();
    expect(Number(await settings.getByLabel('Pixel size (µm/px)').inputValue())).toBe(size);
    // Copied, not saved: the profile changes only when the administrator saves it.
    expect((await invoke<{ profile: { pixelSizeUm: number } }>('settings/microscope-profile', {})).value.profile.pixelSizeUm).toBe(0.5);
    expect(errors).toEqual([]);
  });

  it('calibrates screening on the cases signed negative with one click, and the summary says so', async () => {
    // Q2026-0303 (a black field, not readable) was signed negative above; the physician now signs the negative Q2026-0302.
    const negative = (await caseOf('Q2026-0302')).id;
    expect(await invoke('review/save-draft', { caseId: negative, labels: [] })).toMatchObject({ ok: true });
    expect(await invoke('review/sign', { caseId: negative, password: TEST_PASSWORD })).toMatchObject({ ok: true });
    const { admin, errors } = await adminPage();
    await admin.goto(host.url);
    await admin.getByRole('navigation').getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = admin.getByTestId('microscope-settings');
    const start = settings.getByTestId('calibrate-signed-negatives');
    await eventually(() => textOf(start)).toBe('Calibrate on the 2 signed negative cases');
    expect(await settings.getByTestId('calibrate-signed-refusal').count()).toBe(0);
    await start.click();
    // The black field is left out (not readable): one field of one case is the reference.
    await eventually(() => textOf(settings.getByTestId('screening-calibration')), 60_000).toMatch(/calibrated on 1 field of 1 signed negative case on .*; \d+ % of them screen negative/);
    expect(await textOf(settings.getByTestId('screening-calibration'))).toContain('1 file left out');
    expect(await textOf(settings.getByTestId('calibration-few'))).toBe('Fewer than 10 negative fields: the reference is rough. Calibrate again once there are more cases signed negative.');
    expect((await invoke<{ profile: MicroscopeProfileSummary }>('settings/microscope-profile', {})).value.profile.calibration).toMatchObject({ basis: 'signed-negatives', negatives: 1, signedCases: 1 });
    await settings.screenshot({ path: join(OUT, 'screening-signed-negatives.png') });
    expect(errors).toEqual([]);
  });
});
