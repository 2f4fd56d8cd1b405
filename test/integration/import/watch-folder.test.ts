/**
 * The watched import folder on the real file system: a slowly written file is handed over only
 * once complete, files arriving together form one batch, other files are ignored, and a failing
 * batch does not stop the watcher.
 */
import { afterEach, expect, it } from 'vitest';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { watchFolder, type FolderWatcher } from '../../../electron/core/import/watch-folder';
import { tempDir } from '../../support/temp-dir';

const STABILITY_MS = 300;
const DEBOUNCE_MS = 150;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let watcher: FolderWatcher | null = null;

afterEach(async () => {
  await watcher?.close();
  watcher = null;
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await sleep(20);
  }
}

it('hands over a file only after its size has been stable, with its full content', async () => {
  const dir = tempDir('ana-watch-');
  const seen: { path: string; bytes: number }[] = [];
  // A generous window here: on a loaded CI machine a 100 ms sleep can take several times longer.
  watcher = watchFolder({ dir, stabilityMs: 800, debounceMs: DEBOUNCE_MS, onFiles: (paths) => void paths.forEach((p) => seen.push({ path: p, bytes: readFileSync(p).length })) });
  await watcher.ready;
  const file = join(dir, 'A2026-0100_F1.tif');
  // The microscope writes in chunks, each well within the stability window.
  writeFileSync(file, Buffer.alloc(1000));
  for (let i = 0; i < 5; i++) {
    await sleep(100);
    appendFileSync(file, Buffer.alloc(1000));
    expect(seen).toEqual([]);
  }
  await until(() => seen.length > 0);
  expect(seen).toEqual([{ path: file, bytes: 6000 }]);
});

it('batches files arriving together, includes files present at start and ignores non-slides', async () => {
  const dir = tempDir('ana-watch-');
  writeFileSync(join(dir, 'A2026-0001_F1.png'), 'x');
  writeFileSync(join(dir, 'notes.txt'), 'x');
  const batches: string[][] = [];
  watcher = watchFolder({ dir, stabilityMs: STABILITY_MS, debounceMs: DEBOUNCE_MS, onFiles: (paths) => void batches.push(paths) });
  await watcher.ready;
  await until(() => batches.length === 1);
  expect(batches[0]).toEqual([join(dir, 'A2026-0001_F1.png')]);

  mkdirSync(join(dir, '2026-11-29'));
  writeFileSync(join(dir, '2026-11-29', 'A2026-0002_F1.PNG'), 'x');
  writeFileSync(join(dir, '2026-11-29', 'A2026-0003_F1.tiff'), 'x');
  writeFileSync(join(dir, '2026-11-29', '.A2026-0004.png.partial'), 'x');
  writeFileSync(join(dir, 'export.csv'), 'x');
  await until(() => batches.length === 2);
  await sleep(STABILITY_MS + DEBOUNCE_MS * 2);
  expect(batches).toEqual([[join(dir, 'A2026-0001_F1.png')], [join(dir, '2026-11-29', 'A2026-0002_F1.PNG'), join(dir, '2026-11-29', 'A2026-0003_F1.tiff')]]);
});

it('reports a failing batch and keeps watching; batches never overlap', async () => {
  const dir = tempDir('ana-watch-');
  const errors: string[] = [];
  const handled: string[] = [];
  let running = 0;
  let maxRunning = 0;
  watcher = watchFolder({
    dir,
    stabilityMs: STABILITY_MS,
    debounceMs: 50,
    onError: (e) => errors.push(e.message),
    onFiles: async (paths) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(400);
      running--;
      if (paths.some((p) => p.includes('bad'))) throw new Error('slide-unreadable: bad.png');
      handled.push(...paths);
    },
  });
  await watcher.ready;
  writeFileSync(join(dir, 'bad.png'), 'x');
  await sleep(STABILITY_MS + 150);
  writeFileSync(join(dir, 'good.png'), 'x');
  await until(() => handled.length === 1);
  await watcher.idle();
  expect(errors).toEqual([`Import of 1 file(s) from ${dir} failed: slide-unreadable: bad.png`]);
  expect(handled).toEqual([join(dir, 'good.png')]);
  expect(maxRunning).toBe(1);
});

it('names a missing import folder', () => {
  expect(() => watchFolder({ dir: '/no/such/microscope-share', onFiles: () => {} })).toThrow('Import folder /no/such/microscope-share does not exist or is not a folder');
});
