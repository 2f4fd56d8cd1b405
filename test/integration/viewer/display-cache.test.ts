/**
 * The viewer's display rendition is made once: reading stores it (the slide is decoded anyway) in
 * the cache folder beside the database, keyed by the slide's sha256 — nothing is written beside
 * the user's images — and `App.slideImage` serves it from there; a missing rendition is rendered
 * on request and stored again. The rendition is a one-channel (grey) PNG per channel: FITC, and
 * DAPI for a two-channel file. The PDF report's thumbnail starts from the cached rendition: the
 * original slide is not decoded again (it may have moved since).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../../electron/core/app';
import { projectRoot } from '../../../electron/core/paths';
import { decodeSlide, renderDisplayPng, renderDisplayPngs } from '../../../electron/core/slides/decode';
import { encodeField, generateField } from '../../../electron/core/synth/index';
import { renderThumbnailPng } from '../../../electron/core/reports/thumbnail';
import { getReadingById } from '../../../electron/core/db/reading.repo';
import { writeTestPackage } from '../../fixtures/model-package';
import { loginAs, seedTestUsers, TEST_PASSWORD } from '../../support/record-fixtures';

let dir: string;
let app: App;
const logged: string[] = [];
const images = () => join(dir, 'images');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-display-cache-'));
  await writeTestPackage(join(dir, 'model'));
  await mkdir(images());
  await mkdir(join(dir, 'data'));
  await copyFile(join(projectRoot(), 'test/fixtures/slides/A2026-0001_F1.png'), join(images(), 'A2026-0001_F1.png'));
  app = await createApp({ dbPath: join(dir, 'data', 'ana.db'), modelDir: join(dir, 'model'), version: 'test', providers: ['cpu'], log: (m) => logged.push(m), passwordCost: { N: 1024, r: 8, p: 1 } });
  await seedTestUsers(app.db);
  await loginAs(app, 'physician', 'physician');
});
afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

/** PNG colour type (IHDR byte 25): 0 = grey, 2 = RGB. */
const pngColourType = (png: Uint8Array) => png[25];

it('stores the rendition while reading, under the data folder, and serves it from there', async () => {
  await app.readFiles([images()]);
  const slide = app.db.prepare('SELECT id, sha256, path FROM slides').get() as { id: number; sha256: string; path: string };
  const cached = join(dir, 'data', 'display-cache', `${slide.sha256}.png`);
  const stored = await readFile(cached);
  expect(pngColourType(stored)).toBe(0);
  expect(Buffer.from(stored).equals(Buffer.from(await renderDisplayPng(slide.path)))).toBe(true);
  expect(await readdir(images())).toEqual(['A2026-0001_F1.png']);

  const served = await app.slideImage(slide.id);
  expect(served.contentType).toBe('image/png');
  expect(Buffer.from(served.bytes).equals(stored)).toBe(true);
});

it('renders a missing rendition on request and stores it again', async () => {
  const slide = app.db.prepare('SELECT id, sha256 FROM slides').get() as { id: number; sha256: string };
  const cached = join(dir, 'data', 'display-cache', `${slide.sha256}.png`);
  await rm(cached);
  const served = await app.slideImage(slide.id);
  expect(pngColourType(served.bytes)).toBe(0);
  expect((await stat(cached)).size).toBe(served.bytes.length);
  await expect(app.slideImage(9999)).rejects.toThrow(/Slide 9999 does not exist/);
});

it('stores and serves the DAPI rendition of a two-channel TIFF; a one-channel slide has none', async () => {
  const field = generateField({ widthPx: 320, heightPx: 240, labels: ['speckled'], intensity: 0.8, dapi: true }, 77);
  const tiff = join(images(), 'B2026-0002_F1.tif');
  await writeFile(tiff, await encodeField(field, 'tiff-fitc-dapi16'));
  expect((await decodeSlide(tiff)).dapi).not.toBeNull();
  await app.readFiles([tiff]);
  const slide = app.db.prepare("SELECT id, sha256, path FROM slides WHERE file_name = 'B2026-0002_F1.tif'").get() as { id: number; sha256: string; path: string };
  const cachedDapi = await readFile(join(dir, 'data', 'display-cache', `${slide.sha256}.dapi.png`));
  expect(pngColourType(cachedDapi)).toBe(0);
  expect(Buffer.from(cachedDapi).equals(Buffer.from((await renderDisplayPngs(slide.path)).dapi!))).toBe(true);
  expect(Buffer.from((await app.slideImage(slide.id, 'dapi')).bytes).equals(cachedDapi)).toBe(true);
  expect(await app.handle('viewer/slide-display', { slideId: slide.id }, { sessionId: 'physician' })).toEqual({ ok: true, value: { slideId: slide.id, dapi: true } });

  const png = app.db.prepare("SELECT id FROM slides WHERE file_name = 'A2026-0001_F1.png'").get() as { id: number };
  expect(await app.handle('viewer/slide-display', { slideId: png.id }, { sessionId: 'physician' })).toEqual({ ok: true, value: { slideId: png.id, dapi: false } });
  await expect(app.slideImage(png.id, 'dapi')).rejects.toThrow(/has no DAPI channel/);

  // A rendition cached before channels were indexed (no .json) whose original has moved: shown, without DAPI.
  const pngSlide = app.db.prepare('SELECT sha256, path FROM slides WHERE id = ?').get(png.id) as { sha256: string; path: string };
  await rm(join(dir, 'data', 'display-cache', `${pngSlide.sha256}.json`));
  await rename(pngSlide.path, `${pngSlide.path}.moved`);
  try {
    expect(await app.handle('viewer/slide-display', { slideId: png.id }, { sessionId: 'physician' })).toEqual({ ok: true, value: { slideId: png.id, dapi: false } });
  } finally {
    await rename(`${pngSlide.path}.moved`, pngSlide.path);
  }
});

it("makes the report thumbnail from the viewer's cached rendition, without the original slide file", async () => {
  const slide = app.db.prepare("SELECT id, sha256, path, case_id AS caseId FROM slides WHERE file_name = 'A2026-0001_F1.png'").get() as { id: number; sha256: string; path: string; caseId: number };
  // The original leaves its folder after reading (archived, renamed): only the cache has the picture.
  await rename(slide.path, `${slide.path}.archived`);
  try {
    const call = async (channel: string, request: unknown) => {
      const result = await app.handle(channel, request, { sessionId: 'physician' });
      if (!result.ok) throw new Error(`${channel}: ${result.message}`);
      return result.value;
    };
    await call('review/save-draft', { caseId: slide.caseId, labels: [{ key: 'homogeneous' }] });
    await call('review/sign', { caseId: slide.caseId, password: TEST_PASSWORD, confirmNotReadable: true });
    const reports = (await call('reports/generate', { caseId: slide.caseId })) as { id: number; format: string }[];
    const pdf = (await call('reports/get', { reportId: reports.find((r) => r.format === 'pdf')!.id })) as { base64: string };
    const bytes = Buffer.from(pdf.base64, 'base64');
    expect(logged.filter((m) => /no thumbnail/.test(m))).toEqual([]);
    // The thumbnail PNG (the cached rendition through the FITC green table) is embedded as the report's image.
    expect(bytes.includes(Buffer.from('/Subtype /Image'))).toBe(true);
    const reading = app.db.prepare('SELECT id FROM readings WHERE slide_id = ?').get(slide.id) as { id: number };
    const row = getReadingById(app.db, reading.id)!;
    const k = row.labels.indexOf('homogeneous');
    const overlay = { patches: row.patches, scores: Array.from({ length: row.patchCount }, (_, p) => row.patchScores[p * row.labels.length + k]!) };
    const expected = await renderThumbnailPng(await readFile(join(dir, 'data', 'display-cache', `${slide.sha256}.png`)), overlay);
    // PDFKit embeds a PNG's compressed pixel data (IDAT) as it is: the report holds exactly this picture.
    expect(bytes.includes(idatOf(expected))).toBe(true);
  } finally {
    await rename(`${slide.path}.archived`, slide.path);
  }
});

/** The concatenated IDAT payloads of a PNG (its compressed pixel data). */
function idatOf(png: Uint8Array): Buffer {
  const b = Buffer.from(png);
  const parts: Buffer[] = [];
  for (let o = 8; o < b.length; ) {
    const length = b.readUInt32BE(o);
    if (b.toString('latin1', o + 4, o + 8) === 'IDAT') parts.push(b.subarray(o + 8, o + 8 + length));
    o += 12 + length;
  }
  return Buffer.concat(parts);
}
