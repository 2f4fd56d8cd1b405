/**
 * The pixel size the cells suggest, as a lab gets it: Settings → Microscope over the fields the
 * app has read (real reading, real SQLite, real files), and `ana estimate-pixel-size` on a folder.
 * The fields are generated at a 40× research microscope's size and written without it, as a
 * camera that states no pixel size writes them; `ana read` says what their cells suggest.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createApp, type App } from '../../../electron/core/app';
import { defaultModelDir } from '../../../electron/core/paths';
import { encodeField, generateField } from '../../../electron/core/synth';
import type { PixelSizeSuggestion } from '../../../electron/contract';
import { anaInProcess } from '../../support/ana-cli';
import { loginAs, seedTestUsers } from '../../support/record-fixtures';
import { tempDir } from '../../support/temp-dir';

let app: App;
let dir: string;
/** The field files alone: the app keeps its record and display renditions beside, in `dir`. */
let fieldsDir: string;
let truthUm: number;
const unstated: string[] = [];
const tech = { sessionId: 'px-tech' };
const admin = { sessionId: 'px-admin' };

beforeAll(async () => {
  dir = tempDir('ana-px-');
  fieldsDir = join(dir, 'fields');
  await mkdir(fieldsDir);
  const sizes: number[] = [];
  for (let i = 0; i < 12; i++) {
    const field = generateField({ widthPx: 768, heightPx: 576, style: 'research-40x-mono16' }, 4100 + i);
    sizes.push(field.pixelSizeUm);
    const path = join(fieldsDir, `P2026-${String(i + 1).padStart(4, '0')}_F1.png`);
    await writeFile(path, await encodeField(field, 'png-rgb8', { statesPixelSize: false }));
    unstated.push(path);
  }
  truthUm = sizes.sort((a, b) => a - b)[sizes.length >> 1]!;
  // One field whose file states its size: a reading uses that, so the suggestion does not measure it.
  const stated = join(fieldsDir, 'P2026-0099_F1.png');
  await writeFile(stated, await encodeField(generateField({ widthPx: 768, heightPx: 576, style: 'research-40x-mono16' }, 4199), 'png-rgb8'));
  app = await createApp({ dbPath: join(dir, 'ana.db'), modelDir: defaultModelDir(), version: 'test', providers: ['cpu'], log: () => {} });
  await seedTestUsers(app.db);
  await loginAs(app, tech.sessionId, 'technologist');
  await loginAs(app, admin.sessionId, 'admin');
  expect(await app.handle('settings/estimate-pixel-size', {}, admin)).toMatchObject({ ok: false, code: 'conflict', message: expect.stringMatching(/No field has been read here/) });
  await app.readFiles([...unstated, stated]);
}, 300_000);

afterAll(async () => app?.close());

const suggest = async () => {
  const result = await app.handle('settings/estimate-pixel-size', {}, admin);
  expect(result).toMatchObject({ ok: true });
  return (result as { ok: true; value: { suggestion: PixelSizeSuggestion } }).value.suggestion;
};

it("suggests the 40× microscope's size from the cells of the fields read without one (admin only)", async () => {
  expect(await app.handle('settings/estimate-pixel-size', {}, tech)).toMatchObject({ ok: false, code: 'forbidden' });
  const s = await suggest();
  expect(s.fields).toBe(12);
  expect(s.pixelSizeUm / truthUm).toBeGreaterThan(0.8);
  expect(s.pixelSizeUm / truthUm).toBeLessThan(1.2);
  expect(s.lowUm).toBeLessThanOrEqual(s.pixelSizeUm);
  expect(s).toMatchObject({ farFromProfile: null, leftOut: [], modelVersion: expect.any(String) });
}, 120_000);

it('ana estimate-pixel-size says the same of the folder, and what the files that state a size state', async () => {
  const run = await anaInProcess(['estimate-pixel-size', fieldsDir, '--model', defaultModelDir()]);
  expect(run.status).toBe(0);
  const suggested = Number(/suggest (\d\.\d{3}) µm\/px/.exec(run.stdout)?.[1]);
  expect(suggested / truthUm).toBeGreaterThan(0.8);
  expect(suggested / truthUm).toBeLessThan(1.2);
  expect(run.stdout).toMatch(/The cells of 13 field\(s\) \(of 13\)/);
  expect(run.stdout).toMatch(/The files state \d\.\d{3} µm\/px \(median of 1\)/);
  expect(run.stdout).toMatch(/A check, not a setting/);
    expect((await anaInProcess(['estimate-pixel-size', fieldsDir, '--max-fields', '0'])).stderr).toMatch(/--max-fields must be a positive whole number/);
}, 120_000);

it('ana read says what the cells suggest when it cut 10 or more fields at the assumed size', async () => {
  const run = await anaInProcess(['read', fieldsDir, '--db', join(dir, 'cli.db'), '--model', defaultModelDir(), '--provider', 'cpu']);
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/Pixel size assumed for 12 of 13 field\(s\)/);
  const suggested = Number(/Their cells suggest about (\d\.\d{3}) µm\/px \(single fields \d\.\d{3}–\d\.\d{3}; 12 measured\): a check, not a setting/.exec(run.stdout)?.[1]);
  expect(suggested / truthUm).toBeGreaterThan(0.8);
  expect(suggested / truthUm).toBeLessThan(1.2);
}, 180_000);

it("says a profile typed at the model's 0.5 µm/px is far from the cells, and leaves out files gone or broken", async () => {
  expect(await app.handle('settings/update-microscope-profile', { name: 'scope-40x', pixelSizeUm: 0.5 }, admin)).toMatchObject({ ok: true });
  await rename(unstated[0]!, `${unstated[0]}.moved`);
  await writeFile(unstated[1]!, 'not an image');
  const s = await suggest();
  expect(s.fields).toBe(10);
  expect(s.farFromProfile).toBe(true);
  expect(s.leftOut).toEqual([{ path: unstated[1], reason: expect.stringMatching(/P2026-0002_F1\.png/) }]);
  expect(s.pixelSizeUm / truthUm).toBeGreaterThan(0.8);
  expect(s.pixelSizeUm / truthUm).toBeLessThan(1.2);
}, 120_000);
