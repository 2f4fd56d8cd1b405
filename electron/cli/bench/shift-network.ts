/**
 * The shift benchmark on a whole-network package (`ana bench shift --model NET [--network-finetune all|last-blocks]`):
 * what `ana finetune --mode all|last-blocks` does for a lab whose active version is a whole
 * network, on +N signed fields of a held-out style. The fields are cut as the package reads
 * (its patch grid and normalisation); the network is warm-started from the package's weights and
 * trained with the options it was trained with, augmentation on (networkFinetuneOptions), early
 * stopping on a seeded 20 % of the N fields (the same fields as the head recipe's), its learning
 * rate and its blend with the package's weights chosen as `ana finetune` chooses them
 * (fineTuneNetwork, the same code); then the test
 * fields are scored with the package's aggregation, at the package's thresholds, at thresholds
 * tuned on the early-stopping fields and at prevalence-matched thresholds on all N fields.
 */
import { basename } from 'node:path';
import type { ProviderName } from '../../core/inference/providers';
import { patchOptionsOf } from '../../core/models/manifest';
import type { ModelPackage } from '../../core/models/model-package';
import type { DatasetRow } from '../../core/synth';
import { bagCount, subsetBags, type BagDataset } from '../../core/training/dataset';
import { fineTuneNetwork, networkFinetuneOptions } from '../../core/training/finetune/finetune-network';
import { DEFAULT_NETWORK_BLEND, type Blend } from '../../core/training/finetune/blend';
import { learningRateChoice, ratesTriedWords, type LearningRateChoice } from '../../core/training/finetune/learning-rate';
import { hashSplit } from '../../core/training/heads/train-model';
import { evaluate, type EvaluationReport } from '../../core/training/metrics/metrics';
import { thresholdsFor } from '../../core/training/metrics/thresholds';
import { lastBlocksStart, loadNetworkPackage } from '../../core/training/network/network-package';
import { NetworkStepper } from '../../core/training/network/network-stepper';
import { scoreDataset, type NetworkTrainingOptions } from '../../core/training/network/network-trainer';
import { pixelBags } from '../../core/training/network/patch-dataset';
import { poolBags, type EpochSelection } from '../../core/training/trainer';

export interface NetworkFinetuneBench {
  mode: 'all' | 'last-blocks';
  /** Convolution blocks trained in 'last-blocks' mode. Default 1. */
  lastBlocks?: number;
  /** +N measured (a subset of the bench's signed counts keeps the CPU time down). Default: the bench's. */
  signedCounts?: readonly number[];
  /** Epoch cap of each fine-tuning (early stopping usually ends sooner). Default: the package's options. */
  maxEpochs?: number;
  /** How early stopping keeps an epoch (TrainerOptions.epochSelection; 'as-read' and 'map-as-read' score with the package's aggregation). Default `ana finetune`'s, 'map-as-read'. */
  epochSelection?: EpochSelection;
  /** Share of the fine-tuned weights in the network read, or 'auto' (`ana finetune --blend`). Default: `ana finetune`'s. */
  blend?: Blend;
  /** A fixed learning rate (`ana finetune --lr X`). */
  lr?: number;
  /** 'auto' or 'given', as `ana finetune`'s (`learningRateChoice`: 'given' when `lr` is set, else `DEFAULT_LEARNING_RATE`). */
  learningRate?: LearningRateChoice;
  /** ONNX Runtime threads per training step (default: every core; the weights do not depend on it). */
  threads?: number;
}

/** The loop options of one +N fine-tuning: `ana finetune`'s (networkFinetuneOptions), with the bench's seed, epoch cap and epoch choice. */
export function benchTrainingOptions(manifest: ModelPackage['manifest'], bench: NetworkFinetuneBench, seed: number): NetworkTrainingOptions {
  return networkFinetuneOptions(manifest, {
    seed,
    ...(bench.lr !== undefined ? { lr: bench.lr } : {}),
    ...(bench.maxEpochs ? { maxEpochs: bench.maxEpochs } : {}),
    ...(bench.epochSelection ? { epochSelection: bench.epochSelection } : {}),
  });
}

type Scored = { report: EvaluationReport; scores: Float64Array; thresholds: number[]; test: BagDataset };

/**
 * A whole-network package on one style: zero-shot (the package as it reads, on the test fields)
 * and, per +N, the network fine-tuned on the first N signed fields, at the package's thresholds
 * ('fixed'), tuned on the early-stopping fields, and matched to each label's prevalence among the N.
 */
export async function networkStyle(
  model: ModelPackage,
  pool: readonly DatasetRow[],
  test: readonly DatasetRow[],
  counts: readonly number[],
  bench: NetworkFinetuneBench,
  context: { seed: number; providers?: ProviderName[]; onProgress?: (stage: string, done: number, total: number) => void; log?: (m: string) => void },
): Promise<{ zeroShot: Scored; thresholdsOnly: { n: number; scored: Scored }[]; signed: { n: number; byMode: { fixed: Scored; tuned: Scored; prevalence: Scored }; epochs: number; bestEpoch: number; trainMs: number; lr: number; blend: number }[] }> {
  const base = await loadNetworkPackage(model.dir);
  const labels = model.manifest.labels.map((l) => l.key);
  const largest = counts.length ? Math.max(...counts) : 0;
  const rows = [...pool.slice(0, largest), ...test].map((r) => ({ absolutePath: r.absolutePath, labels: r.labels, id: r.path }));
  const data = await pixelBags(rows, patchOptionsOf(model.manifest), { labels, onProgress: (d, t) => context.onProgress?.('cut patches (network)', d, t) });
  const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
  const testBags = subsetBags(data, range(largest, rows.length));
  const firstTrainableLayer = bench.mode === 'all' ? 0 : lastBlocksStart(base.net.spec, bench.lastBlocks ?? 1);
  const options = benchTrainingOptions(model.manifest, bench, context.seed);
  const blend = bench.blend ?? DEFAULT_NETWORK_BLEND;
  const choice = learningRateChoice(bench.learningRate, bench);
  const K = labels.length;
  const packageThresholds = labels.map((key) => model.manifest.thresholds[key] ?? 0.5);
  const withStepper = async <T>(work: (stepper: NetworkStepper, pooled: (bags: BagDataset) => Promise<Float64Array>) => Promise<T>): Promise<T> => {
    const stepper = await NetworkStepper.open(base.net, base.params, { providers: context.providers, intraOpNumThreads: bench.threads, firstTrainableLayer, warn: () => {} });
    try {
      return await work(stepper, async (bags) => poolBags((await scoreDataset(stepper, bags)).patch, bags, model.manifest.aggregation));
    } finally {
      await stepper.close();
    }
  };
  const at = (scores: Float64Array, thresholds: number[]): Scored => ({ report: evaluate({ truth: testBags.bagLabels, scores, imageCount: bagCount(testBags), labelCount: K }, labels, thresholds), scores, thresholds, test: testBags });
  const zeroShot = at(await withStepper((_, pooled) => pooled(testBags)), packageThresholds);
  // `ana finetune --mode thresholds`: the package's weights, its thresholds matched to the prevalence among all N as it scores them.
  const poolScores = counts.length ? await withStepper((_, pooled) => pooled(subsetBags(data, range(0, largest)))) : new Float64Array(0);
  const thresholdsOnly = counts.map((n) => ({ n, scored: at(zeroShot.scores, thresholdsFor('prevalence', data.bagLabels.subarray(0, n * K), poolScores.subarray(0, n * K), n, K, packageThresholds)) }));
  const signed = [];
  for (const n of counts) {
    const fields = subsetBags(data, range(0, n));
    // The head recipe's early-stopping fields (shift-bench.ts fineTuned): keyed by the file's name.
    const { train, heldOut } = hashSplit(range(0, n), (i) => basename(fields.bagIds[i]!), 0.2, context.seed);
    const stop = heldOut.length > 0 ? subsetBags(fields, heldOut) : null;
    signed.push(
      await withStepper(async (stepper, pooled) => {
        const t0 = performance.now();
        const { trained: result, blended, lr, ratesTried } = await fineTuneNetwork(stepper, base.params, subsetBags(fields, train), stop, { options, choice, blend, pooling: model.manifest.aggregation }, {
          onProgress: (rate, several, p) => context.onProgress?.(`network +${n}${several ? ` lr ${rate}` : ''} epoch ${p.epoch}`, p.batch, p.batchesInEpoch),
        });
        const trainMs = performance.now() - t0;
        const scores = await pooled(testBags);
        const tuned = stop ? thresholdsFor('tuned', stop.bagLabels, await pooled(stop), bagCount(stop), K) : packageThresholds;
        // As `ana finetune --thresholds prevalence`: every field it learnt from (training and early-stopping), the package's thresholds as the prior.
        const prevalence = thresholdsFor('prevalence', fields.bagLabels, await pooled(fields), n, K, packageThresholds);
        context.log?.(`network ${bench.mode} +${n}: ${result.epochs.length} epochs (best ${result.bestEpoch}), ${Math.round(trainMs / 1000)} s, blend ${blended.blend}${blended.tried.length ? ` (early-stop mAP ${blended.tried.map((t) => `${t.blend}: ${t.map.toFixed(3)}`).join(', ')})` : ''}, learning rate ${lr}${ratesTried.length ? ` (early-stop mAP ${ratesTriedWords(ratesTried)})` : ''}`);
        return { n, byMode: { fixed: at(scores, packageThresholds), tuned: at(scores, tuned), prevalence: at(scores, prevalence) }, epochs: result.epochs.length, bestEpoch: result.bestEpoch, trainMs, lr, blend: blended.blend };
      }),
    );
  }
  return { zeroShot, thresholdsOnly, signed };
}
