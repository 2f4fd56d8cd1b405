/**
 * `ana train --base` on a whole-network package: the lab's fine-tuning recipe — what `ana
 * finetune` does with the record's signed cases, with the same defaults (every layer, the share of
 * the active weights chosen on the early-stopping cases, prevalence thresholds from 200 cases) —
 * run on a labelled dataset CSV, so a team can measure it on a labelled set it holds outside any
 * record. Each row is one case; `train` rows are learnt from, `val` rows stop early and choose the
 * share (a seeded 15 % of `train` when the CSV has none, as `ana train` holds out), `test` rows
 * measure the base and the candidate the way the validation gate compares them. Mode 'adapt'
 * first pre-trains the network on the train and val rows' fields without their labels. No record, no
 * registry and no gate: the package is written to `outDir`. A field is cut at the pixel size its
 * file states, else at `pixelSizeUm` (the lab's microscope), else at the base's assumed size, as a
 * reading does with a microscope profile; how many fields took which is reported before training.
 */
import { resolve } from 'node:path';
import type { ModelPackage } from '../../models/model-package';
import { patchOptionsOf } from '../../models/manifest';
import { datasetPixelSizes, type DatasetPixelSizes } from '../dataset-pixel-sizes';
import { readDatasetCsv, type DatasetRow } from '../../synth/dataset-csv';
import { datasetSplits } from '../heads/train-model';
import type { ThresholdMode } from '../metrics/thresholds';
import type { Candidate } from './candidate';
import { defaultNetworkThresholdMode } from './finetune';
import { checkedNetworkThresholds, trainNetworkCandidate, type FinetuneMode, type NetworkCandidateInput } from './finetune-network';
import { checkedBlend, DEFAULT_NETWORK_BLEND } from './blend';
import type { TrainingCase } from './signed-cases';

/** `trainNetworkCandidate`'s options, less the cases (the CSV's rows) and with `ana finetune`'s defaults for mode, thresholds and blend. */
export interface DatasetFinetuneOptions
  extends Pick<NetworkCandidateInput, 'outDir' | 'training' | 'thresholds' | 'blend' | 'learningRate' | 'providers' | 'threads' | 'onProgress' | 'onEpoch' | 'isCancelled'>,
    Partial<Pick<NetworkCandidateInput, 'version'>> {
  mode?: Exclude<FinetuneMode, 'head'>;
  dataCsv: string;
  /** A whole-network package (`manifest.kind` 'network'). */
  base: ModelPackage;
  /** µm per pixel of the fields whose files state none (default: the base's assumed size). */
  pixelSizeUm?: number;
  /** Called once, before any field is cut, with where the fields' pixel sizes come from. */
  onPixelSizes?: (sizes: DatasetPixelSizes) => void;
}

export interface DatasetFinetuneResult {
  candidate: Candidate;
  mode: Exclude<FinetuneMode, 'head'>;
  /** 'active': the base's thresholds kept. */
  thresholds: ThresholdMode | 'active';
  rows: { train: number; val: number; test: number };
  pixelSizes: DatasetPixelSizes;
}


export async function finetuneNetworkOnDataset(options: DatasetFinetuneOptions): Promise<DatasetFinetuneResult> {
  const seed = options.training?.seed ?? 1;
  const rows = datasetSplits(await readDatasetCsv(resolve(options.dataCsv)), options.dataCsv, seed);
  const mode = options.mode ?? 'all';
  const thresholds = checkedNetworkThresholds(mode, options.thresholds ?? defaultNetworkThresholdMode(rows.train.length + rows.val.length, mode));
  const blend = mode === 'thresholds' ? undefined : checkedBlend(options.blend ?? DEFAULT_NETWORK_BLEND);
  const counts = { train: rows.train.length, val: rows.val.length, test: rows.test.length };
  const { dataCsv, base, pixelSizeUm, onPixelSizes, ...loop } = options;
  const pixels = await datasetPixelSizes([...rows.train, ...rows.val, ...rows.test].map((r) => r.absolutePath), pixelSizeUm, patchOptionsOf(base.manifest).defaultPixelSizeUm);
  onPixelSizes?.(pixels.sizes);
  const asCase = (row: DatasetRow): TrainingCase => ({ accessionId: row.path, labels: row.labels, slides: [{ path: row.absolutePath, pixelSizeUm: pixels.of.get(row.absolutePath)! }] });
  const candidate = await trainNetworkCandidate({
    ...loop,
    active: base,
    mode,
    groups: { fit: rows.train.map(asCase), stop: rows.val.map(asCase), validation: rows.test.map(asCase) },
    // What a lab has read by the time it adapts: the rows it learns from, never the test rows.
    ...(mode === 'adapt' ? { unlabelled: { fields: [...rows.train, ...rows.val].map((r) => ({ absolutePath: r.absolutePath, labels: [], pixelSizeUm: pixels.of.get(r.absolutePath)! })), adaptation: { seed }, from: `${resolve(dataCsv)} (train and val rows, without labels)` } } : {}),
    training: { seed, ...options.training },
    thresholds,
    blend,
    version: options.version ?? `${base.manifest.version.split('+')[0]}+train`,
    provenance: { command: 'ana train', dataset: resolve(dataCsv), rows: counts, pixelSizes: pixels.sizes },
    datasetCsv: resolve(dataCsv),
  });
  return { candidate, mode, thresholds: thresholds ?? 'active', rows: counts, pixelSizes: pixels.sizes };
}
