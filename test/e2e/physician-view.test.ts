/**
 * The physician's view of a field, end to end in Chromium against the real core (real model, real
 * SQLite, real decoder) over the loopback test host: fields are shown in FITC green by default and
 * the look-up table switches to grey and inverted; the overlay defaults to outlines that leave the
 * field visible (fill is an option); the evidence gallery shows cells, and a click centres the
 * viewer on the cell; the "show candidate mitoses" filter keeps only cells called mitotic; a two-channel TIFF shows
 * its DAPI counterstain in blue. Screenshots go to test-output/e2e/ (display-*.png,
 * overlay-outline.png, overlay-fill.png, cell-evidence.png, dapi.png).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createApp, type App } from '../../electron/core/app';
import { defaultModelDir, projectRoot } from '../../electron/core/paths';
import { encodeField, generateField } from '../../electron/core/synth/index';
import { DEFAULT_THRESHOLD, type CaseDetail, type CaseListItem, type ReadingCells, type ReadingPatches } from '../../electron/contract';
import { startTestHost, type TestHost } from '../host/test-host';
import { seedTestUsers, TEST_PASSWORD, TEST_USERS } from '../support/record-fixtures';
import { slideToCanvas, type Viewport } from '../../renderer/src/lib/utils/viewport';
import { polygonToCanvas } from '../../renderer/src/lib/utils/cell-outlines';
import { outlineStrokes, polygonCentroid } from '../../renderer/src/lib/utils/overlay-outlines';
import { eventually, launchChromium, TEST_OUTPUT_DIR } from './browser';

const OUT = join(TEST_OUTPUT_DIR, 'e2e');
const SIZE = { widthPx: 1024, heightPx: 768 };
const GREEN = 'V2026-0501';
const TWO_CHANNEL = 'V2026-0502';
let dir: string;
let app: App;
let host: TestHost;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
/** Measured figures left in test-output/e2e/physician-view-performance.json. */
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ana-e2e-view-'));
  app = await createApp({ dbPath: join(dir, 'ana.db'), modelDir: defaultModelDir(), version: 'e2e', providers: ['cpu'], log: () => {} });
  await seedTestUsers(app.db);
  host = await startTestHost({ app, rendererDir: join(projectRoot(), 'dist/renderer') });
  const dayDir = join(dir, 'day');
  mkdirSync(dayDir);
  // A strong homogeneous field with mitoses in it (8-bit RGB PNG), and a speckled field as a
  // two-page 16-bit TIFF whose second page is the DAPI counterstain.
  const homogeneous = generateField({ ...SIZE, labels: ['homogeneous'], intensity: 0.8, mitoticRate: 0.08 }, 501);
  writeFileSync(join(dayDir, `${GREEN}_F1.png`), await encodeField(homogeneous, 'png-rgb8'));
  const twoChannel = generateField({ ...SIZE, labels: ['speckled'], intensity: 0.8, dapi: true }, 502);
  writeFileSync(join(dayDir, `${TWO_CHANNEL}_F1.tif`), await encodeField(twoChannel, 'tiff-fitc-dapi16'));
  [browser] = await Promise.all([launchChromium(), app.readFiles([dayDir])]);
  mkdirSync(OUT, { recursive: true });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript(() => sessionStorage.setItem('ana-session-id', 'e2e-view-physician'));
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
}, 180_000);

afterAll(async () => {
  // How long colouring the display rendition (look-up table, adjustments, DAPI) takes per change, in the browser.
  if (page) figures['viewer:colour-image, 1024x768, ms'] = await page.evaluate(() => performance.getEntriesByName('viewer:colour-image', 'measure').map((m) => m.duration));
  writeFileSync(join(OUT, 'physician-view-performance.json'), JSON.stringify({ loadAverage: loadavg(), ...figures }, null, 2));
  await browser?.close();
  await host?.close();
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function invoke<T>(channel: string, request: unknown): Promise<T> {
  const result = (await page.evaluate(
    async ([c, r]) => (window as unknown as { ana: { invoke(c: string, r: unknown): Promise<unknown> } }).ana.invoke(c as string, r),
    [channel, request] as const,
  )) as { ok: boolean; value: T; message?: string };
  if (!result.ok) throw new Error(`${channel}: ${result.message}`);
  return result.value;
}

async function openCase(accessionId: string): Promise<void> {
  const back = page.getByRole('button', { name: '← Worklist' });
  if (await back.count()) await back.click();
  await page.getByTestId('worklist').getByRole('row', { name: new RegExp(accessionId) }).getByRole('button', { name: accessionId }).click();
  await page.getByRole('heading', { name: `Case ${accessionId}` }).waitFor();
  await page.waitForFunction(() => document.querySelector<HTMLCanvasElement>('[data-testid="slide-canvas"]')?.dataset.painted === 'true');
  await nextFrames();
}

async function nextFrames(n = 3): Promise<void> {
  await page.evaluate((count) => new Promise<void>((done) => { const step = (k: number) => (k === 0 ? done() : requestAnimationFrame(() => step(k - 1))); step(count); }), n);
}

/** The canvas rectangle the field covers, 3 px inside its edges (edge pixels blend with the black around it). */
async function fieldRect(): Promise<[number, number, number, number]> {
  const vp = await viewport();
  const x = Math.ceil(vp.offsetX) + 3;
  const y = Math.ceil(vp.offsetY) + 3;
  return [x, y, Math.floor(vp.offsetX + SIZE.widthPx * vp.scale) - 3 - x, Math.floor(vp.offsetY + SIZE.heightPx * vp.scale) - 3 - y];
}

/** Mean R, G, B over the field on the canvas. */
async function fieldMeanRgb(): Promise<number[]> {
  return page.getByTestId('slide-canvas').evaluate((c: HTMLCanvasElement, [x, y, w, h]) => {
    const d = c.getContext('2d')!.getImageData(x!, y!, w!, h!).data;
    const sum = [0, 0, 0];
    for (let i = 0; i < d.length; i += 4) for (let k = 0; k < 3; k++) sum[k]! += d[i + k]!;
    return sum.map((s) => s / (d.length / 4));
  }, await fieldRect());
}

/** Keeps the canvas's field pixels in the page under `name` (they stay there: millions of values). */
async function snapshotField(name: string): Promise<void> {
  await page.getByTestId('slide-canvas').evaluate((c: HTMLCanvasElement, [n, x, y, w, h]) => {
    ((window as unknown as Record<string, unknown>)[n as string] = c.getContext('2d')!.getImageData(x as number, y as number, w as number, h as number).data);
  }, ['' + name, ...(await fieldRect())] as const);
}

/** Share of field pixels that differ by more than 8 levels in some channel between two snapshots. */
async function changedShare(a: string, b: string): Promise<number> {
  return page.evaluate(([na, nb]) => {
    const w = window as unknown as Record<string, Uint8ClampedArray>;
    const pa = w[na!]!;
    const pb = w[nb!]!;
    let changed = 0;
    for (let i = 0; i < pa.length; i += 4) if (Math.max(Math.abs(pa[i]! - pb[i]!), Math.abs(pa[i + 1]! - pb[i + 1]!), Math.abs(pa[i + 2]! - pb[i + 2]!)) > 8) changed++;
    return changed / (pa.length / 4);
  }, [a, b]);
}

/** The viewport the canvas was last drawn with (slide → canvas). */
async function viewport(): Promise<Viewport> {
  const [scale, offsetX, offsetY] = ((await page.getByTestId('slide-canvas').getAttribute('data-viewport')) ?? '').split(' ').map(Number);
  return { scale: scale!, offsetX: offsetX!, offsetY: offsetY! };
}

async function canvasPixel(x: number, y: number): Promise<number[]> {
  return page.getByTestId('slide-canvas').evaluate((c: HTMLCanvasElement, [px, py]) => Array.from(c.getContext('2d')!.getImageData(px!, py!, 1, 1).data), [Math.round(x), Math.round(y)]);
}

async function caseDetail(accessionId: string): Promise<CaseDetail> {
  const item = (await invoke<CaseListItem[]>('cases/list', { search: accessionId })).find((c) => c.accessionId === accessionId)!;
  return invoke<CaseDetail>('cases/get', { caseId: item.id });
}

describe('the physician view', () => {
  let evidence: ReadingPatches;
  let cells: ReadingCells['cells'];

  it('shows the field in FITC green by default; the look-up table switches to grey and inverted', async () => {
    await page.goto(host.url);
    await page.getByLabel('User name').fill(TEST_USERS.physician.username);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(() => page.getByTestId('worklist').locator('tbody tr').count()).toBe(2);
    await openCase(GREEN);
    const detail = await caseDetail(GREEN);
    evidence = await invoke<ReadingPatches>('viewer/reading-patches', { readingId: detail.readings[0]!.id });
    cells = (await invoke<ReadingCells>('viewer/reading-cells', { readingId: detail.readings[0]!.id })).cells;
    expect(cells.length).toBeGreaterThan(10);

    expect(await page.getByTestId('display-lut').inputValue()).toBe('fitc-green');
    await page.screenshot({ path: join(OUT, 'display-green.png') });
    // The field alone (overlay and cell outlines off): green on black, no red or blue at all.
    await page.keyboard.press('o');
    await page.getByTestId('cells-toggle').uncheck();
    await nextFrames();
    const green = await fieldMeanRgb();
    expect(green[1]).toBeGreaterThan(8);
    expect(green[0]).toBe(0);
    expect(green[2]).toBe(0);

    await page.getByTestId('display-lut').selectOption('grey');
    await nextFrames();
    const grey = await fieldMeanRgb();
    expect(grey[0]).toBeCloseTo(green[1]!, 0);
    expect(grey[1]).toBeCloseTo(green[1]!, 0);
    expect(grey[2]).toBeCloseTo(green[1]!, 0);
    await page.screenshot({ path: join(OUT, 'display-grey.png') });

    await page.keyboard.press('l'); // grey → inverted
    await nextFrames();
    expect(await page.getByTestId('display-lut').inputValue()).toBe('inverted');
    const inverted = await fieldMeanRgb();
    // (Within 1.5 levels: Chromium's downscaling rounds the inverted levels differently.)
    for (let k = 0; k < 3; k++) expect(Math.abs(inverted[k]! - (255 - green[1]!))).toBeLessThan(1.5);
    await page.screenshot({ path: join(OUT, 'display-inverted.png') });

    // Brightness/contrast/gamma act through the green table too: gamma lifts the dim field.
    await page.keyboard.press('l'); // inverted → green
    await page.getByRole('button', { name: 'Display…' }).click();
    await page.getByTestId('gamma').fill('250');
    await nextFrames();
    const lifted = await fieldMeanRgb();
    expect(lifted[1]).toBeGreaterThan(green[1]! * 1.2);
    expect(lifted[0]).toBe(0);
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByRole('button', { name: 'Display…' }).click();
    // A one-channel file has no DAPI to show.
    expect(await page.getByTestId('dapi-toggle').isDisabled()).toBe(true);
  });

  it('draws the overlay as outlines by default, which leave most of the field as it is; fill is an option', async () => {
    await page.keyboard.press('o'); // overlay back on (cell outlines stay off)
    await nextFrames();
    expect(await page.getByTestId('overlay-mode').inputValue()).toBe('outline');
    expect(await page.getByTestId('slide-canvas').getAttribute('data-overlay')).toBe('outline');
    const labelKey = await page.getByTestId('overlay-label').inputValue();
    const labelIndex = evidence.labels.indexOf(labelKey);
    const threshold = evidence.thresholds?.[labelKey] ?? DEFAULT_THRESHOLD;
    const strokes = outlineStrokes({ slide: SIZE, patches: evidence.patches, scores: evidence.scores, labelCount: evidence.labels.length, labelIndex, threshold, cells });
    // A strong homogeneous field: the suggested pattern's cells are outlined.
    expect(strokes.length).toBeGreaterThan(5);
    expect(strokes.every((s) => s.closed)).toBe(true);

    await snapshotField('outlined');
    await page.keyboard.press('o');
    await nextFrames();
    await snapshotField('plain');
    await page.keyboard.press('o');
    await nextFrames();
    // Outlines touch a small share of the field; at an outline vertex the line's colour shows.
    const outlineShare = await changedShare('outlined', 'plain');
    expect(outlineShare).toBeGreaterThan(0.005);
    expect(outlineShare).toBeLessThan(0.25);
    const vp = await viewport();
    const vertex = polygonToCanvas(vp, strokes[0]!.points);
    const at = await canvasPixel(vertex[0]!, vertex[1]!);
    const plainAt = await (async () => {
      await page.keyboard.press('o');
      await nextFrames();
      const p = await canvasPixel(vertex[0]!, vertex[1]!);
      await page.keyboard.press('o');
      await nextFrames();
      return p;
    })();
    expect(Math.max(...[0, 1, 2].map((k) => Math.abs(at[k]! - plainAt[k]!)))).toBeGreaterThan(30);
    await page.screenshot({ path: join(OUT, 'overlay-outline.png') });

    // Fill mode: every scored patch tinted at the lower default opacity; it changes far more of the field.
    await page.getByTestId('overlay-mode').selectOption('fill');
    await nextFrames();
    expect(await page.getByTestId('overlay-opacity').inputValue()).toBe('30');
    await snapshotField('filled');
    const fillShare = await changedShare('filled', 'plain');
    expect(fillShare).toBeGreaterThan(outlineShare);
    figures['share of field pixels changed by the overlay (> 8 levels), strong homogeneous field'] = { outline: outlineShare, fill30: fillShare, outlinedCells: strokes.length, cells: cells.length };
    await page.screenshot({ path: join(OUT, 'overlay-fill.png') });
    await page.keyboard.press('m'); // back to outline
    await nextFrames();
    expect(await page.getByTestId('overlay-mode').inputValue()).toBe('outline');
    // The hover read-out and the legend stay.
    await page.mouse.move(...(await (async () => {
      const box = (await page.getByTestId('slide-canvas').boundingBox())!;
      return [box.x + vertex[0]!, box.y + vertex[1]!] as [number, number];
    })()));
    await eventually(() => page.getByTestId('patch-readout').textContent()).toContain('Patch');
    expect(await page.getByTestId('overlay-legend').textContent()).toContain(`outlined ≥ ${Math.round(threshold * 100)}%`);
  });

  it('shows cells as evidence; a click centres the viewer on the cell; the mitoses filter keeps mitotic cells', async () => {
    const gallery = page.getByTestId('evidence-gallery');
    await eventually(() => gallery.getByTestId('evidence-cell').count()).toBeGreaterThan(0);
    expect(await gallery.getByTestId('evidence-patch').count()).toBe(0);
    const scaleBefore = (await viewport()).scale;
    const first = gallery.getByTestId('evidence-cell').first();
    const cellIndex = Number(await first.getAttribute('data-cell-index'));
    await first.click();
    await nextFrames();
    const vp = await viewport();
    expect(vp.scale).toBeGreaterThan(scaleBefore);
    const box = (await page.getByTestId('slide-canvas').boundingBox())!;
    const centre = slideToCanvas(vp, polygonCentroid(cells[cellIndex]!.polygon));
    expect(Math.abs(centre.x - Math.floor(box.width) / 2)).toBeLessThanOrEqual(1);
    expect(Math.abs(centre.y - Math.floor(box.height) / 2)).toBeLessThanOrEqual(1);
    // The crop is in the viewer's colours: apart from the cell's outline, green on black (no red, no blue), with signal in it.
    const crop = await first.locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let pureGreen = 0;
      let maxGreen = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] === 0 && d[i + 2] === 0) pureGreen++;
        maxGreen = Math.max(maxGreen, d[i + 1]!);
      }
      return { pureGreenShare: pureGreen / (d.length / 4), maxGreen };
    });
    expect(crop.pureGreenShare).toBeGreaterThan(0.8);
    expect(crop.maxGreen).toBeGreaterThan(60);
    await page.screenshot({ path: join(OUT, 'cell-evidence.png') });

    const mitotic = cells.filter((c) => c.mitotic).length;
    // The analysis's mitosis call is approximate (docs/field-quality.md, "Mitoses"): the gallery must say so.
    expect(await gallery.textContent()).toMatch(/Show candidate mitoses only \(\d+, approximate\)/);
    await gallery.getByTestId('mitoses-filter').check();
    await nextFrames();
    const shown = gallery.getByTestId('evidence-cell');
    if (mitotic === 0) {
      expect(await shown.count()).toBe(0);
      expect(await gallery.textContent()).toContain('No candidate mitosis in this field');
    } else {
      expect(await shown.count()).toBeGreaterThan(0);
      for (const flag of await shown.evaluateAll((els) => els.map((e) => e.getAttribute('data-mitotic')))) expect(flag).toBe('true');
      await gallery.screenshot({ path: join(OUT, 'cell-evidence-mitoses.png') });
    }
    await gallery.getByTestId('mitoses-filter').uncheck();
    expect(consoleErrors).toEqual([]);
  });

  it('shows the DAPI counterstain of a two-channel file in blue', async () => {
    await openCase(TWO_CHANNEL);
    await eventually(() => page.getByTestId('dapi-toggle').isDisabled()).toBe(false);
    await page.keyboard.press('o');
    await page.getByTestId('cells-toggle').uncheck();
    await nextFrames();
    const without = await fieldMeanRgb();
    expect(without[2]).toBe(0);
    await page.keyboard.press('d');
    await eventually(async () => (await fieldMeanRgb())[2]!).toBeGreaterThan(8);
    const withDapi = await fieldMeanRgb();
    expect(withDapi[1]).toBeCloseTo(without[1]!, 0); // FITC unchanged
    await page.screenshot({ path: join(OUT, 'dapi.png') });
    await page.keyboard.press('d');
    await page.keyboard.press('o');
    await page.getByTestId('cells-toggle').check();
    expect(consoleErrors).toEqual([]);
  });
});
