/**
 * The desktop's background services without Electron: a slide written into the watched import
 * folder is read by the core's one reading service and shows up in the worklist ('cases/list'),
 * the window is told, a missing import folder is reported instead of crashing, and shutdown stops
 * the watcher and the reading service.
 */
import { afterEach, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDataLocations } from '../../../electron/core/app-paths';
import { createApp, type App } from '../../../electron/core/app';
import type { CaseListItem } from '../../../electron/contract';
import { createRotatingLog } from '../../../electron/core/logging/rotating-log';
import { defaultModelDir, projectRoot } from '../../../electron/core/paths';
import { startDesktopServices, type DesktopServices } from '../../../electron/main/desktop-services';
import { loginAs, seedTestUsers } from '../../support/record-fixtures';
import { tempDir } from '../../support/temp-dir';

let services: DesktopServices | null = null;
let app: App | null = null;

afterEach(async () => {
  await services?.shutdown(5000);
  await app?.close();
  services = null;
  app = null;
});

async function setUp(importDir: string | null, workerPath?: string) {
  const root = tempDir('ana-desktop-');
  const locations = { ...resolveDataLocations({ env: { ANA_DATA_DIR: root } }), importDir };
  app = await createApp({ dbPath: locations.databasePath, modelDir: defaultModelDir(), workerPath, version: 'test', providers: ['cpu'], log: () => {} });
  const events: { event: string; payload: any }[] = [];
  app.onEvent((event, payload) => events.push({ event, payload }));
  const log = createRotatingLog({ dir: locations.logsDir });
  services = startDesktopServices({ app, locations, log, watch: { stabilityMs: 200, debounceMs: 50 } });
  return { events, log, db: app.db, app };
}

it('turns a slide dropped into the import folder into a read case in the worklist and tells the window', async () => {
  const importDir = tempDir('ana-microscope-');
  const { events, db, app } = await setUp(importDir);
  await seedTestUsers(db);
  await loginAs(app, 'watch-tech', 'technologist');
  await services!.watcher!.ready;
  mkdirSync(join(importDir, '2026-11-29'));
  copyFileSync(join(projectRoot(), 'test/fixtures/slides/A2026-0001_F1.png'), join(importDir, '2026-11-29', 'A2026-0001_F1.png'));
  const started = Date.now();
  while (!events.some((e) => e.event === 'cases/changed') && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 20));
  const changed = events.find((e) => e.event === 'cases/changed');
  expect(changed).toBeDefined();
  const row = db.prepare('SELECT accession_id AS accessionId, status FROM cases WHERE id = ?').get(changed!.payload.caseIds[0]) as { accessionId: string; status: string };
  expect(row).toEqual({ accessionId: 'A2026-0001', status: 'read' });
  expect(events.filter((e) => e.event === 'app/error')).toEqual([]);
  const worklist = (await app.handle('cases/list', {}, { sessionId: 'watch-tech' })) as { ok: true; value: CaseListItem[] };
  expect(worklist.ok).toBe(true);
  expect(worklist.value.map((c) => [c.accessionId, c.status])).toEqual([['A2026-0001', 'read']]);
  // Read by the core's reading service with the registry's active version, like a UI import.
  expect(await app.handle('reading/status', {}, { sessionId: 'watch-tech' })).toMatchObject({ ok: true, value: { provider: 'cpu' } });
});

it('reports an unreachable import folder and keeps running', async () => {
  const { events, log } = await setUp('/mnt/microscope-share-that-is-not-mounted');
  expect(services!.watcher).toBeNull();
  expect(events).toEqual([{ event: 'app/error', payload: { source: 'import', message: expect.stringContaining('The import folder /mnt/microscope-share-that-is-not-mounted does not exist'), atMs: expect.any(Number) } }]);
  expect((await import('node:fs')).readFileSync(log.path, 'utf8')).toMatch(/ERROR The import folder \/mnt\/microscope-share-that-is-not-mounted/);
});

it('imports a chosen folder and says when it holds no slides', async () => {
  const { events } = await setUp(null);
  const empty = tempDir('ana-empty-');
  await services!.importPaths([empty]);
  expect(events.map((e) => e.payload.message)).toEqual([`No slide images (PNG, TIFF, JPEG, BMP) in ${empty}`]);
  await services!.importPaths([join(projectRoot(), 'test/fixtures/slides')]);
  expect(events.some((e) => e.event === 'cases/changed')).toBe(true);
});

it('quits within the grace period while a slide from the import folder is still being read', async () => {
  const importDir = tempDir('ana-microscope-');
  const hangFlag = join(importDir, '..', `hang-${process.pid}-${Date.now()}`);
  process.env.ANA_TEST_HANG_FLAG = hangFlag;
  const { events } = await setUp(importDir, join(projectRoot(), 'test/fixtures/workers/crashing-inference.worker.ts'));
  await services!.watcher!.ready;
  writeFileSync(hangFlag, ''); // the model takes 1.5 s on the next slide
  copyFileSync(join(projectRoot(), 'test/fixtures/slides/A2026-0001_F1.png'), join(importDir, 'A2026-0001_F1.png'));
  const started = Date.now();
  while (!events.some((e) => e.event === 'reading/progress' && e.payload.currentFile) && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 300)); // worker started, slide in the model
  const quitStarted = Date.now();
  expect(await services!.shutdown(200)).toBe('abandoned');
  expect(Date.now() - quitStarted).toBeLessThan(1000);
  services = null;
  await new Promise((r) => setTimeout(r, 1600)); // let the slow slide settle before the database closes
  await app!.close();
  app = null;
});
