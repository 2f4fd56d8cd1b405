/**
 * The desktop reading pipeline with the real model in a real worker thread: slides are read and
 * announced, a crashed worker is reported and restarted and its slide read again, a slide that
 * keeps crashing is given up on, and shutdown finishes or abandons the current slide.
 */
import { afterEach, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type WritableDb } from '../../../electron/core/db/connection';
import { createImportPipeline, type ImportPipeline } from '../../../electron/core/import/import-pipeline';
import { defaultModelDir, projectRoot } from '../../../electron/core/paths';

const dir = mkdtempSync(join(tmpdir(), 'ana-pipeline-'));
const slide = join(projectRoot(), 'test/fixtures/slides/A2026-0001_F1.png');
const workerPath = join(projectRoot(), 'test/fixtures/workers/crashing-inference.worker.ts');
const crashFlag = join(dir, 'crash');
const hangFlag = join(dir, 'hang');

let db: WritableDb;
let pipeline: ImportPipeline | null = null;
let events: { event: string; payload: any }[];
let logged: string[];

beforeAll(() => {
  process.env.ANA_TEST_CRASH_FLAG = crashFlag;
  process.env.ANA_TEST_HANG_FLAG = hangFlag;
});

afterEach(async () => {
  await pipeline?.shutdown(5000);
  pipeline = null;
  db?.close();
});

function start(maxRestarts = 3): ImportPipeline {
  db = openDatabase(join(mkdtempSync(join(dir, 'db-')), 'ana.db'));
  events = [];
  logged = [];
  pipeline = createImportPipeline({
    db,
    modelDir: defaultModelDir(),
    workerPath,
    providers: ['cpu'],
    intraOpNumThreads: 1,
    maxRestarts,
    emit: (event, payload) => events.push({ event, payload }),
    log: { info: (m) => logged.push(`info ${m}`), warn: (m) => logged.push(`warn ${m}`), error: (m, e) => logged.push(`error ${m}${e ? `: ${(e as Error).message}` : ''}`) },
  });
  return pipeline;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const readingCount = () => (db.prepare('SELECT count(*) AS n FROM readings').get() as { n: number }).n;

it('reads queued slides in the worker and announces the new case and progress', async () => {
  const p = start();
  const summary = await p.enqueue([slide]);
  expect(summary).toMatchObject({ done: 1, failed: 0 });
  expect(p.provider).toBe('cpu');
  expect(events.filter((e) => e.event === 'cases/changed')).toEqual([{ event: 'cases/changed', payload: { caseIds: [summary!.items[0]!.caseId] } }]);
  expect(events.filter((e) => e.event === 'reading/progress').at(-1)!.payload).toMatchObject({ done: 1, total: 1, currentFile: null });
  // Queued again: already read by this model version, nothing new.
  expect(await p.enqueue([slide])).toMatchObject({ done: 0, skipped: 1 });
  expect(readingCount()).toBe(1);
});

it('reports a crashed worker, restarts it and reads the slide again', async () => {
  const p = start();
  writeFileSync(crashFlag, '');
  const summary = await p.enqueue([slide]);
  expect(summary).toMatchObject({ done: 1, failed: 0 });
  const errors = events.filter((e) => e.event === 'app/error').map((e) => e.payload.message as string);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/^inference worker crashed; restarting it \(restart 1 of 3\) and reading 1 slide\(s\) again: .*inference worker exited \(code 3\)/);
  expect(logged.filter((l) => l.startsWith('info inference worker started'))).toHaveLength(2);
  expect(readingCount()).toBe(1);
});

it('gives up on a slide that keeps crashing the worker, and says which', async () => {
  const p = start(0);
  writeFileSync(crashFlag, '');
  const summary = await p.enqueue([slide]);
  expect(summary).toMatchObject({ done: 0, failed: 1 });
  const errors = events.filter((e) => e.event === 'app/error').map((e) => e.payload.message as string);
  expect(errors).toEqual([`inference worker crashed 1 times in a row; giving up on 1 slide(s): ${slide}`]);
  expect(readingCount()).toBe(0);
  // The next batch gets a fresh worker.
  expect(await p.enqueue([slide])).toMatchObject({ done: 1 });
});

it('on shutdown finishes the current slide when it can, abandons it cleanly when it cannot', async () => {
  const p = start();
  await p.enqueue([slide]); // worker warm
  const first = join(dir, 'A2026-0003_F1.png');
  writeFileSync(first, Buffer.concat([readFileSync(slide), Buffer.from('trailing bytes: another file, same pixels')]));
  writeFileSync(hangFlag, ''); // the model takes 1.5 s on this slide
  const finishing = p.enqueue([first]);
  await until(() => events.some((e) => e.event === 'reading/progress' && e.payload.currentFile === first));
  await new Promise((r) => setTimeout(r, 300)); // the slide is now in the model
  expect(await p.shutdown(10_000)).toBe('finished');
  expect(await finishing).toMatchObject({ done: 1, cancelled: false });
  expect(readingCount()).toBe(2);
  expect(await p.enqueue([slide])).toBeNull(); // no new work after shutdown
  const db1 = db;
  pipeline = null;
  db1.close();

  const q = start();
  const copy = join(dir, 'A2026-0002_F1.png');
  writeFileSync(copy, Buffer.concat([readFileSync(slide), Buffer.from('more trailing bytes')]));
  writeFileSync(hangFlag, '');
  const reading = q.enqueue([copy]);
  // Wait until the slide is in the (slow) model, not merely queued behind a starting worker.
  await until(() => events.some((e) => e.event === 'reading/progress' && e.payload.currentFile === copy));
  await new Promise((r) => setTimeout(r, 300));
  expect(await q.shutdown(200)).toBe('abandoned');
  expect(readingCount()).toBe(0); // nothing half-stored
  await reading; // the slow slide settles later; whatever it does is all or nothing
  expect([0, 1]).toContain(readingCount());
});
