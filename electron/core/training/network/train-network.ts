/**
 * From a dataset CSV to a whole-network model package: cut every field into the micrometre patch
 * grid, normalise with statistics of the training split, train the network with the self-paced
 * loop on ONNX Runtime (early stopping on `val`), score the `test` split, and write model.onnx
 * (learned weights as initialisers) with its manifest and a metrics file. Throughput, epoch
 * times and peak memory are measured on the way, for the figures of the README.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PATTERN_LABELS } from '../../../contract/labels';
import { DomainError } from '../../errors';
import type { Pooling } from '../../inference/aggregate';
import type { ProviderName } from '../../inference/providers';
import { ModelManifest } from '../../models/manifest';
import { sha256Hex } from '../../models/model-package';
import { readDatasetCsv, type DatasetRow } from '../../synth/dataset-csv';
import { bagCount, patchCount, type BagDataset } from '../dataset';
import { evaluate, type EvaluationReport } from '../metrics/metrics';
import { DEFAULT_AUGMENT, type AugmentOptions } from './augment';
import { buildInferenceGraph } from './graphs';
import type { LayerSpec } from './layers';
import { createNetwork, initParams, type NetworkSpec } from './network';
import { modelCard } from '../metrics/model-card';
import { loadNetworkPackage } from './network-package';
import { NetworkStepper } from './network-stepper';
import { defaultNetworkTrainingOptions, scoreDataset, trainNetwork, type NetworkEpochInfo, type NetworkTrainingOptions, type TrainingProgress } from './network-trainer';
import { EPOCH_SCORE_NAMES } from '../trainer';
import { pixelBags, type PatchPreprocessing } from './patch-dataset';
import { tuneThresholds } from '../metrics/thresholds';

const PACKAGE_ID = 'ana-whole-network';

/** How a patch reaches the first convolution: the data set's global mean and sd only, or also standardised on its own. */
export type InputNormalisation = 'global' | 'patch';

/** Variance floor of the per-patch standardisation (in global sd²): a flat background patch is not blown up into noise. */
const PATCH_NORM_EPS = 1e-3;

/**
 * A small encoder: stride-2 3×3 convolutions with GroupNorm and ReLU, global pooling, a linear head.
 * `depths[i]` (default 1) makes stage i that many convolutions at `widths[i]` channels: the first
 * halves the resolution, the rest keep it, so a stage can combine what it sees without a larger
 * field of view.
 * With `inputNorm: 'patch'` a one-group GroupNorm first standardises each patch by its own mean and
 * sd (then a learned scale and shift), so a lab's gain, offset and bit depth do not reach the convolutions.
 */
export function defaultEncoderSpec(inputPx: number, labels: number, widths: readonly number[] = [16, 32, 64, 64], inputNorm: InputNormalisation = 'global', depths: readonly number[] = widths.map(() => 1)): NetworkSpec {
  if (depths.length !== widths.length || depths.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new DomainError('bad-request', `encoder depths [${depths.join(', ')}] must be one whole number ≥ 1 for each of the ${widths.length} widths`);
  }
  const layers: LayerSpec[] = inputNorm === 'patch' ? [{ kind: 'groupnorm', groups: 1, eps: PATCH_NORM_EPS }] : [];
  widths.forEach((c, i) => {
    for (let k = 0; k < depths[i]!; k++) layers.push({ kind: 'conv2d', outChannels: c, kernel: 3, stride: k === 0 ? 2 : 1, padding: 1 }, { kind: 'groupnorm', groups: 4 }, { kind: 'relu' });
  });
  layers.push({ kind: 'globalavgpool' }, { kind: 'linear', outFeatures: labels });
  return { inputShape: [1, inputPx, inputPx], layers };
}

export interface TrainNetworkRunOptions {
  csvPath: string;
  outDir: string;
  version: string;
  training: Partial<NetworkTrainingOptions>;
  augment: boolean;
  /** The augmentation when `augment` is on (default DEFAULT_AUGMENT; STYLE_AUGMENT for training across microscopes). */
  augmentation?: AugmentOptions;
  /** A new network's input normalisation (default 'global'); a fine-tuned one keeps its own. */
  inputNorm?: InputNormalisation;
  /**
   * How the package pools a field's patches (default max, which early stopping always uses): the
   * test figures and the validation thresholds are computed with it. mean-logit reads a field of 70
   * patches like one of 3; max lets one false patch call the field.
   */
  aggregation?: Pooling;
  inputPx: number;
  patchSizeUm: number;
  defaultPixelSizeUm: number;
  widths?: readonly number[];
  /** Convolutions per stage (default 1 each); see defaultEncoderSpec. */
  depths?: readonly number[];
  providers?: ProviderName[];
  /** ONNX Runtime threads per step on the CPU (default: every core, `defaultTrainingThreads`). */
  threads?: number;
  /**
   * Fine-tune a whole-network package instead of starting from random weights: its network,
   * patch size, input side and normalisation are kept (inputPx, patchSizeUm, widths and depths are ignored).
   */
  initFrom?: string;
  /** Train only layers from this index up (0: all); with `initFrom`, the last-blocks-only mode. */
  firstTrainableLayer?: number;
  /** Use at most this many fields per split (quick runs). */
  maxFieldsPerSplit?: number;
  signal?: AbortSignal;
  log?: (message: string) => void;
  onProgress?: (p: TrainingProgress) => void;
}

export interface TrainNetworkRunResult {
  packageDir: string;
  provider: ProviderName;
  /** Test metrics at 0.5 and at the per-label thresholds chosen on `val` (the ones the package ships). */
  test: EvaluationReport;
  testAtValThresholds: EvaluationReport;
  thresholds: number[];
  epochs: NetworkEpochInfo[];
  bestEpoch: number;
  /** Epochs restored from the checkpoint in outDir (0 for a fresh run). */
  resumedFromEpoch: number;
  figures: {
    trainPatches: number;
    trainFields: number;
    patchesPerSecond: number;
    meanEpochTrainSeconds: number;
    peakRssMb: number;
    prepareSeconds: number;
  };
}

function split(rows: DatasetRow[], name: string, limit: number | undefined): DatasetRow[] {
  const picked = rows.filter((r) => r.split === name);
  return limit ? picked.slice(0, limit) : picked;
}

function meanAndStd(values: Float32Array): { mean: number; std: number } {
  let sum = 0;
  let sq = 0;
  for (const v of values) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / values.length;
  return { mean, std: Math.max(Math.sqrt(sq / values.length - mean * mean), 1e-6) };
}

function normaliseInPlace(data: BagDataset, mean: number, std: number): void {
  for (let i = 0; i < data.inputs.length; i++) data.inputs[i] = (data.inputs[i]! - mean) / std;
}

export async function runWholeNetworkTraining(o: TrainNetworkRunOptions): Promise<TrainNetworkRunResult> {
  const log = o.log ?? (() => {});
  let peakRss = process.memoryUsage().rss;
  const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
  const rows = await readDatasetCsv(o.csvPath);
  const sets = { train: split(rows, 'train', o.maxFieldsPerSplit), val: split(rows, 'val', o.maxFieldsPerSplit), test: split(rows, 'test', o.maxFieldsPerSplit) };
  if (sets.train.length === 0 || sets.test.length === 0) throw new DomainError('bad-request', `${o.csvPath}: needs 'train' and 'test' rows (found ${sets.train.length} and ${sets.test.length})`);

  const base = o.initFrom ? await loadNetworkPackage(o.initFrom) : null;
  const inputPx = base ? base.net.spec.inputShape[1] : o.inputPx;
  const patchSizeUm = base ? base.manifest.patch.sizeUm : o.patchSizeUm;
  const t0 = performance.now();
  const raw: PatchPreprocessing = { patchSizeUm, inputPx, mean: 0, std: 1, backgroundMax: 0, defaultPixelSizeUm: o.defaultPixelSizeUm };
  const cut = async (name: string, part: DatasetRow[]) => {
    const data = await pixelBags(part.map((r) => ({ absolutePath: r.absolutePath, labels: r.labels, id: r.path })), raw, { signal: o.signal });
    sampleRss();
    log(`${name}: ${bagCount(data)} fields, ${patchCount(data)} patches`);
    return data;
  };
  const train = await cut('train', sets.train);
  const val = sets.val.length ? await cut('val', sets.val) : null;
  const test = await cut('test', sets.test);
  // A fine-tuned network keeps the normalisation it was trained with.
  const { mean, std } = base ? base.manifest.normalisation : meanAndStd(train.inputs);
  for (const d of [train, val, test]) if (d) normaliseInPlace(d, mean, std);
  const prepareSeconds = (performance.now() - t0) / 1000;

  const K = train.labels.length;
  const net = base ? base.net : createNetwork(defaultEncoderSpec(inputPx, K, o.widths, o.inputNorm, o.depths));
  if (net.outShape[0] !== K) throw new DomainError('bad-request', `${o.initFrom}: the network has ${net.outShape[0]} outputs, the data ${K} labels`);
  const options = { ...defaultNetworkTrainingOptions, ...o.training, augment: o.augment ? (o.augmentation ?? DEFAULT_AUGMENT) : null };
  const stepper = await NetworkStepper.open(net, base ? base.params : initParams(net, options.seed), { providers: o.providers, intraOpNumThreads: o.threads, warn: log, firstTrainableLayer: o.firstTrainableLayer });
  log(`training on ${stepper.provider}${stepper.provider === 'cpu' ? ` (${stepper.threads} thread${stepper.threads > 1 ? 's' : ''})` : ''}: ${net.params.reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0)} parameters`);
  await mkdir(resolve(o.outDir), { recursive: true });
  // An epoch record counts what the method steps on: patches, or whole fields for mean-logit.
  const throughput = (e: NetworkEpochInfo): string => (options.method === 'mean-logit' ? `${e.patchesPerSecond.toFixed(1)} fields/s` : `${e.patchesPerSecond.toFixed(0)} patches/s`);
  let result: Awaited<ReturnType<typeof trainNetwork>>;
  try {
    result = await trainNetwork(stepper, train, val, options, {
      signal: o.signal,
      checkpointPath: join(resolve(o.outDir), 'training.checkpoint.json'),
      onProgress: (p) => {
        sampleRss();
        o.onProgress?.(p);
      },
      onEpoch: (e) => log(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, val loss ${e.validationLoss?.toFixed(4) ?? '-'}, val ${EPOCH_SCORE_NAMES[options.epochSelection]} ${e.validationScore?.toFixed(4) ?? '-'}, ${throughput(e)}${e.best ? ' (best)' : ''}`),
    });
    const aggregation = o.aggregation ?? 'max';
    const scored = await scoreDataset(stepper, test, 256, aggregation);
    sampleRss();
    const testData = { truth: test.bagLabels, scores: scored.image, imageCount: bagCount(test), labelCount: K };
    const report = evaluate(testData, test.labels, 0.5);
    const thresholds = val ? tuneThresholds(val.bagLabels, (await scoreDataset(stepper, val, 256, aggregation)).image, bagCount(val), K) : new Array<number>(K).fill(0.5);
    const tuned = evaluate(testData, test.labels, thresholds);
    const card = modelCard({
      kind: 'network',
      id: PACKAGE_ID,
      version: o.version,
      parentVersion: base?.manifest.version ?? null,
      spec: net.spec,
      parameters: net.params.reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0),
      csv: o.csvPath,
      counts: { trainFields: bagCount(train), trainPatches: patchCount(train), valFields: val ? bagCount(val) : 0, testFields: bagCount(test) },
      patchSizeUm,
      options,
      firstTrainableLayer: o.firstTrainableLayer ?? 0,
      epochs: result.epochs,
      bestEpoch: result.bestEpoch,
      provider: stepper.provider,
      aggregation,
      test: tuned,
      thresholds: Object.fromEntries(test.labels.map((k, i) => [k, thresholds[i]!])),
    });
    const packageDir = await writePackage(o, net.spec, result.params, { mean, std }, { inputPx, patchSizeUm, parentVersion: base?.manifest.version ?? null }, tuned, thresholds, result.epochs.length, result.bestEpoch, stepper.provider, card, aggregation);
    const trainEpochs = result.epochs.filter((e) => e.epoch > result.resumedFromEpoch);
    const meanEpochTrainSeconds = trainEpochs.reduce((a, e) => a + e.seen / e.patchesPerSecond, 0) / Math.max(1, trainEpochs.length);
    const figures = {
      trainPatches: patchCount(train),
      trainFields: bagCount(train),
      patchesPerSecond: options.method === 'mean-logit' ? patchCount(train) / Math.max(meanEpochTrainSeconds, 1e-9) : trainEpochs.reduce((a, e) => a + e.patchesPerSecond, 0) / Math.max(1, trainEpochs.length),
      meanEpochTrainSeconds,
      peakRssMb: peakRss / 2 ** 20,
      prepareSeconds,
    };
    await writeFile(join(packageDir, 'training-metrics.json'), JSON.stringify({ figures, epochs: result.epochs, bestEpoch: result.bestEpoch, thresholds, test: report, testAtValThresholds: tuned, provider: stepper.provider }, null, 2) + '\n');
    return { packageDir, provider: stepper.provider, test: report, testAtValThresholds: tuned, thresholds, epochs: result.epochs, bestEpoch: result.bestEpoch, resumedFromEpoch: result.resumedFromEpoch, figures };
  } finally {
    await stepper.close();
  }
}

async function writePackage(o: TrainNetworkRunOptions, spec: NetworkSpec, params: Record<string, Float32Array>, norm: { mean: number; std: number }, shape: { inputPx: number; patchSizeUm: number; parentVersion: string | null }, test: EvaluationReport, thresholds: number[], epochs: number, bestEpoch: number, provider: ProviderName, card: string, aggregation: Pooling): Promise<string> {
  const dir = resolve(o.outDir);
  const net = createNetwork(spec);
  const { bytes, embeddingDims } = buildInferenceGraph(net, params, { name: 'ana-whole-network' });
  await writeFile(join(dir, 'model.onnx'), bytes);
  const cardBytes = new TextEncoder().encode(card);
  await writeFile(join(dir, 'MODEL_CARD.md'), cardBytes);
  const manifest = ModelManifest.parse({
    schemaVersion: 1,
    kind: 'network',
    network: spec,
    id: PACKAGE_ID,
    version: o.version,
    parentVersion: shape.parentVersion,
    displayName: shape.parentVersion ? `Whole-network CNN (fine-tuned from ${shape.parentVersion})` : 'Whole-network CNN (trained on generated fields)',
    labels: PATTERN_LABELS.map(({ key, displayName, icapCodes }) => ({ key, displayName, icapCodes })),
    input: { name: 'patches', shape: [-1, 1, shape.inputPx, shape.inputPx], dtype: 'float32' },
    outputs: { probabilities: 'probabilities', embeddings: embeddingDims > 0 ? 'embeddings' : null },
    patch: { sizeUm: shape.patchSizeUm, defaultPixelSizeUm: o.defaultPixelSizeUm, backgroundMax: 0 },
    normalisation: norm,
    aggregation,
    thresholds: Object.fromEntries(PATTERN_LABELS.map((l, k) => [l.key, thresholds[k] ?? 0.5])),
    files: [
      { path: 'model.onnx', sha256: sha256Hex(bytes), role: 'model' },
      { path: 'MODEL_CARD.md', sha256: sha256Hex(cardBytes), role: 'card' },
    ],
    provenance: { recipe: 'ana train-network', trained: true, dataset: resolve(o.csvPath), training: o.training, augment: o.augment ? (o.augmentation ?? DEFAULT_AUGMENT) : null, initFrom: o.initFrom ?? null, firstTrainableLayer: o.firstTrainableLayer ?? 0, epochs, bestEpoch, provider },
    metrics: { thresholds: `per label, best F1 on the validation split (image level, ${aggregation} over patches)`, test: { f1_micro: test.f1_micro, f1_macro: test.f1_macro, subset_accuracy: test.subset_accuracy, map: test.map, images: test.n_images } },
  });
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return dir;
}
