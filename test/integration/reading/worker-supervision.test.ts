/**
 * The one reading path supervises its inference worker (real model, real worker thread, a worker
 * entry that can be made to crash or hang): a crash is reported as 'app/error', the worker is
 * restarted and the slide read again while the batch goes on; a slide that keeps crashing is
 * recorded as failed; shutdown finishes or cleanly abandons the current slide.
 */
import { afterEach, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, type App } from '../../../electron/core/app';
import { openDatabase, type WritableDb } from '../../../electron/core/db/connection';
import { listBatchItems } from '../../../electron/core/db/reading-batch.repo';
import { defaultModelDir, projectRoot } from '../../../electron/core/paths';
import { createReadingService, type ReadingService } from '../../../electron/core/reading/reading.service';
import { tempDir } from '../../support/temp-dir';

const dir = tempDir('ana-supervision-');
const slide = join(projectRoot(), 'test/fixtures/slides/A2026-0001_F1.png');
const workerPath = join(projectRoot(), 'test/fixtures/workers/crashing-inference.worker.ts');
const crashFlag = join(dir, 'crash');
const hangFlag = join(dir, 'hang');

let app: App | null = null;
let service: ReadingService | null = null;
let db: WritableDb | null = null;

beforeAll(() => {
  process.env.ANA_TEST_CRASH_FLAG = crashFlag;
  process.env.ANA_TEST_HANG_FLAG = hangFlag;
});

afterEach(async () => {
  await app?.close();
  await service?.close();
  db?.close();
  app = service = db = null;
});

/** A copy of the fixture with other bytes (another file to the record, same pixels). */
function copyOf(name: string): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([readFileSync(slide), Buffer.from(`trailing bytes of ${name}`)]));
  return path;
}

const readingCount = (d: WritableDb) => (d.prepare('SELECT count(*) AS n FROM readings').get() as { n: number }).n;

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

it('reports a crashed worker as app/error, restarts it, reads the slide again and goes on with the batch', async () => {
  app = await createApp({ dbPath: join(mkdtempSync(join(dir, 'app-')), 'ana.db'), modelDir: defaultModelDir(), workerPath, version: 'test', providers: ['cpu'], log: () => {} });
  const events: { event: string; payload: any }[] = [];
  app.onEvent((event, payload) => events.push({ event, payload }));
  const second = copyOf('A2026-0002_F1.png');
  writeFileSync(crashFlag, '');
  await app.readFiles([slide, second]);
  const errors = events.filter((e) => e.event === 'app/error').map((e) => e.payload);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ source: 'reading' });
  expect(errors[0].message).toMatch(/^inference worker crashed; restarting it \(restart 1 of 3\) and reading 2 slide\(s\) again: .*inference worker exited \(code 3\)/);
  expect(readingCount(app.db)).toBe(2);
  const batchId = events.find((e) => e.event === 'reading/progress')!.payload.batchId as string;
  expect(listBatchItems(app.db, batchId).map((i) => [i.status, i.error])).toEqual([['done', null], ['done', null]]);
  expect(events.filter((e) => e.event === 'reading/progress').at(-1)!.payload).toMatchObject({ done: 2, failed: 0, total: 2, currentFile: null });
  expect(events.filter((e) => e.event === 'cases/changed')).toHaveLength(2);
});

it('records a slide that keeps crashing the worker as failed, says which, and starts a fresh worker for the next batch', async () => {
  db = openDatabase(join(mkdtempSync(join(dir, 'svc-')), 'ana.db'));
  const reported: string[] = [];
  service = createReadingService({ db, modelDir: defaultModelDir(), workerPath, providers: ['cpu'], intraOpNumThreads: 1, maxRestarts: 0, log: () => {}, onError: (m) => reported.push(m) });
  writeFileSync(crashFlag, '');
  const summary = await service.read([slide]);
  expect(summary).toMatchObject({ done: 0, failed: 1 });
  expect(summary.items[0]!.error!.message).toMatch(/inference worker exited \(code 3\)/);
  expect(reported).toEqual([`inference worker crashed 1 times in a row; giving up on 1 slide(s): ${slide}`]);
  expect(listBatchItems(db, summary.batchId).map((i) => i.status)).toEqual(['failed']);
  expect(readingCount(db)).toBe(0);
  expect(await service.read([slide])).toMatchObject({ done: 1, failed: 0 });
});

it('on shutdown finishes the current slide when it can, abandons it cleanly when it cannot', async () => {
  db = openDatabase(join(mkdtempSync(join(dir, 'svc-')), 'ana.db'));
  const progress: (string | null)[] = [];
  const start = () => createReadingService({ db: db!, modelDir: defaultModelDir(), workerPath, providers: ['cpu'], intraOpNumThreads: 1, log: () => {} });
  service = start();
  await service.read([slide]); // worker warm
  const first = copyOf('A2026-0003_F1.png');
  writeFileSync(hangFlag, ''); // the model takes 1.5 s on this slide
  const finishing = service.read([first], { onProgress: (p) => progress.push(p.currentFile) });
  await until(() => progress.includes(first));
  await new Promise((r) => setTimeout(r, 300)); // the slide is now in the model
  expect(await service.shutdown(10_000)).toBe('finished');
  expect(await finishing).toMatchObject({ done: 1, cancelled: false });
  expect(readingCount(db)).toBe(2);
  await expect(service.read([slide])).rejects.toThrow(/shutting down/);

  service = start();
  const copy = copyOf('A2026-0004_F1.png');
  writeFileSync(hangFlag, '');
  progress.length = 0;
  const reading = service.read([copy], { onProgress: (p) => progress.push(p.currentFile) });
  await until(() => progress.includes(copy));
  await new Promise((r) => setTimeout(r, 300));
  expect(await service.shutdown(200)).toBe('abandoned');
  expect(readingCount(db)).toBe(2); // nothing half-stored
  const settled = await reading; // the slow slide settles later, all or nothing
  expect(readingCount(db)).toBe(2 + settled.done);
});
