import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openDatabase } from '../../../electron/core/db/connection';
import { latestUnfinishedBatch, listBatchItems } from '../../../electron/core/db/reading-batch.repo';
import { createReadingService } from '../../../electron/core/reading/reading.service';
import { blobField, writeRgb8 } from '../../fixtures/slide-images';
import { writeTestPackage } from '../../fixtures/model-package';

let dir: string;
const FILES = 8;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-kill-'));
  await writeTestPackage(join(dir, 'model'));
  await mkdir(join(dir, 'day'));
  for (let i = 0; i < FILES; i++) await writeRgb8(join(dir, 'day', `K-${String(i).padStart(3, '0')}_F1.png`), blobField(800, 600, 100 + i), 800, 600, 'png');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resume after a kill', () => {
  it('a batch killed midway (SIGKILL) resumes without redoing finished slides', async () => {
    const dbPath = join(dir, 'record.db');
    openDatabase(dbPath).close(); // migrate first so the poller below can open it read-only
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = spawn(process.execPath, ['--import', tsx, 'electron/cli/ana.ts', 'read', join(dir, 'day'), '--db', dbPath, '--model', join(dir, 'model'), '--provider', 'cpu'], {
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    const poll = openDatabase(dbPath, { readonly: true, skipIntegrityCheck: true });
    let stored = 0;
    for (let i = 0; i < 2400 && stored < 2; i++) {
      await new Promise((r) => setTimeout(r, 25));
      stored = (poll.prepare('SELECT COUNT(*) AS n FROM readings').get() as { n: number }).n;
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const atKill = (poll.prepare('SELECT COUNT(*) AS n FROM readings').get() as { n: number }).n;
    poll.close();
    expect(atKill).toBeGreaterThanOrEqual(2);
    expect(atKill).toBeLessThan(FILES);

    const db = openDatabase(dbPath);
    const batch = latestUnfinishedBatch(db)!;
    expect(batch.status).toBe('running');
    const pending = listBatchItems(db, batch.id, 'pending');
    expect(pending.length).toBe(FILES - listBatchItems(db, batch.id, 'done').length);
    const service = createReadingService({ db, modelDir: join(dir, 'model'), providers: ['cpu'], log: () => undefined });
    const resumed = await service.resume();
    await service.close();
    expect(resumed!.batchId).toBe(batch.id);
    // The slide being stored at the kill may have been committed before its batch item: it is skipped, not re-read.
    expect(resumed!.items.filter((i) => i.status === 'done').length).toBe(FILES - atKill);
    expect(db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT slide_id) AS slides FROM readings').get()).toEqual({ n: FILES, slides: FILES });
    expect(listBatchItems(db, batch.id, 'pending')).toEqual([]);
    db.close();
  });
});
