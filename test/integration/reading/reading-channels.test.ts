/** The reading channels through the app's real handler: import a folder, follow progress events, see failures, app/info provider. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../../electron/core/app';
import type { EventPayload, ReadingBatch } from '../../../electron/contract';
import { blobField, writeRgb8 } from '../../fixtures/slide-images';
import { writeTestPackage } from '../../fixtures/model-package';
import { loginAs, seedTestUsers } from '../../support/record-fixtures';

let dir: string;
let app: App;
const ctx = { sessionId: 'reading-test' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-reading-ch-'));
  await writeTestPackage(join(dir, 'model'));
  await mkdir(join(dir, 'day'));
  await writeRgb8(join(dir, 'day', 'C-1_F1.png'), blobField(512, 384, 1), 512, 384, 'png');
  await writeRgb8(join(dir, 'day', 'C-2_F1.png'), blobField(512, 384, 2), 512, 384, 'png');
  await writeFile(join(dir, 'day', 'C-3_F1.tif'), 'not a tiff');
  app = await createApp({ dbPath: join(dir, 'ana.db'), modelDir: join(dir, 'model'), version: 'test', providers: ['cpu'], log: () => {} });
  await seedTestUsers(app.db);
  await loginAs(app, ctx.sessionId, 'technologist');
});
afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

it('imports a folder in the background, pushes progress to the end, and lists the failed file with its reason', async () => {
  expect(await app.handle('reading/import', { paths: [join(dir, 'day')] }, { sessionId: 'nobody' })).toMatchObject({ ok: false, code: 'unauthenticated' });
  const progress: EventPayload<'reading/progress'>[] = [];
  const finished = new Promise<void>((resolve) =>
    app.onEvent((event, payload) => {
      if (event !== 'reading/progress') return;
      const p = payload as EventPayload<'reading/progress'>;
      progress.push(p);
      if (p.done === p.total && p.currentFile === null) resolve();
    }),
  );
  const started = await app.handle('reading/import', { paths: [join(dir, 'day')] }, ctx);
  expect(started).toMatchObject({ ok: true, value: { total: 3 } });
  const { batchId } = (started as { ok: true; value: { batchId: string } }).value;
  await finished;
  expect(progress.at(-1)).toMatchObject({ batchId, done: 3, failed: 1, total: 3 });
  const batch = (await app.handle('reading/batch', { batchId }, ctx)) as { ok: true; value: ReadingBatch };
  expect(batch.value.status).toBe('finished');
  expect(batch.value.items.map((i) => i.status)).toEqual(['done', 'done', 'failed']);
  expect(batch.value.items[2]!.error).toMatch(/C-3_F1\.tif: not a supported image file/);
  expect(await app.handle('app/info', {}, ctx)).toMatchObject({ ok: true, value: { executionProvider: 'cpu', activeModel: { id: 'test-model' } } });
  expect(await app.handle('reading/status', {}, ctx)).toMatchObject({ ok: true, value: { running: null, provider: 'cpu' } });
  expect(await app.handle('reading/resume', {}, ctx)).toMatchObject({ ok: true, value: { batchId: null, total: 0 } });
  expect(await app.handle('reading/batch', { batchId: 'nope' }, ctx)).toMatchObject({ ok: false, code: 'not-found' });
});
