/**
 * The whole-network modes of local fine-tuning: the active version is a whole-network package;
 * its network is trained further on the signed cases' pixels with the same self-paced loop
 * (warm-started, early-stopped on the seeded early-stopping cases, keeping the active weights
 * when no epoch beats them), either all layers or only the last convolution blocks and the head.
 * Candidate and active are then both run through the reading engine on the same frozen
 * validation cases, each with its own aggregation and thresholds, for the validation gate.
 * What it chooses on the lab's cases lives beside it: the blend (blend.ts), the learning rate
 * (learning-rate.ts) and the patterns too rare to train (rare-labels.ts).
 */
import { FinetuneMode } from '../../../contract';
import { DomainError } from '../../errors';
import { createEngine, defaultTrainingThreads } from '../../inference/engine';
import type { ProviderName } from '../../inference/providers';
import { patchOptionsOf } from '../../models/manifest';
import { loadModelPackage, type ModelPackage } from '../../models/model-package';
import { bagCount, patchCount, type BagDataset } from '../dataset';
import { scoredReport, type ScoredReport } from '../metrics/metrics';
import type { Pooling } from '../../inference/aggregate';
import { NETWORK_METHOD_NAMES } from '../metrics/model-card';
import { EPOCH_SCORE_NAMES, endedAtEpochCap, epochCapWords, poolBags, type EpochInfo, type TrainingProgress } from '../trainer';
import { THRESHOLD_CV_FOLDS, type Progress } from '../heads/train-model';
import { DEFAULT_AUGMENT } from '../network/augment';
import { lastBlocksStart, loadNetworkPackage, writeNetworkPackage } from '../network/network-package';
import type { Network, ParamSet } from '../network/network';
import { adaptNetworkToFields, type AdaptedNetwork, type NetworkAdaptation } from '../adapt/adapt-network';
import { NetworkStepper } from '../network/network-stepper';
import { defaultNetworkTrainingOptions, scoreDataset, trainNetwork, type NetworkTrainingOptions, type NetworkTrainingResult } from '../network/network-trainer';
import { pixelBags, type FieldRow } from '../network/patch-dataset';
import { OUT_OF_FOLD_MODES, TRAINING_CASE_MODES, THRESHOLD_WORDS, thresholdsFor, type ThresholdMode } from '../metrics/thresholds';
import type { TrainingCase } from './signed-cases';
import { FIT_AND_VALIDATION, fileGone, joinLeftOut, leaveOutSlides, mergeIntoCases, type Candidate } from './candidate';
import { startRateWorker, type RateHow, type RateJob, type RateRun } from './rate-worker';
import { applyBlend, checkedBlend, stopCasesMap, type Blend } from './blend';
import { bestRate, learningRateChoice, ratesToTry, ratesTriedWords, type LearningRateChoice, type RateTried } from './learning-rate';
import { casesToTrain, ENOUGH_CASES_TO_TRAIN, labelsTooRareToTrain, MIN_CASES_TO_TRAIN, MIN_SHARE_TO_TRAIN, untrainedCalls, type UntrainedCalls } from './rare-labels';

export { FinetuneMode };
export const FINETUNE_MODES: readonly FinetuneMode[] = FinetuneMode.options;

export interface NetworkCandidateInput {
  active: ModelPackage;
  /** 'adapt': self-supervised adaptation to `unlabelled` first (../adapt/adapt-network.ts), then all layers. */
  mode: Exclude<FinetuneMode, 'head'>;
  /** Convolution blocks trained in 'last-blocks' mode (with everything after them). Default 1. */
  lastBlocks?: number;
  groups: { fit: TrainingCase[]; stop: TrainingCase[]; validation: TrainingCase[] };
  /** Mode 'adapt': the lab's read fields, without labels, and how many of them and how long to learn from. */
  unlabelled?: { fields: readonly FieldRow[]; adaptation: NetworkAdaptation; from: string };
  training?: Partial<NetworkTrainingOptions>;
  thresholds?: ThresholdMode;
  /** The candidate's weights: (1 − blend)·active + blend·fine-tuned (WiSE-FT), thresholds chosen on the blend; 'auto': the share chosen on the early-stopping cases (`applyBlend`). Default 1: as trained. */
  blend?: Blend;
  /** 'auto': also train at `FAST_FINETUNE_LR` where the rate in use is below it, and keep whichever candidate the early-stopping cases rank better (`bestRate`); 'given': the rate in `training.lr`, else the recorded one, alone. Default: `learningRateChoice`. */
  learningRate?: LearningRateChoice;
  outDir: string;
  version: string;
  provenance: Record<string, unknown>;
  providers?: ProviderName[];
  /** ONNX Runtime threads per training step (default: every core). */
  threads?: number;
  /** With two rates and two threads or more, train them at once, the second in a worker thread (default true; false: one after the other, the baseline of the speed figure). */
  ratesAtOnce?: boolean;
  /** An epoch's patch budget per training case (`FINETUNE_PATCHES_PER_CASE`, its default); null: every patch every epoch. */
  patchesPerCase?: number | null;
  /** The cases came from this labelled dataset CSV (`ana train --base`), not the record's signed cases: said so on the model card. */
  datasetCsv?: string;
  onProgress?: (p: Progress) => void;
  onEpoch?: (info: EpochInfo) => void;
  isCancelled?: () => boolean;
}

const INHERITED = ['method', 'lr', 'lrAlpha', 'init', 'sampler', 'pseudoLabels', 'coefficients', 'coefficientC', 'batchSize', 'patience'] as const;

/**
 * Fine-tuning stops after this many epochs without a better score on the early-stopping cases,
 * or sooner if the package recorded a smaller patience. A package trained on a fixed schedule
 * records one that never stops (0.7.0: 100), and fine-tuning ran all its epochs for it: 30 on
 * 300 routine cases, the best the 5th (docs/results.md, *Stopping fine-tuning early*).
 */
export const FINETUNE_PATIENCE = 10;

/**
 * Fine-tuning's patch budget per case, for large fields: each epoch learns from at most this many
 * patches per training case on average, a fresh seeded draw over all the cases' patches every
 * epoch. A 1024×768 field of the routine style holds 24 to 35 patches of 100 µm (at 0.5 to 0.65
 * µm per pixel), so fields of the size every fine-tuning figure was measured at train on every
 * patch, as before; a larger camera's fields (2048×1536 hold four times as many) learn in an
 * epoch what those do. What chooses (the epoch, the blend, the rate, the thresholds) still reads
 * every patch of the early-stopping cases, as the package reads a field: a few dozen cases
 * decide, and reading part of each field adds noise to their decisions
 * (docs/lab-adaptation.md, *Large fields*).
 */
export const FINETUNE_PATCHES_PER_CASE = 36;

/** `perCase` if it is null (every patch) or a whole number above 0; else a 'bad-request' error. */
export function checkedPatchesPerCase(perCase: number | null): number | null {
  if (perCase !== null && !(Number.isInteger(perCase) && perCase > 0)) throw new DomainError('bad-request', `patches per case must be a whole number above 0, got ${perCase}`);
  return perCase;
}

/** The patches an epoch of fine-tuning draws from `fit`: `perCase` × its cases when it holds more; null (every patch) otherwise, or when `perCase` is null. */
export function finetunePatchesPerEpoch(fit: BagDataset, perCase: number | null = FINETUNE_PATCHES_PER_CASE): number | null {
  if (checkedPatchesPerCase(perCase) === null) return null;
  const budget = perCase! * bagCount(fit);
  return patchCount(fit) > budget ? budget : null;
}

/**
 * The loop options of network fine-tuning: those the package was trained with (patience at most
 * `FINETUNE_PATIENCE`), the light augmentation (`DEFAULT_AUGMENT`: with the shipped model's
 * style augmentation the far package's candidates ranked the lab's fields worse in every pair,
 * docs/results.md, rule 24), the package's weights kept unless an epoch beats them,
 * the epoch kept by the early-stopping mAP as the package reads (as the blend and the rate are
 * chosen; docs/results.md, rule 17); then `overrides`.
 */
export function networkFinetuneOptions(manifest: ModelPackage['manifest'], overrides: Partial<NetworkTrainingOptions> = {}): NetworkTrainingOptions {
  const recorded = (manifest.provenance['training'] ?? {}) as Partial<NetworkTrainingOptions>;
  const inherited = Object.fromEntries(INHERITED.filter((k) => recorded[k] !== undefined).map((k) => [k, recorded[k]]));
  const options = { ...defaultNetworkTrainingOptions, ...inherited, augment: DEFAULT_AUGMENT, keepInitialIfBest: true, epochSelection: 'map-as-read' as const, readPooling: manifest.aggregation };
  return { ...options, patience: Math.min(options.patience, FINETUNE_PATIENCE), ...overrides };
}

/**
 * `thresholds`, unless it needs out-of-fold scores ('cv', 'platt'): that is several more trainings
 * of a whole network, offered for heads only. Mode 'thresholds' needs a rule that moves them.
 */
export function checkedNetworkThresholds(mode: FinetuneMode, thresholds: ThresholdMode | undefined): ThresholdMode | undefined {
  if (mode === 'thresholds' && (!thresholds || thresholds === 'fixed' || OUT_OF_FOLD_MODES.includes(thresholds))) {
    throw new DomainError('bad-request', `fine-tuning mode 'thresholds' re-fits the active version's thresholds on the signed cases as it scores them, with no training: use thresholds 'prevalence' (its default), 'tuned' or 'shrunk', not '${thresholds ?? "the active version's"}'`);
  }
  if (thresholds && OUT_OF_FOLD_MODES.includes(thresholds)) {
    throw new DomainError('bad-request', `thresholds '${thresholds}' need ${THRESHOLD_CV_FOLDS} more trainings of the candidate (cross-validation): offered for the head modes, not for whole-network mode '${mode}'; use 'prevalence', 'tuned' or 'shrunk'`);
  }
  return thresholds;
}

export async function trainNetworkCandidate(input: NetworkCandidateInput): Promise<Candidate> {
  const { active } = input;
  // runFinetune refuses other kinds before it records a run (finetune.ts).
  const base = await loadNetworkPackage(active.dir);
  const manifest = active.manifest;
  const blend = checkedBlend(input.blend ?? 1);
  const t0 = performance.now();
  const bags = await caseBags(input);
  const prepareMs = performance.now() - t0;
  if (patchCount(bags.fit) === 0) throw new DomainError('bad-request', 'the training cases have no patches to learn from');
  if (input.mode === 'thresholds') return thresholdsCandidate(input, base, bags, prepareMs);
  const adapted = input.mode === 'adapt' ? await adaptedStart(input, base) : null;
  // Training and blending start from the adapted weights: the active version's head on features that moved.
  const start = adapted?.params ?? base.params;

  const firstTrainableLayer = input.mode === 'last-blocks' ? lastBlocksStart(base.net.spec, input.lastBlocks ?? 1) : 0;
  const options = networkFinetuneOptions(manifest, input.training);
  const stop = bagCount(bags.stop) > 0 ? bags.stop : null;
  const choice = learningRateChoice(input.learningRate, input.training);
  // Two rates on two cores or more train at once, each on half of them: the second in a worker thread.
  const threads = input.threads ?? defaultTrainingThreads();
  const atOnce = (input.ratesAtOnce ?? true) && ratesToTry(options.lr, choice, stop ? bagCount(stop) : 0).length > 1 && threads >= 2;
  const ownThreads = atOnce ? Math.floor(threads / 2) : threads;
  const stepper = await NetworkStepper.open(base.net, start, { providers: input.providers, intraOpNumThreads: ownThreads, firstTrainableLayer, warn: () => {} });
  const t1 = performance.now();
  let tuned: TunedNetwork;
  let thresholdValues: number[];
  let calls: UntrainedCalls[] = [];
  try {
    const alongside = atOnce ? { threads: threads - ownThreads, providers: input.providers, firstTrainableLayer } : undefined;
    tuned = await fineTuneNetwork(stepper, start, bags.fit, stop, { options, choice, blend, pooling: manifest.aggregation, patchesPerCase: input.patchesPerCase, alongside }, {
      isCancelled: input.isCancelled,
      onEpoch: input.onEpoch,
      onProgress: (rate, several, p) => input.onProgress?.({ phase: 'train', done: p.batch, total: p.batchesInEpoch, message: `epoch ${p.epoch}${several ? ` at learning rate ${rate}` : ''}` }),
    });
    // 'prevalence' counts calls on every case the candidate learnt from; the others choose on the early-stopping cases it did not.
    const mode = input.thresholds;
    thresholdValues = await candidateThresholds(stepper, mode && TRAINING_CASE_MODES.includes(mode) ? [bags.fit, bags.stop] : [bags.stop], mode, manifest);
    if (tuned.untrained.length) {
      const kept = bags.fit.labels.map((key) => manifest.thresholds[key] ?? 0.5);
      calls = untrainedCalls(bags.fit, (await scoreDataset(stepper, bags.fit, 256, manifest.aggregation)).image, tuned.untrained, kept);
    }
  } finally {
    await stepper.close();
  }
  const { lr, trained: result, blended, ratesTried, patchesPerEpoch, atOnce: trainedAtOnce, untrained } = tuned;
  const trainMs = performance.now() - t1;

  input.onProgress?.({ phase: 'write', done: 0, total: 1 });
  // A label left out of the loss keeps the active version's threshold too: a few cases cannot place one
  // (prevalence matching on 3 puts it at the top of the negatives; docs/results.md, *Patterns the lab's cases never show*).
  const thresholds = Object.fromEntries(bags.fit.labels.map((key, k) => [key, untrained.includes(key) ? (manifest.thresholds[key] ?? 0.5) : thresholdValues[k]!]));
  // Without early-stopping cases every epoch counts as the best: no sign of still improving.
  const cappedAt = bags.counts.stop && endedAtEpochCap(result, options) ? options.maxEpochs : undefined;
  const trainedLayers = input.mode === 'adapt' ? `all layers, after self-supervised adaptation to ${adapted!.provenance.sampled} of the lab's read fields (${adapted!.provenance.patches} patches, no labels, ${adapted!.provenance.pretraining.epochs} epochs)` : input.mode === 'all' ? 'all layers' : `layers ${firstTrainableLayer}–${base.net.layers.length - 1} (the last ${input.lastBlocks ?? 1} convolution block(s) and the head)`;
  const card = [
    `# Model card: ${manifest.id} ${input.version}`,
    '',
    `Fine-tuned locally from ${manifest.id} ${manifest.version} on ${input.datasetCsv ? `the labelled fields of ${input.datasetCsv} (one case per row)` : "the laboratory's own signed cases (final labels of the latest signed decision)"}, ${trainedLayers}, trained ${NETWORK_METHOD_NAMES[options.method]}, on ONNX Runtime.`,
    '',
    `- Cases: ${bags.counts.fit} training, ${bags.counts.stop} early-stopping, ${bags.counts.validation} ${input.datasetCsv ? 'test' : 'frozen validation'} (never trained on).`,
    `- Epochs: ${result.epochs.length}, best ${result.bestEpoch || 'the starting weights'}${bags.counts.stop ? ` (early-stopping ${EPOCH_SCORE_NAMES[options.epochSelection]})` : ''}${patchesPerEpoch === null ? '' : `; each learnt from ${patchesPerEpoch} of the training cases' ${patchCount(bags.fit)} patches, drawn afresh`}.`,
    ...(cappedAt ? [`- ${epochCapWords(cappedAt, result.bestEpoch)}.`] : []),
    ...(untrained.length ? [`- Not trained on ${untrained.join(', ')}: fewer than ${casesToTrain(bagCount(bags.fit))} of the ${bagCount(bags.fit)} training cases hold ${untrained.length === 1 ? 'it' : 'each'} (training a pattern takes ${MIN_CASES_TO_TRAIN} of them and ${MIN_SHARE_TO_TRAIN * 100} % at least, or ${ENOUGH_CASES_TO_TRAIN}), so ${untrained.length === 1 ? 'its output' : 'their outputs'} learnt nothing from the loss and ${untrained.length === 1 ? 'keeps' : 'keep'} ${manifest.version}'s ${untrained.length === 1 ? 'threshold' : 'thresholds'} (the shared layers did learn)${bags.counts.stop ? `; the early-stopping cases chose the epoch${blended.tried.length ? ', the share' : ''}${ratesTried.length ? ', the rate' : ''} on the trained patterns alone` : ''}.`] : []),
    ...(calls.length ? [`- ${untrainedCallsWords(calls, bagCount(bags.fit))}.`] : []),
    ...(blended.blend === 1 ? [] : [`- Weights: ${blended.blend} × the fine-tuned weights + ${+(1 - blended.blend).toFixed(6)} × those of ${adapted ? `the adapted ${manifest.version}` : manifest.version} (weight-space ensembling).`]),
    ...(blended.tried.length ? [`- Share chosen on the early-stopping cases (mAP, as read): ${blended.tried.map((t) => `${t.blend} → ${t.map.toFixed(3)}`).join(', ')}.`] : []),
    ...(ratesTried.length ? [`- Learning rate ${lr}, chosen on the early-stopping cases (mAP of each rate's candidate, as read): ${ratesTriedWords(ratesTried)}.`] : []),
    `- Thresholds: ${input.thresholds && input.thresholds !== 'fixed' ? THRESHOLD_WORDS(THRESHOLD_CV_FOLDS)[input.thresholds].replace('validation images', 'early-stopping cases') : `those of ${manifest.version}`}.`,
    input.datasetCsv
      ? '- Written by `ana train` on a labelled dataset, outside any record: no validation gate has judged it.'
      : '- Released only if the validation gate passes against the active version on the frozen validation cases; see the model registry for its verdict.',
    '- Not clinically validated; trained on one laboratory’s cases, for that laboratory.',
    '',
  ].join('\n');
  const dir = await writeNetworkPackage(manifest, input.outDir, {
    spec: base.net.spec,
    params: result.params,
    version: input.version,
    displayName: `${manifest.displayName} (fine-tuned, ${input.mode})`,
    thresholds,
    provenance: { ...input.provenance, recipe: 'ana finetune', mode: input.mode, ...(adapted ? { adaptation: { ...adapted.provenance, from: input.unlabelled!.from } } : {}), firstTrainableLayer, training: { ...options, lr, patchesPerEpoch, augment: options.augment ? 'default' : null, untrainedLabels: untrained, ...(calls.length ? { untrainedCalls: { cases: bagCount(bags.fit), calls } } : {}) }, ...(ratesTried.length ? { learningRateChoice: { asked: 'auto', tried: ratesTried, atOnce: trainedAtOnce } } : {}), blend: blended.blend, ...(blend === 'auto' ? { blendChoice: { asked: 'auto', tried: blended.tried } } : {}), epochs: result.epochs.length, bestEpoch: result.bestEpoch, trainedFrom: `${manifest.id}@${manifest.version}` },
    metrics: {},
    card,
  });
  const model = await loadModelPackage(dir);
  input.onProgress?.({ phase: 'evaluate', done: 0, total: 2 });
  const activeScored = await scoreNetworkPackageOn(active, bags.validation, input.providers);
  const candidateScored = await scoreNetworkPackageOn(model, bags.validation, input.providers);
  input.onProgress?.({ phase: 'evaluate', done: 2, total: 2 });
  return { model, activeScored, candidateScored, counts: bags.counts, ...(adapted ? { adaptMs: adapted.ms } : {}), prepareMs, trainMs, epochs: result.epochs.length, bestEpoch: result.bestEpoch, ...(cappedAt ? { endedAtEpochCap: cappedAt } : {}) };
}

/** What each rule mode 'thresholds' accepts does, on the model card. */
const REFIT_WORDS = {
  prevalence: 'the score above which the network calls the label on as many of those cases as were signed with it',
  tuned: 'the best F1 on those cases',
  shrunk: "the best F1 on those cases, shrunk towards 0.5 by the label's positives",
} as const;

/**
 * Mode 'thresholds': the active version's weights as they are, its thresholds re-fitted on every
 * training and early-stopping case as it scores them ('prevalence' by default): no epoch, so every
 * one of those cases is unseen evidence, and it takes the time of reading them. A package that
 * ranks a lab's fields well but calls them at the wrong scores (patterns in part of the cells,
 * another microscope's contrast) gets most of what fine-tuning would give, in seconds
 * (docs/results.md, *Mixed sera in separate cells*). The gate judges it as any candidate.
 */
async function thresholdsCandidate(input: NetworkCandidateInput, base: { net: Network; params: ParamSet }, bags: Awaited<ReturnType<typeof caseBags>>, prepareMs: number): Promise<Candidate> {
  const manifest = input.active.manifest;
  const mode = checkedNetworkThresholds('thresholds', input.thresholds)!;
  const t1 = performance.now();
  const stepper = await NetworkStepper.open(base.net, base.params, { providers: input.providers, intraOpNumThreads: input.threads, warn: () => {} });
  let values: number[];
  try {
    values = await candidateThresholds(stepper, [bags.fit, bags.stop], mode, manifest);
  } finally {
    await stepper.close();
  }
  const fitMs = performance.now() - t1;
  input.onProgress?.({ phase: 'write', done: 0, total: 1 });
  const thresholds = Object.fromEntries(bags.fit.labels.map((key, k) => [key, values[k]!]));
  const cases = bags.counts.fit + bags.counts.stop;
  const card = [
    `# Model card: ${manifest.id} ${input.version}`,
    '',
    `${manifest.id} ${manifest.version}'s network, unchanged, with its thresholds re-fitted on ${input.datasetCsv ? `the labelled fields of ${input.datasetCsv} (one case per row)` : "the laboratory's own signed cases (final labels of the latest signed decision)"}: no training.`,
    '',
    `- Cases: ${cases} scored for the thresholds (training and early-stopping), ${bags.counts.validation} ${input.datasetCsv ? 'test' : 'frozen validation'} (never used).`,
    `- Thresholds: per label, ${REFIT_WORDS[mode as keyof typeof REFIT_WORDS]}.`,
    `- Changed from ${manifest.version}: ${bags.fit.labels.filter((key) => thresholds[key] !== (manifest.thresholds[key] ?? 0.5)).map((key) => `${key} ${(manifest.thresholds[key] ?? 0.5).toFixed(3)} → ${thresholds[key]!.toFixed(3)}`).join(', ') || 'none'}.`,
    input.datasetCsv
      ? '- Written by `ana train` on a labelled dataset, outside any record: no validation gate has judged it.'
      : '- Released only if the validation gate passes against the active version on the frozen validation cases; see the model registry for its verdict.',
    '- Not clinically validated; calibrated on one laboratory’s cases, for that laboratory.',
    '',
  ].join('\n');
  const dir = await writeNetworkPackage(manifest, input.outDir, {
    spec: base.net.spec,
    params: base.params,
    version: input.version,
    displayName: `${manifest.displayName} (thresholds re-fitted)`,
    thresholds,
    provenance: { ...input.provenance, recipe: 'ana finetune', mode: 'thresholds', thresholds: { rule: mode, cases }, epochs: 0, bestEpoch: 0, trainedFrom: `${manifest.id}@${manifest.version}` },
    metrics: {},
    card,
  });
  const model = await loadModelPackage(dir);
  input.onProgress?.({ phase: 'evaluate', done: 0, total: 2 });
  const activeScored = await scoreNetworkPackageOn(input.active, bags.validation, input.providers);
  const candidateScored = await scoreNetworkPackageOn(model, bags.validation, input.providers);
  input.onProgress?.({ phase: 'evaluate', done: 2, total: 2 });
  return { model, activeScored, candidateScored, counts: bags.counts, prepareMs, trainMs: fitMs, epochs: 0, bestEpoch: 0 };
}

/** The card's line on how often the candidate calls the patterns it was not trained on, against the signed cases. */
function untrainedCallsWords(calls: readonly UntrainedCalls[], cases: number): string {
  const each = calls.map((c, i) => `${c.key} on ${c.called} (signed${i === 0 ? ' with it' : ''}: ${c.signed})`);
  return `Of its ${cases} training cases it calls ${each.join(', ')}, at the ${calls.length === 1 ? 'threshold' : 'thresholds'} kept: nothing fitted ${calls.length === 1 ? 'it' : 'them'} to this lab's fields, and calls beyond the signed cases are at least as many false calls, calls short of them at least as many misses`;
}

/** Mode 'adapt': the network below its head pre-trained on the lab's read fields, without labels. */
async function adaptedStart(input: NetworkCandidateInput, base: { net: Network; params: ParamSet }): Promise<AdaptedNetwork> {
  if (!input.unlabelled) throw new DomainError('bad-request', "fine-tuning mode 'adapt' needs the lab's read fields to adapt to");
  return adaptNetworkToFields(input.active, base, input.unlabelled.fields, input.unlabelled.adaptation, { providers: input.providers, threads: input.threads, onProgress: input.onProgress, isCancelled: input.isCancelled });
}

/** What `fineTuneNetwork` leaves loaded in the stepper: the kept rate's training, its blend, and each rate's early-stopping mAP when two were tried. */
export interface TunedNetwork {
  lr: number;
  /** The patches each epoch drew (`finetunePatchesPerEpoch`); null: every patch. */
  patchesPerEpoch: number | null;
  trained: NetworkTrainingResult;
  blended: Awaited<ReturnType<typeof applyBlend>>;
  /** Empty when one rate was trained. */
  ratesTried: RateTried[];
  /** The two rates trained at the same time, the second in a worker thread (`RateWorkerSettings`). */
  atOnce: boolean;
  /** Labels left out of the loss (`labelsTooRareToTrain`). */
  untrained: string[];
}

/**
 * Fine-tuning's training step, shared by `ana finetune` and the shift benchmark so that the
 * benchmark measures what the lab runs: from the weights loaded in `stepper` (the active
 * version's, `base`), one training per rate `ratesToTry` gives (`choice`), each early-stopped on
 * `stop` and blended back towards `base`; with two rates the early-stopping cases keep one
 * (`bestRate`), and with `alongside` on the CPU the two train at once, the second in a worker
 * thread (`trainTwoRatesAtOnce`). Each epoch of the patch methods draws at most `patchesPerCase` patches per case
 * of `fit` (`finetunePatchesPerEpoch`, in place of `options.patchesPerEpoch`). The kept candidate's
 * weights are left loaded.
 */
export async function fineTuneNetwork(
  stepper: NetworkStepper,
  base: ParamSet,
  fit: BagDataset,
  stop: BagDataset | null,
  how: { options: NetworkTrainingOptions; choice: LearningRateChoice; blend: Blend; pooling: Pooling; patchesPerCase?: number | null; alongside?: RateWorkerSettings },
  hooks: FineTuneHooks = {},
): Promise<TunedNetwork> {
  const rates = ratesToTry(how.options.lr, how.choice, stop ? bagCount(stop) : 0);
  // mean-logit steps on whole images (every patch of each): the budget is the patch methods'.
  const patchesPerEpoch = how.options.method === 'mean-logit' ? null : finetunePatchesPerEpoch(fit, how.patchesPerCase);
  const untrainedLabels = how.options.method === 'mean-logit' ? [] : labelsTooRareToTrain(fit);
  const options = { ...how.options, untrainedLabels };
  const rateHow = (rate: number): RateHow => ({ options, blend: how.blend, pooling: how.pooling, rate, patchesPerEpoch, severalRates: rates.length > 1 });
  let runs: RateRun[];
  const atOnce = rates.length === 2 && how.alongside !== undefined && stepper.provider === 'cpu';
  if (atOnce) {
    runs = await trainTwoRatesAtOnce(stepper, base, fit, stop, [rateHow(rates[0]!), rateHow(rates[1]!)], how.alongside!, hooks);
  } else {
    const initial = stepper.snapshot();
    runs = [];
    for (const rate of rates) {
      stepper.restore(initial);
      runs.push(await trainAtRate(stepper, base, fit, stop, rateHow(rate), hooks));
    }
  }
  const chosen = runs.find((r) => r.lr === bestRate(runs))!;
  stepper.restore({ ...stepper.snapshot(), params: chosen.trained.params });
  return { lr: chosen.lr, patchesPerEpoch, untrained: untrainedLabels.map((k) => fit.labels[k]!), trained: chosen.trained, blended: chosen.blended, ratesTried: runs.length > 1 ? runs.map((r) => ({ lr: r.lr, map: r.map })) : [], atOnce };
}

/** How `fineTuneNetwork`'s second rate trains in a worker thread beside the first: its threads, providers and first trainable layer. */
export type RateWorkerSettings = Pick<RateJob, 'threads' | 'providers' | 'firstTrainableLayer'>;

export interface FineTuneHooks {
  isCancelled?: () => boolean;
  onEpoch?: (info: EpochInfo) => void;
  onProgress?: (rate: number, severalRates: boolean, p: TrainingProgress) => void;
}

/**
 * The first rate in `stepper`, the second in a worker thread (rate-worker.ts), at the same time
 * and from the same weights; the same candidates as one after the other (the weights do not depend
 * on the threads). The second rate's epochs are reported once the first's training is done, so
 * each learning curve is one training. A failure or cancel on either side stops the other.
 */
async function trainTwoRatesAtOnce(stepper: NetworkStepper, base: ParamSet, fit: BagDataset, stop: BagDataset | null, [first, second]: [RateHow, RateHow], alongside: RateWorkerSettings, hooks: FineTuneHooks): Promise<RateRun[]> {
  const held: EpochInfo[] = [];
  let firstDone = false;
  let workerFailed = false;
  // The worker reports every batch: each report is when the caller's cancel is passed on.
  const worker = startRateWorker({ spec: stepper.net.spec, start: stepper.snapshot().params, base, fit, stop, how: second, ...alongside }, {
    onProgress: (p) => {
      if (hooks.isCancelled?.()) worker.cancel();
      hooks.onProgress?.(second.rate, true, p);
    },
    onEpoch: (info) => (firstDone ? hooks.onEpoch?.(info) : held.push(info)),
  });
  const theirs = worker.result.catch((error: unknown) => {
    workerFailed = true;
    throw error;
  });
  const mine = trainAtRate(stepper, base, fit, stop, first, { ...hooks, isCancelled: () => workerFailed || (hooks.isCancelled?.() ?? false) })
    .catch((error: unknown) => {
      worker.cancel();
      throw error;
    })
    .finally(() => {
      firstDone = true;
      for (const info of held.splice(0)) hooks.onEpoch?.(info);
    });
  const [a, b] = await Promise.allSettled([mine, theirs]);
  if (workerFailed && b.status === 'rejected') throw b.reason;
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return [a.value, b.value];
}

/** Trains the weights loaded in `stepper` at one rate, early-stopped on `stop`, blends them back towards `base` and leaves the candidate loaded. */
export async function trainAtRate(stepper: NetworkStepper, base: ParamSet, fit: BagDataset, stop: BagDataset | null, how: RateHow, hooks: FineTuneHooks = {}): Promise<RateRun> {
  const { rate } = how;
  const trained = await trainNetwork(stepper, fit, stop, { ...how.options, lr: rate, patchesPerEpoch: how.patchesPerEpoch }, {
    isCancelled: hooks.isCancelled,
    onEpoch: hooks.onEpoch,
    onProgress: (p) => hooks.onProgress?.(rate, how.severalRates, p),
  });
  const untrained = how.options.untrainedLabels;
  const blended = await applyBlend(stepper, base, trained.params, how.blend, stop, how.pooling, untrained);
  // 'auto' blending already read the loaded share on the early-stopping cases.
  const map = !how.severalRates ? NaN : (blended.tried.find((t) => t.blend === blended.blend)?.map ?? (await stopCasesMap(stepper, stop!, how.pooling, untrained)));
  // The blended weights are the candidate's: kept as its params.
  return { lr: rate, map, trained: { ...trained, params: stepper.snapshot().params }, blended };
}

/**
 * The candidate's thresholds: the active version's (the candidate refines it; 'fixed' or none),
 * or chosen by `mode` on the `evidence` cases' scores from the weights loaded in `stepper`, pooled
 * as the package reads (labels without positives or negatives at the active version's).
 */
async function candidateThresholds(stepper: NetworkStepper, evidence: readonly BagDataset[], mode: ThresholdMode | undefined, manifest: ModelPackage['manifest']): Promise<number[]> {
  const active = evidence[0]!.labels.map((key) => manifest.thresholds[key] ?? 0.5);
  if (!mode || mode === 'fixed') return active;
  const K = active.length;
  const imageCount = evidence.reduce((n, data) => n + bagCount(data), 0);
  if (imageCount === 0) return active;
  const scores = new Float64Array(imageCount * K);
  const truth = new Float64Array(imageCount * K);
  let at = 0;
  for (const data of evidence) {
    scores.set((await scoreDataset(stepper, data, 256, manifest.aggregation)).image, at);
    truth.set(data.bagLabels, at);
    at += bagCount(data) * K;
  }
  return thresholdsFor(mode, truth, scores, imageCount, K, active);
}

/** A package's image-level report (and the scores behind it) on pixel bags through the reading engine: its own graph, aggregation and thresholds. */
export async function scoreNetworkPackageOn(pkg: ModelPackage, data: BagDataset, providers?: ProviderName[]): Promise<ScoredReport> {
  const K = data.labels.length;
  const N = patchCount(data);
  const probs = new Float64Array(N * K);
  const engine = await createEngine(pkg, { providers, warn: () => {} });
  try {
    for (let start = 0; start < N; start += 64) {
      const count = Math.min(64, N - start);
      const { probabilities } = await engine.run(data.inputs.slice(start * data.inputLength, (start + count) * data.inputLength), count);
      probs.set(probabilities, start * K);
    }
  } finally {
    await engine.close();
  }
  const thresholds = data.labels.map((key) => pkg.manifest.thresholds[key] ?? 0.5);
  return scoredReport({ truth: data.bagLabels, scores: poolBags(probs, data, pkg.manifest.aggregation), imageCount: bagCount(data), labelCount: K }, data.labels, thresholds);
}

/**
 * One bag per case (all its slides' patches), cut and normalised as the active package reads.
 * Group by group, so that cutting holds one group's patches twice (pieces and the whole), not
 * every case's: on large fields the pixels are most of the memory a run takes.
 */
async function caseBags(input: NetworkCandidateInput): Promise<{ fit: BagDataset; stop: BagDataset; validation: BagDataset; counts: Candidate['counts'] }> {
  const m = input.active.manifest;
  const prep = patchOptionsOf(m);
  const labels = m.labels.map((l) => l.key);
  // Files gone are left out before any decoding, so that a folder out of reach fails at once.
  const found = leaveOutSlides([input.groups.fit, input.groups.stop, input.groups.validation], fileGone, FIT_AND_VALIDATION);
  let leftOut = found.leftOut;
  const controller = new AbortController();
  const total = found.kept.flat().reduce((n, c) => n + c.slides.length, 0);
  let before = 0;
  const groups: BagDataset[] = [];
  for (const [g, group] of found.kept.entries()) {
    const rows = group.flatMap((c) => c.slides.map((s) => ({ absolutePath: s.path, labels: c.labels, pixelSizeUm: s.pixelSizeUm, id: c.accessionId })));
    const unreadable = new Map<string, string>();
    const data = await pixelBags(rows, prep, {
      labels,
      // The training and early-stopping cases' patches are shared with a second rate's worker, not copied.
      shared: g < 2,
      signal: controller.signal,
      onProgress: (done) => {
        if (input.isCancelled?.()) controller.abort();
        input.onProgress?.({ phase: 'patches', done: before + done, total });
      },
      onUnreadable: (row, reason) => unreadable.set(row.absolutePath, reason),
    });
    const decoded = leaveOutSlides([group], (path) => unreadable.get(path) ?? null, FIT_AND_VALIDATION.includes(g) ? [0] : []);
    leftOut = joinLeftOut(leftOut, decoded.leftOut);
    groups.push(mergeIntoCases(data, decoded.kept)[0]!);
    before += rows.length;
  }
  const [fit, stop, validation] = groups;
  return { fit: fit!, stop: stop!, validation: validation!, counts: { fit: bagCount(fit!), stop: bagCount(stop!), validation: bagCount(validation!), leftOut } };
}
