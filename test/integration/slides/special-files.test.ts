/**
 * Only regular files are read: a FIFO, a device, a socket or a link to one is refused before a byte
 * is read, and so are files over the size or pixel limits, each as a per-file error naming the file;
 * the batch goes on. Each case here hung, exhausted memory or decoded for minutes before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../electron/core/db/connection';
import { DomainError } from '../../../electron/core/errors';
import { createReadingService } from '../../../electron/core/reading/reading.service';
import { decodeSlide, DEFAULT_SLIDE_LIMITS, readSlideBytes } from '../../../electron/core/slides/decode';
import { MicroscopeProfile } from '../../../electron/core/slides/microscope-profile';
import { blobField, writeRgb8, zeroPng } from '../../fixtures/slide-images';
import { writeTestPackage } from '../../fixtures/model-package';

const posix = process.platform !== 'win32';
let dir: string;
let day: string;
let socketServer: Server | null = null;

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as Error).message).not.toContain('\n');
  return error as DomainError;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-special-'));
  day = join(dir, 'import');
  await mkdir(day);
  await writeRgb8(join(day, 'A-1_F1.png'), blobField(320, 240, 1), 320, 240, 'png');
  if (posix) {
    execFileSync('mkfifo', [join(day, 'X_F1.png')]);
    await symlink('/dev/zero', join(day, 'Z_F1.png'));
  }
  await writeFile(join(day, 'B_F1.png'), zeroPng(10_000, 9_990));
  await writeRgb8(join(day, 'Q|1_F1.png'), blobField(320, 240, 2), 320, 240, 'png'); // an accession the rule refuses
}, 30_000);

afterAll(async () => {
  socketServer?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.runIf(posix)('special files are refused before reading', () => {
  it('a FIFO named X_F1.png does not hang the read', async () => {
    const e = await refusal(readSlideBytes(join(day, 'X_F1.png')));
    expect(e.code).toBe('slide-unreadable');
    expect(e.message).toBe(`${join(day, 'X_F1.png')}: is a named pipe (FIFO), not an image file; only regular files are read`);
  }, 5_000);

  it('a symbolic link to /dev/zero is resolved and refused', async () => {
    const e = await refusal(decodeSlide(join(day, 'Z_F1.png')));
    expect(e.message).toBe(`${join(day, 'Z_F1.png')}: is a symbolic link to /dev/zero, which is a character device, not an image file; only regular files are read`);
  }, 5_000);

  it('a device, a socket and a dangling link are refused; a link to a regular file is read', async () => {
    expect((await refusal(readSlideBytes('/dev/null'))).message).toMatch(/^\/dev\/null: is a character device, not an image file/);
    const socketPath = join(dir, 'S_F1.png');
    socketServer = createServer();
    await new Promise<void>((done) => socketServer!.listen(socketPath, done));
    expect((await refusal(readSlideBytes(socketPath))).message).toMatch(/S_F1\.png: is a socket, not an image file/);
    await symlink(join(dir, 'gone.png'), join(dir, 'dangling.png'));
    expect((await refusal(readSlideBytes(join(dir, 'dangling.png')))).message).toMatch(/dangling\.png: is a symbolic link to .*gone\.png, which does not exist/);
    await symlink(join(day, 'A-1_F1.png'), join(dir, 'link.png'));
    expect((await decodeSlide(join(dir, 'link.png'))).widthPx).toBe(320);
  });
});

describe('size, pixel and time limits, checked before decoding', () => {
  it('a small PNG declaring ~100 Mpx is refused from its header, quickly', async () => {
    const path = join(day, 'B_F1.png');
    const started = performance.now();
    const e = await refusal(decodeSlide(path));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(e.code).toBe('slide-too-large');
    expect(e.message).toBe(`${path}: 10000×9990 px (100 megapixels) exceeds the 64 megapixel limit (raise maxMegapixels in the microscope profile for a larger camera)`);
    // A lab with a bigger camera raises the limit in its profile.
    const profile = MicroscopeProfile.parse({ name: 'big', pixelSizeUm: 0.3, maxMegapixels: 50 });
    expect((await refusal(decodeSlide(path, { profile }))).message).toMatch(/exceeds the 50 megapixel limit/);
  }, 10_000);

  it('a file over the size limit is refused before it is read; the default fits real cameras', async () => {
    const path = join(dir, 'big.tif');
    await writeFile(path, '');
    await truncate(path, 3 * 1024 * 1024);
    const e = await refusal(readSlideBytes(path, { maxBytes: 2 * 1024 * 1024 }));
    expect(e.code).toBe('slide-too-large');
    expect(e.message).toBe(`${path}: 3 MB exceeds the 2 MB file size limit (raise maxFileMb in the microscope profile for a larger camera)`);
    expect(DEFAULT_SLIDE_LIMITS).toEqual({ maxBytes: 512 * 1024 * 1024, maxPixels: 64_000_000, timeLimitMs: 120_000 });
  });

  it('a read slower than the time limit is abandoned with a clear error', async () => {
    const path = join(dir, 'slow.tif');
    await writeFile(path, '');
    await truncate(path, 256 * 1024 * 1024);
    const e = await refusal(readSlideBytes(path, { timeLimitMs: 1 }));
    expect(e.message).toBe(`${path}: reading took longer than the 0.001 s limit per file`);
  });
});

describe.runIf(posix)('the batch goes on', () => {
  it('reads the good file of an import folder holding a FIFO, a link to /dev/zero, a decompression bomb and a bad accession; each refusal is its own error', async () => {
    const modelDir = join(dir, 'model');
    if (!existsSync(modelDir)) await writeTestPackage(modelDir);
    const db = openDatabase(':memory:');
    const reading = createReadingService({ db, modelDir, providers: ['cpu'], log: () => undefined });
    try {
      const summary = await reading.read([day]);
      expect(summary.items.map((i) => [i.path.split('/').pop(), i.status, i.error?.code ?? null])).toEqual([
        ['A-1_F1.png', 'done', null],
        ['B_F1.png', 'failed', 'slide-too-large'],
        ['Q|1_F1.png', 'failed', 'bad-request'],
        ['X_F1.png', 'failed', 'slide-unreadable'],
        ['Z_F1.png', 'failed', 'slide-unreadable'],
      ]);
      expect(summary.items.find((i) => i.path.endsWith('Q|1_F1.png'))!.error!.message).toBe(`${join(day, 'Q|1_F1.png')}: accession "Q|1" contains '|' (U+007C) (allowed: letters A-Z a-z, digits, - _ . /)`);
      expect(db.prepare('SELECT COUNT(*) AS n FROM slides').get()).toEqual({ n: 1 });
    } finally {
      await reading.close();
      db.close();
    }
  }, 30_000);
});
