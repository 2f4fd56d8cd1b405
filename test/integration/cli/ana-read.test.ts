/** `ana read` as a user runs it: a child process, JSON per slide, exit code 1 only when nothing could be read. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobField, writeRgb8 } from '../../fixtures/slide-images';
import { writeTestPackage } from '../../fixtures/model-package';
import { anaChild } from '../../support/ana-cli';

let dir: string;
const ana = (...args: string[]) => anaChild(args);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-cli-read-'));
  await writeTestPackage(join(dir, 'model'));
  await writeRgb8(join(dir, 'D-1_F1.png'), blobField(600, 450, 9), 600, 450, 'png');
  await writeFile(join(dir, 'D-2_F1.png'), new Uint8Array(0));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('writes JSON per slide, prints a summary, and exits 0 when some files could be read', async () => {
  const run = ana('read', join(dir, 'D-1_F1.png'), join(dir, 'D-2_F1.png'), '--db', join(dir, 'a.db'), '--model', join(dir, 'model'), '--provider', 'cuda,cpu', '--json', join(dir, 'out.json'));
  expect(run.status).toBe(0);
  const provider = /on (cuda|cpu);/.exec(run.stdout)?.[1];
  expect(run.stdout).toMatch(/2 file\(s\): 1 read, 0 already read, 1 failed .* on (cuda|cpu)/);
  expect(run.stderr).toMatch(/failed: .*D-2_F1\.png: file is empty/);
  // Without CUDA: our one-line warning, and not ONNX Runtime's red native error line.
  if (provider === 'cpu') expect(run.stderr).toMatch(/warning: Execution provider 'cuda' is not available/);
  expect(run.stderr).not.toMatch(/\[E:onnxruntime|provider_bridge_ort/);
  const json = JSON.parse(await readFile(join(dir, 'out.json'), 'utf8'));
  expect(json).toHaveLength(2);
  expect(json[0]).toMatchObject({ file: join(dir, 'D-1_F1.png'), accession: 'D-1', status: 'done', provider, error: null });
  expect(Object.keys(json[0].probabilities)).toHaveLength(8);
  expect(json[0].patchCount).toBeGreaterThan(0);
  expect(json[0].ms).toBeGreaterThan(0);
  expect(json[1]).toMatchObject({ status: 'failed', error: expect.stringMatching(/file is empty/) });
  // Issue 14: every slide carries its quality verdict; a file nobody can decode is not readable.
  expect(json[0].quality).toMatchObject({ verdict: expect.stringMatching(/^(readable|not-readable)$/), cells: expect.any(Number), mitoses: expect.any(Number), focus: expect.any(Number), saturatedFraction: expect.any(Number), signalToBackground: expect.any(Number) });
  expect(json[0]).toHaveProperty('screening');
  expect(json[0].unfamiliar).toBeNull(); // the test package ships no familiarity reference
  expect(json[1].quality).toMatchObject({ verdict: 'not-readable', reason: 'unreadable-file' });
  expect(run.stdout).toMatch(/Fields: \d+ readable, 1 not readable \(unreadable-file 1\)/);
  // The PNG states no pixel size and no profile was given: the assumed size is said, and recorded.
  expect(json[0]).toMatchObject({ pixelSizeSource: 'model-default', pixelSizeUm: expect.any(Number) });
  expect(run.stdout).toContain(`Pixel size assumed for 1 of 2 field(s): their files state none and no microscope profile was given, so they were cut at the model's ${json[0].pixelSizeUm.toFixed(3)} µm/px.`);
  expect(run.stdout).toContain('`ana estimate-pixel-size` on 10 or more of them suggests a size from their cells');
});

it('with a microscope profile, fields whose files state no pixel size are read at its size, and nothing is said', async () => {
  const profile = join(dir, 'scope.json');
  await writeFile(profile, JSON.stringify({ name: 'scope', pixelSizeUm: 0.32 }));
  const run = ana('read', join(dir, 'D-1_F1.png'), '--db', join(dir, 'c.db'), '--model', join(dir, 'model'), '--provider', 'cpu', '--profile', profile, '--json', join(dir, 'profiled.json'));
  expect(run.status, run.stderr).toBe(0);
  expect(JSON.parse(await readFile(join(dir, 'profiled.json'), 'utf8'))[0]).toMatchObject({ pixelSizeSource: 'profile', pixelSizeUm: 0.32 });
  expect(run.stdout).not.toContain('Pixel size assumed');
});

it('exits 1 when nothing could be read', () => {
  const run = ana('read', join(dir, 'D-2_F1.png'), '--db', join(dir, 'b.db'), '--model', join(dir, 'model'), '--provider', 'cpu');
  expect(run.status).toBe(1);
  expect(run.stdout).toMatch(/1 file\(s\): 0 read, 0 already read, 1 failed/);
});
