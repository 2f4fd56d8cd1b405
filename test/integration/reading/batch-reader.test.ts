import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type WritableDb } from '../../../electron/core/db/connection';
import { listReadingsOfSlide } from '../../../electron/core/db/reading.repo';
import { getSlideBySha256 } from '../../../electron/core/db/slide.repo';
import { listBatchItems, getBatch } from '../../../electron/core/db/reading-batch.repo';
import { listCases } from '../../../electron/core/db/case.repo';
import { createReadingService, type ReadingService } from '../../../electron/core/reading/reading.service';
import { listSlideFiles, type BatchProgress } from '../../../electron/core/reading/batch-reader';
import { accessionPattern } from '../../../electron/core/reading/accession';
import { blobField, writeGrey16Tiff, writeRgb8 } from '../../fixtures/slide-images';
import { listAuditOfCase } from '../../../electron/core/db/audit.repo';
import { loadModelPackage } from '../../../electron/core/models/model-package';
import { patchOptionsOf } from '../../../electron/core/models/manifest';
import { MicroscopeProfile } from '../../../electron/core/slides/microscope-profile';
import { dropRecordGuards } from '../../support/record-fixtures';
import { writeTestPackage } from '../../fixtures/model-package';

let dir: string;
let modelDir: string;
const W = 640;
const H = 480;

async function field(path: string, seed: number): Promise<void> {
  await writeRgb8(path, blobField(W, H, seed), W, H, 'png');
}

function service(db: WritableDb, extra: Partial<Parameters<typeof createReadingService>[0]> = {}): ReadingService {
  return createReadingService({ db, modelDir, providers: ['cpu'], log: () => undefined, ...extra });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-batch-'));
  modelDir = join(dir, 'model');
  await writeTestPackage(modelDir);
  const day = join(dir, 'day');
  await mkdir(join(day, 'sub'), { recursive: true });
  await field(join(day, 'A-001_F1.png'), 1);
  await field(join(day, 'A-001_F2.png'), 2);
  await field(join(day, 'sub', 'A-002_F1.png'), 3);
  const good = await readFile(join(day, 'A-001_F1.png'));
  await writeFile(join(day, 'A-003_F1.png'), good.subarray(0, good.length >> 1)); // truncated
  await writeFile(join(day, 'A-004_F1.png'), new Uint8Array(0)); // empty
  await writeFile(join(day, 'notes.txt'), 'not a slide'); // not picked up from a folder
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('batch reading', () => {
  it('reads a folder: failing files are recorded with their error and the batch goes on; progress reaches total', async () => {
    const db = openDatabase(':memory:');
    const s = service(db);
    const progress: BatchProgress[] = [];
    const summary = await s.read([join(dir, 'day')], { onProgress: (p) => progress.push(p) });
    expect(summary.items.map((i) => [i.path.split('/').pop(), i.status])).toEqual([
      ['A-001_F1.png', 'done'],
      ['A-001_F2.png', 'done'],
      ['A-003_F1.png', 'failed'],
      ['A-004_F1.png', 'failed'],
      ['A-002_F1.png', 'done'],
    ]);
    const failed = summary.items.filter((i) => i.status === 'failed');
    expect(failed[0]!.error).toMatchObject({ code: 'slide-unreadable', message: expect.stringMatching(/A-003_F1\.png: PNG .*(damaged|truncated)/) });
    expect(failed[1]!.error!.message).toMatch(/A-004_F1\.png: file is empty/);
    expect(progress.at(-1)).toMatchObject({ done: 5, failed: 2, total: 5, currentFile: null });
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
    expect(progress.find((p) => p.done > 0 && p.done < 5 && p.etaMs !== null)).toBeDefined();

    // Cases by accession, readings with the provider and a patch grid covering the field.
    expect(listCases(db).map((c) => c.accessionId).sort()).toEqual(['A-001', 'A-002']);
    const done = summary.items.filter((i) => i.status === 'done');
    for (const item of done) {
      expect(item.provider).toBe('cpu');
      expect(item.patchCount).toBeGreaterThan(0);
      const slide = getSlideBySha256(db, (await import('node:crypto')).createHash('sha256').update(await readFile(item.path)).digest('hex'))!;
      const [reading] = listReadingsOfSlide(db, slide.id);
      expect(reading).toMatchObject({ status: 'done', provider: 'cpu', patchCount: item.patchCount, modelId: 'test-model', thresholds: { homogeneous: 0.5 } });
      const covered = new Uint8Array(W * H);
      for (const [x, y, w, h] of reading!.patches) for (let r = y; r < y + h; r++) covered.fill(1, r * W + x, r * W + x + w);
      expect(covered.every((c) => c === 1)).toBe(true);
      for (const key of ['decode', 'tile', 'infer', 'aggregate', 'store', 'total']) expect(item.timingsMs[key]).toBeGreaterThanOrEqual(0);
    }
    const items = listBatchItems(db, summary.batchId);
    expect(items.map((i) => i.status)).toEqual(['done', 'done', 'failed', 'failed', 'done']);
    expect(items[2]!.error).toMatch(/A-003_F1\.png/);
    expect(getBatch(db, summary.batchId)?.status).toBe('finished');

    // Idempotent: the same files (or a copy under another name) are not read again.
    await copyFile(join(dir, 'day', 'A-001_F1.png'), join(dir, 'copy-A-001_F1.png'));
    const again = await s.read([join(dir, 'day'), join(dir, 'copy-A-001_F1.png')]);
    expect(again.items.map((i) => i.status)).toEqual(['skipped', 'skipped', 'failed', 'failed', 'skipped', 'skipped']);
    expect(db.prepare('SELECT COUNT(*) AS n FROM readings').get()).toEqual({ n: 3 });
    await s.close();
    db.close();
  });

  it('cancel stops after the current slide; resume reads only the unfinished files', async () => {
    const db = openDatabase(':memory:');
    const s = service(db);
    const files = await listSlideFiles([join(dir, 'day')]);
    const good = files.filter((f) => !/A-00[34]/.test(f));
    const first = await s.read(good, {
      onProgress: (p) => {
        if (p.done === 1) s.cancel(p.batchId);
      },
    });
    expect(first.cancelled).toBe(true);
    expect(first.items).toHaveLength(1);
    expect(getBatch(db, first.batchId)?.status).toBe('cancelled');
    const resumed = await s.resume();
    expect(resumed!.batchId).toBe(first.batchId);
    expect(resumed!.items.map((i) => i.status)).toEqual(['done', 'done']);
    expect(getBatch(db, first.batchId)?.status).toBe('finished');
    expect(db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT slide_id) AS slides FROM readings').get()).toEqual({ n: 3, slides: 3 });
    expect(await s.resume()).toBeNull();
    await s.close();
    db.close();
  });

  it("records where each field's pixel size came from; read again with a profile, an unsigned slide takes the profile's size", async () => {
    const png = join(dir, 'day', 'A-001_F1.png'); // an 8-bit PNG without pHYs: states no pixel size
    const tiff = join(dir, 'P-009_F1.tif');
    await writeGrey16Tiff(tiff, Uint16Array.from(blobField(W, H, 9), (v) => v * 257), W, H, 0.25);
    const assumed = patchOptionsOf((await loadModelPackage(modelDir)).manifest).defaultPixelSizeUm;
    const db = openDatabase(':memory:');
    const plain = service(db);
    const first = await plain.read([png, tiff]);
    await plain.close();
    expect(first.items.map((i) => [i.pixelSizeSource, i.pixelSizeUm])).toEqual([['model-default', assumed], ['file', 0.25]]);
    const slideOf = (path: string) => db.prepare('SELECT id, case_id AS caseId, pixel_size_um AS um, pixel_size_source AS source FROM slides WHERE path = ?').get(path) as { id: number; caseId: number; um: number; source: string };
    expect(slideOf(png)).toMatchObject({ um: assumed, source: 'model-default' });

    const profile = MicroscopeProfile.parse({ name: 'lab camera', pixelSizeUm: 0.4 });
    const withProfile = service(db, { profile });
    const again = await withProfile.read([png, tiff], { force: true });
    // The file's own tags still win over the profile; the PNG now has the profile's size, audited.
    expect(again.items.map((i) => [i.status, i.pixelSizeSource, i.pixelSizeUm])).toEqual([['done', 'profile', 0.4], ['done', 'file', 0.25]]);
    expect(slideOf(png)).toMatchObject({ um: 0.4, source: 'profile' });
    const update = listAuditOfCase(db, slideOf(png).caseId).find((a) => a.entity === 'slide' && a.action === 'update')!;
    expect(JSON.parse(update.oldJson!)).toEqual({ pixelSizeUm: assumed, pixelSizeSource: 'model-default' });
    expect(JSON.parse(update.newJson!)).toEqual({ pixelSizeUm: 0.4, pixelSizeSource: 'profile' });

    // A signed case keeps the slide it was signed on; core holds to it without the record's triggers.
    dropRecordGuards(db);
    db.prepare("UPDATE cases SET status = 'signed' WHERE id = ?").run(slideOf(png).caseId);
    const other = service(db, { profile: MicroscopeProfile.parse({ name: 'other', pixelSizeUm: 0.3 }) });
    const signed = await other.read([png], { force: true });
    await other.close();
    expect(signed.items[0]).toMatchObject({ status: 'done', pixelSizeSource: 'profile', pixelSizeUm: 0.3 });
    expect(slideOf(png)).toMatchObject({ um: 0.4, source: 'profile' });
    await withProfile.close();
    db.close();
  });

  it('takes accession ids from a configurable file-name pattern', async () => {
    const db = openDatabase(':memory:');
    const s = service(db, { accessionOf: accessionPattern('^(?<accession>A-\\d+)_F\\d+') });
    await s.read([join(dir, 'day', 'A-001_F2.png')]);
    expect(listCases(db).map((c) => c.accessionId)).toEqual(['A-001']);
    expect(() => accessionPattern('^B-(\\d+)')('/x/A-001_F1.png')).toThrow(/A-001_F1\.png: file name does not match the accession pattern/);
    await s.close();
    db.close();
  });
});
