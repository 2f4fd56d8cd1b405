/**
 * Ctrl-C during `ana read`: the current slide finishes, the command says how many slides were read
 * and how to go on, the batch stays resumable, and running the same command again finishes it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../electron/core/db/connection';
import { blobField, writeRgb8 } from '../../fixtures/slide-images';
import { writeTestPackage } from '../../fixtures/model-package';
import { anaChild, anaSpawn } from '../../support/ana-cli';

let dir: string;
// Small fields and the small test model: quick to read, but many, so the interrupt lands mid-batch.
const COUNT = 40;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ana-cli-interrupt-'));
  mkdirSync(join(dir, 'day'));
  await writeTestPackage(join(dir, 'model'));
  for (let i = 0; i < COUNT; i++) await writeRgb8(join(dir, 'day', `I-${String(i).padStart(2, '0')}_F1.png`), blobField(400, 300, i + 1), 400, 300, 'png');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function batchState(dbPath: string) {
  if (!existsSync(dbPath)) return { batches: [], items: {} as Record<string, number> };
  const db = openDatabase(dbPath, { readonly: true, skipIntegrityCheck: true });
  try {
    const batches = db.prepare('SELECT id, status FROM reading_batches').all() as { id: string; status: string }[];
    const items = db.prepare('SELECT status, count(*) AS n FROM reading_batch_items GROUP BY status').all() as { status: string; n: number }[];
    return { batches, items: Object.fromEntries(items.map((i) => [i.status, i.n])) as Record<string, number> };
  } finally {
    db.close();
  }
}

it('SIGINT stops after the current slide; the same command run again finishes the batch', async () => {
  const dbPath = join(dir, 'day.db');
  // The provider on 'auto' (the default): a missing GPU provider is no warning, the summary names the one used.
  const args = ['read', join(dir, 'day'), '--db', dbPath, '--model', join(dir, 'model')];
  const child = anaSpawn(args);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  // Interrupt once the first slide is stored.
  for (let waited = 0; ; waited += 50) {
    if (waited > 90_000) throw new Error(`no slide read after 90 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
    const done = (() => {
      try {
        return batchState(dbPath).items.done ?? 0;
      } catch {
        return 0; // the child is still creating the record
      }
    })();
    if (done >= 1) break;
  }
  child.kill('SIGINT');
  expect(await exited).toBe(130);
  const interrupted = batchState(dbPath);
  expect(interrupted.batches).toEqual([{ id: expect.any(String), status: 'cancelled' }]);
  const read = interrupted.items.done!;
  expect(interrupted.items.pending).toBe(COUNT - read);
  expect(stderr).toContain(`Interrupted: ${read} slide(s) read in this run, ${COUNT - read} not yet read (batch ${interrupted.batches[0]!.id}). Run the same command again to read the rest.`);

  const again = anaChild(args);
  expect(again.status).toBe(0);
  expect(again.stderr).not.toMatch(/warning/i);
  expect(again.stdout).toMatch(/ on (cpu|cuda); record: /);
  expect(again.stderr).toContain(`Continuing the interrupted batch ${interrupted.batches[0]!.id}: ${COUNT - read} of ${COUNT} slide(s) left.`);
  expect(batchState(dbPath)).toEqual({ batches: [{ id: interrupted.batches[0]!.id, status: 'finished' }], items: { done: COUNT } });
});
