/**
 * Evaluation sets for the recipes that score a package on generated fields: a CSV (all rows, or
 * `path:split`) embedded exactly as `ana eval` embeds it (the embedding cache included), and score
 * tables joined across sets.
 */
import { resolve } from 'node:path';
import { defaultEmbeddingCacheDir } from '../../electron/core/cache-dirs';
import type { InferenceEngine } from '../../electron/core/inference/engine';
import type { ModelPackage } from '../../electron/core/models/model-package';
import { readDatasetCsv } from '../../electron/core/synth/dataset-csv';
import type { BagDataset } from '../../electron/core/training/dataset';
import { embedRows } from '../../electron/core/training/heads/train-model';
import type { MultiLabelData } from '../../electron/core/training/metrics/metrics';

/** The fields of `path[:split]`, embedded by the package (one bag per field). */
export async function embeddedSet(model: ModelPackage, engine: InferenceEngine, spec: string): Promise<BagDataset> {
  const [path, split] = spec.split(':') as [string, string | undefined];
  const rows = (await readDatasetCsv(resolve(path))).filter((r) => split === undefined || r.split === split);
  if (rows.length === 0) throw new Error(`${spec}: no rows`);
  return (await embedRows(model, engine, rows, { cacheDir: defaultEmbeddingCacheDir() })).data;
}

/** `name=path[:split],...` as [name, spec] pairs. */
export function namedSets(list: string | undefined): [string, string][] {
  return (list?.split(',').filter(Boolean) ?? []).map((item) => {
    const at = item.indexOf('=');
    if (at < 1) throw new Error(`${item}: expected name=path[:split]`);
    return [item.slice(0, at), item.slice(at + 1)];
  });
}

/** Score tables of several sets as one (same labels). */
export function joined(parts: readonly MultiLabelData[]): MultiLabelData {
  const labelCount = parts[0]!.labelCount;
  const imageCount = parts.reduce((n, p) => n + p.imageCount, 0);
  const truth = new Float32Array(imageCount * labelCount);
  const scores = new Float32Array(imageCount * labelCount);
  let at = 0;
  for (const p of parts) {
    truth.set(p.truth, at);
    scores.set(p.scores, at);
    at += p.imageCount * labelCount;
  }
  return { truth, scores, imageCount, labelCount };
}
