/**
 * `ana eval` without `--cache` keeps its embedding cache in the per-user cache folder (here
 * ANA_CACHE_DIR): the dataset's folder — which may be a share, or resources/ in a repository —
 * gets nothing written into it.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { evalCommand } from '../../../electron/cli/commands/eval';
import { Random } from '../../../electron/core/random';
import { formatDatasetCsv } from '../../../electron/core/synth/dataset-csv';
import { writeSkeletonPackage } from '../../../native-models/recipes/build-skeleton';
import { LABEL_SETS, writeField } from '../training/fields';

let dir: string;
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

it('writes the embedding cache to the per-user cache folder, not beside the images', async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-eval-cache-'));
  const data = join(dir, 'dataset');
  const cache = join(dir, 'user-cache');
  vi.stubEnv('ANA_CACHE_DIR', cache);
  await writeSkeletonPackage(join(dir, 'model'));
  const rng = new Random(4);
  const rows = LABEL_SETS.map((labels, i) => ({ path: `f${i}.bmp`, labels, split: 'test' }));
  await mkdir(data);
  for (const r of rows) await writeField(join(data, r.path), r.labels, rng);
  await writeFile(join(data, 'labels.csv'), formatDatasetCsv(rows));
  const before = (await readdir(data)).sort();

  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    expect(await evalCommand.run(['--data', join(data, 'labels.csv'), '--model', join(dir, 'model'), '--provider', 'cpu'])).toBe(0);
  } finally {
    log.mockRestore();
  }
  expect((await readdir(data)).sort()).toEqual(before);
  expect(await readdir(join(cache, 'embeddings'))).not.toEqual([]);
});
