import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { resolve } from 'node:path';
import { defaultModelDir } from '../../core/paths';
import { defaultEmbeddingCacheDir } from '../../core/cache-dirs';
import { parseProviderPreference } from '../../core/inference/providers';
import { THRESHOLD_CV_FOLDS, trainModelFromCsv } from '../../core/training/heads/train-model';
import type { ConfidenceInit } from '../../core/training/self-paced';
import { epochCapWords, type TrainingMethod } from '../../core/training/trainer';
import { THRESHOLD_MODES, THRESHOLD_WORDS, type ThresholdMode } from '../../core/training/metrics/thresholds';
import { loadModelPackage, type ModelPackage } from '../../core/models/model-package';
import { inheritedOptions, PREVALENCE_THRESHOLDS_FROM_SIGNED_CASES } from '../../core/training/finetune/finetune';
import { UsageError, type Command } from '../command';
import { assumedPixelSizeWarning, blendOption, learningRateOption, pixelSizeOption, pixelSizesWords, TRAINING_RUN_OPTIONS, trainingRunPaths, wholeOption } from '../options';
import { finetuneNetworkOnDataset } from '../../core/training/finetune/finetune-dataset';
import { ratesTriedWords, type RateTried } from '../../core/training/finetune/learning-rate';

const METHODS: TrainingMethod[] = ['spl', 'plain', 'max', 'mean', 'mean-logit'];
const INITS: ConfidenceInit[] = ['iw-sample', 'iw-ones', 'iw-data'];

const OPTIONS = {
  ...TRAINING_RUN_OPTIONS,
  // No default: without --method the base package's recorded recipe is used (below).
  method: { type: 'string' },
  base: { type: 'string' },
  epochs: { type: 'string' },
  patience: { type: 'string' },
  lr: { type: 'string' },
  'lr-alpha': { type: 'string' },
  init: { type: 'string' },
  'no-sampler': { type: 'boolean', default: false },
  'no-pseudo-labels': { type: 'boolean', default: false },
  'no-coefficients': { type: 'boolean', default: false },
  'soft-targets': { type: 'boolean', default: false },
  'coefficient-c': { type: 'string' },
  version: { type: 'string' },
  thresholds: { type: 'string' },
  mode: { type: 'string' },
  blend: { type: 'string' },
  'pixel-size-um': { type: 'string' },
  cache: { type: 'string' },
  provider: { type: 'string' },
  quiet: { type: 'boolean', default: false },
} as const satisfies ParseArgsOptionsConfig;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${v}'`);
  return n;
}

export const trainCommand: Command = {
  name: 'train',
  summary: "Train a model package from a dataset CSV: a new head on the base's extractor, or a whole-network base fine-tuned as ana finetune does",
  usage:
    'ana train --data labels.csv --out DIR [--base MODEL_DIR] [--method spl|plain|max|mean|mean-logit (default: the base\'s recorded recipe, else spl)] [--seed S]\n' +
    '  [--epochs N] [--patience N] [--lr X] [--lr-alpha X] [--init iw-sample|iw-ones|iw-data]\n' +
    '  [--no-sampler] [--no-pseudo-labels] [--no-coefficients] [--soft-targets] [--coefficient-c C]\n' +
    '  [--thresholds fixed|tuned|shrunk|cv|platt|prevalence] [--version V] [--cache DIR] [--provider auto|cpu|cuda|dml|coreml] [--quiet]\n' +
    '  A whole-network base (the shipped model since 0.5.0) is fine-tuned with ana finetune\'s recipe on the CSV\'s rows, one case a row:\n' +
    `  [--mode all|last-blocks|adapt|thresholds (default all; adapt: self-supervised on the train and val rows' fields first; thresholds: the base's weights, thresholds re-fitted on the train and val rows, prevalence by default)] [--blend S|auto (default auto)] [--thresholds (default prevalence from ${PREVALENCE_THRESHOLDS_FROM_SIGNED_CASES} train + val rows, else the base's)]\n` +
    '  [--method spl|plain|mean-logit (default the base\'s)] [--epochs N] [--patience N] [--lr X|auto (default auto)] [--seed S] [--version V] [--provider ...]; base and candidate measured on the test rows\n' +
    "  [--pixel-size-um U (µm per pixel of the fields whose files state none; default the base's assumed size, said when used)]",
  async run(args) {
    const { values } = parseArgs({ args, options: OPTIONS });
    const { dataCsv, outDir } = trainingRunPaths(values);
    if (values.thresholds !== undefined && !THRESHOLD_MODES.includes(values.thresholds as ThresholdMode)) throw new UsageError(`--thresholds must be one of: ${THRESHOLD_MODES.map((m) => `${m} (${THRESHOLD_WORDS(THRESHOLD_CV_FOLDS)[m]})`).join('; ')}`);
    const log = (line: string): void => {
      if (!values.quiet) process.stderr.write(line);
    };
    const base = await loadModelPackage(values.base ? resolve(values.base) : defaultModelDir());
    if (base.manifest.kind === 'network') return fineTuneNetwork(values, base, dataCsv, outDir, log);
    if (values.mode !== undefined || values.blend !== undefined || values.lr === 'auto' || values['pixel-size-um'] !== undefined) throw new UsageError(`--mode, --blend, --lr auto and --pixel-size-um fine-tune a whole network; ${base.manifest.id} ${base.manifest.version} (${base.dir}) is a feature extractor with a head`);
    if (values.method !== undefined && !METHODS.includes(values.method as TrainingMethod)) throw new UsageError(`--method must be one of ${METHODS.join(', ')}`);
    // Without --method, the head is trained as the base package's head was (0.4.0: mean-logit by
    // L-BFGS), as fine-tuning does: the self-paced default over-called every pattern on a held-out
    // lab style (docs/results.md, "The self-paced collapse"). A base that records no recipe: spl.
    const inherited = values.method === undefined ? inheritedOptions(base.manifest.provenance) : {};
    const method = (values.method ?? inherited.method ?? 'spl') as TrainingMethod;
    if (values.init && !INITS.includes(values.init as ConfidenceInit)) throw new UsageError(`--init must be one of ${INITS.join(', ')}`);
    const trainer = {
      ...inherited,
      method,
      seed: num('seed', values.seed)!,
      ...(values.epochs && { maxEpochs: num('epochs', values.epochs)! }),
      ...(values.patience && { patience: num('patience', values.patience)! }),
      ...(values.lr && { lr: num('lr', values.lr)! }),
      ...(values['lr-alpha'] && { lrAlpha: num('lr-alpha', values['lr-alpha'])! }),
      ...(values.init && { init: values.init as ConfidenceInit }),
      ...(values['coefficient-c'] && { coefficientC: num('coefficient-c', values['coefficient-c'])! }),
      sampler: !values['no-sampler'],
      pseudoLabels: !values['no-pseudo-labels'],
      coefficients: !values['no-coefficients'],
      softTargets: values['soft-targets'],
    };
    const result = await trainModelFromCsv({
      dataCsv,
      outDir,
      baseModelDir: base.dir,
      // Never beside the dataset's images (a share, a repository): the per-user cache folder.
      cacheDir: values.cache ? resolve(values.cache) : defaultEmbeddingCacheDir(),
      version: values.version,
      thresholds: (values.thresholds ?? 'fixed') as ThresholdMode,
      trainer,
      providers: parseProviderPreference(values.provider),
      onProgress: (p) => {
        if (p.phase === 'embed' && (p.done % 50 === 0 || p.done === p.total)) log(`\rembeddings ${p.done}/${p.total}${p.done === p.total ? '\n' : ''}`);
      },
      onEpoch: (e) =>
        log(`epoch ${String(e.epoch).padStart(2)}  loss ${e.loss.toFixed(1).padStart(10)}  val ${e.validationScore === null ? '—' : e.validationScore.toFixed(4)}${e.best ? ' *' : ''}${e.meanMultiLabelConfidence === null ? '' : `  α̅ ${e.meanMultiLabelConfidence.toFixed(3)}`}  ${(e.elapsedMs / 1000).toFixed(1)} s\n`),
    });
    const m = result.model.manifest;
    console.log(`Wrote ${m.id} ${m.version} to ${result.model.dir}`);
    console.log(`fields: ${result.counts.train} train, ${result.counts.val} val, ${result.counts.test} test; embeddings ${(result.embedMs / 1000).toFixed(1)} s (${Math.round(result.cachedShare * 100)} % cached); head training ${(result.trainMs / 1000).toFixed(1)} s = ${(result.trainMs / result.counts.train).toFixed(1)} s per 1,000 training fields`);
    if (result.endedAtEpochCap) console.log(epochCapWords(result.endedAtEpochCap, result.training.bestEpoch));
    if (result.test) {
      const t = result.test;
      console.log(`test (${t.n_images} fields): F1 micro ${t.f1_micro.toFixed(3)}  F1 macro ${t.f1_macro.toFixed(3)}  subset acc ${t.subset_accuracy.toFixed(3)}  mAP ${t.map.toFixed(3)}`);
    }
    return 0;
  },
};

/** Options that only shape a head's training (self-paced MIML on cached embeddings). */
const HEAD_ONLY = ['lr-alpha', 'init', 'no-sampler', 'no-pseudo-labels', 'no-coefficients', 'soft-targets', 'coefficient-c', 'cache'] as const;
const NETWORK_METHODS = ['spl', 'plain', 'mean-logit'] as const;
const NETWORK_MODES = ['all', 'last-blocks', 'adapt', 'thresholds'] as const;
const NETWORK_MODE_WORDS: Record<(typeof NETWORK_MODES)[number], string> = { all: 'all layers', 'last-blocks': 'last blocks', adapt: 'all layers, after self-supervised adaptation to the train and val rows', thresholds: 'thresholds re-fitted on the train and val rows, weights unchanged' };

/**
 * A whole-network base: `ana finetune`'s recipe for a whole network (every layer, the blend chosen
 * on the early-stopping rows, prevalence thresholds from 200 rows), on the CSV's rows instead of
 * the record's signed cases (finetune-dataset.ts); base and candidate measured on the test rows.
 */
async function fineTuneNetwork(values: Values, base: ModelPackage, dataCsv: string, outDir: string, log: (line: string) => void): Promise<number> {
  const given = HEAD_ONLY.filter((k) => values[k] !== undefined && values[k] !== false);
  if (given.length) throw new UsageError(`${given.map((k) => `--${k}`).join(', ')} shape a head's training; ${base.manifest.id} ${base.manifest.version} (${base.dir}) is a whole network, fine-tuned as \`ana finetune\` does`);
  if (values.method !== undefined && !(NETWORK_METHODS as readonly string[]).includes(values.method)) throw new UsageError(`--method for a whole network must be one of ${NETWORK_METHODS.join(', ')}, got '${values.method}'`);
  if (values.mode !== undefined && !(NETWORK_MODES as readonly string[]).includes(values.mode)) throw new UsageError(`--mode must be one of ${NETWORK_MODES.join(', ')}, got '${values.mode}'`);
  const trainingOptions = (['epochs', 'lr', 'blend', 'method', 'patience'] as const).filter((k) => values[k] !== undefined);
  if (values.mode === 'thresholds' && trainingOptions.length) throw new UsageError(`--mode thresholds trains nothing: --${trainingOptions.join(', --')} ${trainingOptions.length === 1 ? 'does' : 'do'} not apply`);
  const training = {
    seed: num('seed', values.seed)!,
    ...(values.method && { method: values.method as (typeof NETWORK_METHODS)[number] }),
    ...(values.epochs && { maxEpochs: wholeOption(values.epochs, '--epochs') }),
    ...(values.patience && { patience: wholeOption(values.patience, '--patience') }),
  };
  const rate = learningRateOption(values.lr, '--lr');
  const pixelSizeUm = pixelSizeOption(values['pixel-size-um'], '--pixel-size-um');
  let cancelled = false;
  const onSigint = (): void => {
    log('\ncancelling after the current batch…\n');
    cancelled = true;
  };
  process.once('SIGINT', onSigint);
  try {
    const r = await finetuneNetworkOnDataset({
      dataCsv,
      base,
      outDir,
      version: values.version,
      mode: values.mode as (typeof NETWORK_MODES)[number] | undefined,
      training: { ...training, ...(rate.lr !== undefined && { lr: rate.lr }) },
      ...(rate.learningRate && { learningRate: rate.learningRate }),
      thresholds: values.thresholds as ThresholdMode | undefined,
      blend: values.blend === undefined ? undefined : blendOption(values.blend, '--blend'),
      providers: parseProviderPreference(values.provider),
      pixelSizeUm,
      onPixelSizes: (sizes) => {
        const warning = assumedPixelSizeWarning(sizes, `${base.manifest.id} ${base.manifest.version}`);
        if (warning) console.error(warning);
      },
      isCancelled: () => cancelled,
      onProgress: (p) => {
        if (p.phase === 'patches' && (p.done % 50 === 0 || p.done === p.total)) log(`\rcutting patches of fields ${p.done}/${p.total}${p.done === p.total ? '\n' : ''}`);
        if (p.phase === 'adapt' && (p.done % 50 === 0 || p.done === p.total)) log(`\radapting: ${p.message ?? ''} ${p.done}/${p.total}${p.done === p.total ? '\n' : ''}`);
      },
      onEpoch: (e) => log(`epoch ${String(e.epoch).padStart(2)}  loss ${e.loss.toFixed(4).padStart(8)}  val ${e.validationScore === null ? '—' : e.validationScore.toFixed(4)}${e.best ? ' *' : ''}  ${(e.elapsedMs / 1000).toFixed(1)} s\n`),
    });
    const c = r.candidate;
    const m = c.model.manifest;
    const rateChoice = m.provenance['learningRateChoice'] as { tried: RateTried[] } | undefined;
    const trainingWords = r.mode === 'thresholds'
      ? `scoring them for the thresholds ${(c.trainMs / 1000).toFixed(1)} s (no training)`
      : `training ${(c.trainMs / 1000).toFixed(1)} s (${c.epochs} epochs, best ${c.bestEpoch || 'the base weights'}); learning rate ${(m.provenance['training'] as { lr: number }).lr}${rateChoice ? ` (early-stopping mAP ${ratesTriedWords(rateChoice.tried)})` : ''}; blend ${m.provenance['blend']}`;
    console.log(`Wrote ${m.id} ${m.version} to ${c.model.dir} (${base.manifest.id} ${base.manifest.version} fine-tuned, ${NETWORK_MODE_WORDS[r.mode as (typeof NETWORK_MODES)[number]]})`);
    console.log(`fields: ${r.rows.train} train, ${r.rows.val} early-stopping, ${r.rows.test} test (pixel size: ${pixelSizesWords(r.pixelSizes)}); patches ${(c.prepareMs / 1000).toFixed(1)} s, ${trainingWords}; thresholds ${r.thresholds === 'active' ? "the base's" : r.thresholds}`);
    if (c.endedAtEpochCap) console.log(epochCapWords(c.endedAtEpochCap, c.bestEpoch));
    if (r.rows.test > 0) {
      const before = c.activeScored.report;
      const after = c.candidateScored.report;
      // A test split without some pattern (a set of six of the eight): also the figure over those it holds.
      const present = after.map_skipped.length
        ? ` (over the ${Object.keys(after.per_class).length - after.map_skipped.length} patterns the test fields hold ${before.f1_macro_present.toFixed(3)} → ${after.f1_macro_present.toFixed(3)})`
        : '';
      console.log(`test (${after.n_images} fields): macro-F1 ${before.f1_macro.toFixed(3)} → ${after.f1_macro.toFixed(3)}${present}, mAP ${before.map.toFixed(3)} → ${after.map.toFixed(3)} (${base.manifest.version} → ${m.version})`);
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
