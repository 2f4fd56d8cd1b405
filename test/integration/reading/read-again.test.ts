/**
 * Reading cases again after the microscope profile is set: through the app's real handlers, real
 * SQLite and the real model runtime. Fields whose files state no pixel size are first read at the
 * model's assumed size; once a profile is set, the unsigned ones are read again at its size. A
 * signed case, a moved file and a changed file are not read, each with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../../electron/core/app';
import type { EventPayload, ResponseOf } from '../../../electron/contract';
import { listAuditOfCase } from '../../../electron/core/db/audit.repo';
import { openDatabase } from '../../../electron/core/db/connection';
import { getBatch, listBatchItems } from '../../../electron/core/db/reading-batch.repo';
import { listSlidesOfCase } from '../../../electron/core/db/slide.repo';
import { createReadingService } from '../../../electron/core/reading/reading.service';
import { blobField, writeRgb8 } from '../../fixtures/slide-images';
import { writeTestPackage } from '../../fixtures/model-package';
import { loginAs, seedTestUsers, TEST_PASSWORD } from '../../support/record-fixtures';

let dir: string;
let app: App;

async function call<C extends string>(sessionId: string, channel: C, request: unknown): Promise<any> {
  const result = await app.handle(channel, request, { sessionId });
  if (!result.ok) throw new Error(`${channel}: ${result.message}`);
  return result.value;
}

/** Resolves when the batch's last progress event (all done, no current file) arrives. */
function batchEnd(): Promise<EventPayload<'reading/progress'>> {
  return new Promise((resolve) =>
    app.onEvent((event, payload) => {
      const p = payload as EventPayload<'reading/progress'>;
      if (event === 'reading/progress' && p.done === p.total && p.currentFile === null) resolve(p);
    }),
  );
}

const caseOf = (accessionId: string) => app.db.prepare('SELECT id FROM cases WHERE accession_id = ?').pluck().get(accessionId) as number;
const readingsOf = (caseId: number) => app.db.prepare('SELECT COUNT(*) FROM readings r JOIN slides s ON s.id = r.slide_id WHERE s.case_id = ?').pluck().get(caseId) as number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-read-again-'));
  await writeTestPackage(join(dir, 'model'));
  await mkdir(join(dir, 'day'));
  for (const [i, accession] of ['R-1', 'R-2', 'R-3', 'R-4'].entries()) {
    await writeRgb8(join(dir, 'day', `${accession}_F1.png`), blobField(512, 384, 10 + i), 512, 384, 'png');
  }
  app = await createApp({ dbPath: join(dir, 'ana.db'), modelDir: join(dir, 'model'), version: 'test', providers: ['cpu'], log: () => {} });
  await seedTestUsers(app.db);
  await loginAs(app, 'tech', 'technologist');
  await loginAs(app, 'physician', 'physician');
  await loginAs(app, 'admin', 'admin');
  const end = batchEnd();
  await call('tech', 'reading/import', { paths: [join(dir, 'day')] });
  await end;
});
afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('reading cases again with the microscope profile', () => {
  it('lists the unsigned cases read at the assumed size, reads them again at the profile size, and says why the others were not', async () => {
    const [r1, r2, r3, r4] = ['R-1', 'R-2', 'R-3', 'R-4'].map(caseOf) as [number, number, number, number];
    expect(listSlidesOfCase(app.db, r1)[0]).toMatchObject({ pixelSizeSource: 'model-default' });
    expect((await call('tech', 'reading/assumed-pixel-size', {})).cases).toEqual([r1, r2, r3, r4].map((caseId, i) => ({ caseId, accessionId: `R-${i + 1}`, fields: 1 })));
    expect(await app.handle('reading/read-again', { caseIds: [r1] }, { sessionId: 'nobody' })).toMatchObject({ ok: false, code: 'unauthenticated' });
    expect(await app.handle('reading/read-again', { caseIds: [999] }, { sessionId: 'tech' })).toMatchObject({ ok: false, code: 'not-found' });

    // R-2 is signed; R-3's file has moved; R-4's file now holds other pixels.
    await call('physician', 'review/save-draft', { caseId: r2, labels: [] });
    await call('physician', 'review/sign', { caseId: r2, password: TEST_PASSWORD, confirmNotReadable: true });
    await rm(join(dir, 'day', 'R-3_F1.png'));
    await copyFile(join(dir, 'day', 'R-1_F1.png'), join(dir, 'day', 'R-4_F1.png'));
    await call('admin', 'settings/update-microscope-profile', { name: 'Lab scope 40x', pixelSizeUm: 0.25 });

    const before = { r1: readingsOf(r1), r2: readingsOf(r2), r4: readingsOf(r4) };
    const end = batchEnd();
    const started = (await call('tech', 'reading/read-again', { caseIds: [r1, r2, r3, r4] })) as ResponseOf<'reading/read-again'>;
    expect(started).toMatchObject({ total: 1 });
    expect(started.notReadAgain).toEqual([
      { accessionId: 'R-2', path: null, reason: expect.stringMatching(/^signed/) },
      { accessionId: 'R-3', path: join(dir, 'day', 'R-3_F1.png'), reason: 'the file is no longer at this path' },
      { accessionId: 'R-4', path: join(dir, 'day', 'R-4_F1.png'), reason: expect.stringMatching(/^the file has changed since it was read/) },
    ]);
    expect(await end).toMatchObject({ done: 1, failed: 0 });

    // R-1 read again at the profile's size, a new reading; nothing else moved.
    expect(listSlidesOfCase(app.db, r1)).toMatchObject([{ pixelSizeUm: 0.25, pixelSizeSource: 'profile' }]);
    expect({ r1: readingsOf(r1), r2: readingsOf(r2), r4: readingsOf(r4) }).toEqual({ r1: before.r1 + 1, r2: before.r2, r4: before.r4 });
    expect(listSlidesOfCase(app.db, r4)).toHaveLength(1);
    expect(getBatch(app.db, started.batchId!)).toMatchObject({ force: true, status: 'finished' });
    const asked = listAuditOfCase(app.db, r1).filter((e) => e.action === 'read again');
    expect(asked).toMatchObject([{ actor: 'tech', entity: 'case' }]);
    expect(JSON.parse(asked[0]!.newJson!)).toEqual({ files: [join(dir, 'day', 'R-1_F1.png')] });
    expect(listAuditOfCase(app.db, r4).filter((e) => e.action === 'read again')).toEqual([]);
    expect((await call('tech', 'reading/assumed-pixel-size', {})).cases.map((c: { accessionId: string }) => c.accessionId)).toEqual(['R-3', 'R-4']);

    // Nothing left to read: no batch, only the reasons.
    expect(await call('tech', 'reading/read-again', { caseIds: [r2, r3] })).toMatchObject({ batchId: null, total: 0, notReadAgain: [{ accessionId: 'R-2' }, { accessionId: 'R-3' }] });
  });
});

describe('a forced batch interrupted and resumed', () => {
  it('reads its pending files again instead of skipping them as already read', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ana-forced-resume-'));
    const db = openDatabase(join(folder, 'ana.db'));
    const service = createReadingService({ db, modelDir: join(dir, 'model'), providers: ['cpu'], useWorker: false, log: () => undefined });
    try {
      const files = [0, 1, 2].map((i) => join(folder, `F-${i}_F1.png`));
      for (const [i, path] of files.entries()) await writeRgb8(path, blobField(512, 384, 40 + i), 512, 384, 'png');
      expect((await service.read(files)).done).toBe(3);
      // Cancelled after its first file (the batch stops before the next slide).
      const forced = await service.read(files, { force: true, batchId: 'forced', onItem: () => service.cancel('forced') });
      expect(forced).toMatchObject({ cancelled: true, done: 1 });
      expect(getBatch(db, 'forced')).toMatchObject({ force: true, status: 'cancelled' });
      expect(listBatchItems(db, 'forced', 'pending')).toHaveLength(2);
      const resumed = await service.resume('forced');
      expect(resumed!.items.map((i) => i.status)).toEqual(['done', 'done']);
      expect(db.prepare('SELECT COUNT(*) FROM readings').pluck().get()).toBe(6);
    } finally {
      await service.close();
      db.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
