/**
 * The viewer's display rendition is made once: reading stores it (the slide is decoded anyway) in
 * the cache folder beside the database, keyed by the slide's sha256 — nothing is written beside
 * the user's images — and `App.slideImage` serves it from there; a missing rendition is rendered
 * on request and stored again. The rendition is a one-channel (grey) PNG.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../../electron/core/app';
import { projectRoot } from '../../../electron/core/paths';
import { renderDisplayPng } from '../../../electron/core/slides/decode';
import { writeTestPackage } from '../../fixtures/model-package';

let dir: string;
let app: App;
const images = () => join(dir, 'images');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-display-cache-'));
  await writeTestPackage(join(dir, 'model'));
  await mkdir(images());
  await mkdir(join(dir, 'data'));
  await copyFile(join(projectRoot(), 'test/fixtures/slides/A2026-0001_F1.png'), join(images(), 'A2026-0001_F1.png'));
  app = await createApp({ dbPath: join(dir, 'data', 'ana.db'), modelDir: join(dir, 'model'), version: 'test', providers: ['cpu'], log: () => {} });
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
