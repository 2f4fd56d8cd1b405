/** The viewer's evidence channel over a real reading of the fixture slide by the real model. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { join } from 'node:path';
import { createApp, type App } from '../../../electron/core/app';
import { defaultModelDir, projectRoot } from '../../../electron/core/paths';
import type { CaseDetail, ReadingPatches } from '../../../electron/contract';
import { loginAs, seedTestUsers } from '../../support/record-fixtures';
import { tempDir } from '../../support/temp-dir';

let app: App;
const ctx = { sessionId: 'viewer-test' };

beforeAll(async () => {
  app = await createApp({ dbPath: join(tempDir('ana-viewer-'), 'ana.db'), modelDir: defaultModelDir(), version: 'test', providers: ['cpu'], log: () => {} });
  await app.readFiles([join(projectRoot(), 'test/fixtures/slides/A2026-0001_F1.png')]);
  await seedTestUsers(app.db);
  await loginAs(app, ctx.sessionId, 'technologist');
});

afterAll(async () => app?.close());

it('returns the patch grid and one score per patch and label, covering the slide', async () => {
  const detail = (await app.handle('cases/get', { caseId: 1 }, ctx)) as { ok: true; value: CaseDetail };
  const reading = detail.value.readings[0]!;
  const result = await app.handle('viewer/reading-patches', { readingId: reading.id }, ctx);
  expect(result.ok).toBe(true);
  const patches = (result as { ok: true; value: ReadingPatches }).value;
  expect(patches.patches).toHaveLength(reading.patchCount);
  expect(patches.scores).toHaveLength(reading.patchCount * patches.labels.length);
  expect(patches.labels).toEqual(reading.probabilities.map((p) => p.key));
  const slide = detail.value.slides[0]!;
  expect(Math.max(...patches.patches.map((p) => p[0] + p[2]))).toBe(slide.widthPx);
  expect(Math.max(...patches.patches.map((p) => p[1] + p[3]))).toBe(slide.heightPx);
  for (const s of patches.scores) expect(s).toBeGreaterThanOrEqual(0), expect(s).toBeLessThanOrEqual(1);
});

it('refuses a window that is not logged in', async () => {
  const result = await app.handle('viewer/reading-patches', { readingId: 1 }, { sessionId: 'nobody' });
  expect(result).toMatchObject({ ok: false, code: 'unauthenticated' });
});

it('names the missing reading', async () => {
  expect(await app.handle('viewer/reading-patches', { readingId: 999 }, ctx)).toEqual({ ok: false, code: 'not-found', message: 'Reading 999 does not exist' });
});
