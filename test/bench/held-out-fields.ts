/**
 * The fields the network benches read on one held-out style of `ana bench shift --work` (1024×768,
 * seed 1, 400 fields a style): the first N signed fields and the 100 test fields, cut and
 * normalised as the package reads.
 */
import { join } from 'node:path';
import { patchOptionsOf } from '../../electron/core/models/manifest';
import type { ModelPackage } from '../../electron/core/models/model-package';
import { readDatasetCsv } from '../../electron/core/synth/dataset-csv';
import { bagCount, subsetBags, type BagDataset } from '../../electron/core/training/dataset';
import { pixelBags } from '../../electron/core/training/network/patch-dataset';

export const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

export async function heldOutFields(model: ModelPackage, work: string, style: string, n: number): Promise<{ signed: BagDataset; test: BagDataset }> {
  const rows = await readDatasetCsv(join(work, `${style}-s1-1024x768-n400-p300`, 'labels.csv'));
  const all = [...rows.filter((r) => r.split === 'signed').slice(0, n), ...rows.filter((r) => r.split === 'test')].map((r) => ({ absolutePath: r.absolutePath, labels: r.labels, id: r.path }));
  const data = await pixelBags(all, patchOptionsOf(model.manifest), { labels: model.manifest.labels.map((l) => l.key) });
  return { signed: subsetBags(data, range(0, n)), test: subsetBags(data, range(n, bagCount(data))) };
}
