/**
 * Tiny two-patch fields for training tests (400×200 px at the default 0.5 µm/px, 100 µm patches):
 * 'homogeneous' patches are smooth and bright, 'speckled' ones dark with bright dots; a field with
 * both labels shows one of each. `gain` scales the whole signal (a dimmer or brighter microscope).
 * Also: a dataset of such fields with its CSV, and a record of signed cases read from them.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionUser } from '../../../electron/contract';
import type { WritableDb } from '../../../electron/core/db/connection';
import { createEngine } from '../../../electron/core/inference/engine';
import { loadModelPackage } from '../../../electron/core/models/model-package';
import type { Random } from '../../../electron/core/random';
import { readBatch } from '../../../electron/core/reading/batch-reader';
import { saveDraft, signCase } from '../../../electron/core/review/review.service';
import { formatDatasetCsv } from '../../../electron/core/synth/dataset-csv';
import { writeBmp } from '../../fixtures/slide-images';

export async function writeField(path: string, labels: string[], rng: Random, gain = 1): Promise<void> {
  const W = 400;
  const H = 200;
  const v = new Uint8Array(W * H);
  const kinds = labels.length === 2 ? labels : [labels[0] ?? 'none', labels[0] ?? 'none'];
  for (let half = 0; half < 2; half++) {
    for (let y = 0; y < H; y++) {
      for (let x = half * 200; x < half * 200 + 200; x++) {
        const kind = kinds[half];
        const base = kind === 'homogeneous' ? 170 : 20;
        const dot = kind === 'speckled' && x % 12 < 3 && y % 12 < 3 ? 200 : 0;
        v[y * W + x] = Math.min(255, Math.round(gain * (base + dot + rng.int(0, 20))));
      }
    }
  }
  await writeBmp(path, v, W, H, 1);
}

export const LABEL_SETS = [['homogeneous'], ['speckled'], ['homogeneous', 'speckled'], []];

/**
 * `count` fields named `${prefix}${i}.bmp` in `dir` and their dataset CSV `csvName`: field i shows
 * `sets[i % sets.length]` and belongs to split `splitOf(i)`. Returns the CSV's path.
 */
export async function writeFieldDataset(
  dir: string,
  csvName: string,
  count: number,
  rng: Random,
  splitOf: (i: number) => string,
  { prefix = 'f', sets = LABEL_SETS, gain = 1 }: { prefix?: string; sets?: string[][]; gain?: number } = {},
): Promise<string> {
  const rows: { path: string; labels: string[]; split: string }[] = [];
  for (let i = 0; i < count; i++) {
    const row = { path: `${prefix}${i}.bmp`, labels: sets[i % sets.length]!, split: splitOf(i) };
    await writeField(join(dir, row.path), row.labels, rng, gain);
    rows.push(row);
  }
  const csvPath = join(dir, csvName);
  await writeFile(csvPath, formatDatasetCsv(rows));
  return csvPath;
}

/**
 * The lab's record for fine-tuning: `count` cases (A2026-0000_F1 …), each one generated field read
 * with the package in `modelDir` and signed by `physician` with the labels it shows (LABEL_SETS in
 * turn, negatives included).
 */
export async function readAndSignCases(db: WritableDb, physician: SessionUser, password: string, modelDir: string, dir: string, count: number, rng: Random): Promise<void> {
  const model = await loadModelPackage(modelDir);
  const engine = await createEngine(model, { providers: ['cpu'], warn: () => {} });
  try {
    for (let i = 0; i < count; i++) {
      const labels = LABEL_SETS[i % 4]!;
      const path = join(dir, `A2026-${String(i).padStart(4, '0')}_F1.bmp`);
      await writeField(path, labels, rng);
      const [read] = (await readBatch({ db, model, engine }, [path])).items;
      const caseId = read!.caseId!;
      saveDraft(db, physician, { caseId, labels: labels.map((key) => ({ key })), comment: '' });
      // These toy fields hold no cells, so the readability gate refuses them: a negative needs the
      // physician's explicit confirmation (recorded only where it applies).
      await signCase(db, physician, { caseId, password, meaning: 'approved', confirmNotReadable: true });
    }
  } finally {
    await engine.close();
  }
}
