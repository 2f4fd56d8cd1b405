/**
 * A weak mitochondrial field of a routine 20× colour microscope that the generic screening calls
 * negative while the shipped model calls mitochondrial (seed chosen for that): nothing is
 * suggested, and `ana read` says what the model saw (core/reading/withheld.ts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeField, generateField } from '../../../electron/core/synth/index';
import { defaultModelDir } from '../../../electron/core/paths';
import { anaInProcess } from '../../support/ana-cli';
import { tempDir } from '../../support/temp-dir';

let dir: string;
const weakMitochondrial = () => generateField({ widthPx: 1024, heightPx: 768, labels: ['mitochondrial'], intensity: 0.2, style: 'routine-20x-colour-jpeg' }, 704);

beforeAll(async () => {
  dir = tempDir('ana-withheld-');
  await writeFile(join(dir, 'W-1_F1.png'), await encodeField(weakMitochondrial(), 'png-rgb8'));
  await writeFile(join(dir, 'W-2_F1.png'), await encodeField(generateField({ widthPx: 1024, heightPx: 768, labels: ['mitochondrial'], intensity: 0.8 }, 705), 'png-rgb8'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

it('a field screened negative keeps no pattern, and ana read names the pattern the model called on it', async () => {
  const run = await anaInProcess(['read', join(dir, 'W-1_F1.png'), join(dir, 'W-2_F1.png'), '--db', join(dir, 'a.db'), '--model', defaultModelDir(), '--provider', 'cpu', '--json', join(dir, 'out.json'), '--in-process']);
  expect(run.status, run.stderr).toBe(0);
  const [weak, strong] = JSON.parse(await readFile(join(dir, 'out.json'), 'utf8'));
  expect(weak).toMatchObject({ accession: 'W-1', screening: { call: 'negative' }, predicted: [], withheld: ['mitochondrial'] });
  expect(weak.probabilities.mitochondrial).toBeGreaterThan(0.9);
  // A field screened positive is suggested as before, and nothing is withheld.
  expect(strong).toMatchObject({ accession: 'W-2', screening: { call: 'positive' }, predicted: ['mitochondrial'], withheld: [] });
  expect(run.stdout).toMatch(/W-1 +done +negative 0\.\d\d \(model: mitochondrial\)/);
  expect(run.stdout).toContain('screened 1 positive, 1 negative (1 of them with a pattern the model called: look before signing negative)');
}, 120_000);
