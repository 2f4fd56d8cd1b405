import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { defaultModelDir } from '../../core/paths';
import { defaultEmbeddingCacheDir } from '../../core/cache-dirs';
import { parseProviderPreference } from '../../core/inference/providers';
import { THRESHOLD_CV_FOLDS, trainModelFromCsv } from '../../core/training/heads/train-model';
import type { ConfidenceInit } from '../../core/training/self-paced';
import type { TrainingMethod } from '../../core/training/trainer';
import { THRESHOLD_MODES, THRESHOLD_WORDS, type ThresholdMode } from '../../core/training/metrics/thresholds';
import { loadModelPackage } from '../../core/models/model-package';
import { inheritedOptions } from '../../core/training/finetune/finetune';
import { UsageError, type Command } from '../command';
import { TRAINING_RUN_OPTIONS, trainingRunPaths } from '../options';

const METHODS: TrainingMethod[] = ['spl', 'plain', 'max', 'mean', 'mean-logit'];
const INITS: ConfidenceInit[] = ['iw-sample', 'iw-ones', 'iw-data'];

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train a model package (new head on the base extractor) from a dataset CSV',
  usage:
    'ana train --data labels.csv --out DIR [--base MODEL_DIR] [--method spl|plain|max|mean|mean-logit (default: the base\'s recorded recipe, else spl)] [--seed S]\n' +
    '  [--epochs N] [--patience N] [--lr X] [--lr-alpha X] [--init iw-sample|iw-ones|iw-data]\n' +
    '  [--no-sampler] [--no-pseudo-labels] [--no-coefficients] [--soft-targets] [--coefficient-c C]\n' +
    '  [--thresholds fixed|tuned|shrunk|cv|platt|prevalence] [--version V] [--cache DIR] [--provider auto|cpu|cuda|dml|coreml] [--quiet]',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
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
        thresholds: { type: 'string', default: 'fixed' },
        cache: { type: 'string' },
        provider: { type: 'string' },
        quiet: { type: 'boolean', default: false },
      },
    });
    const { dataCsv, outDir } = trainingRunPaths(values);
    if (values.method !== undefined && !METHODS.includes(values.method as TrainingMethod)) throw new UsageError(`--method must be one of ${METHODS.join(', ')}`);
    const baseModelDir = values.base ? resolve(values.base) : defaultModelDir();
    // Without --method, the head is trained as the base package's head was (0.4.0: mean-logit by
    // L-BFGS), as fine-tuning does: the self-paced default over-called every pattern on a held-out
    // lab style (docs/results.md, "The self-paced collapse"). A base that records no recipe: spl.
    const inherited = values.method === undefined ? inheritedOptions((await loadModelPackage(baseModelDir)).manifest.provenance) : {};
    const method = (values.method ?? inherited.method ?? 'spl') as TrainingMethod;
    if (!THRESHOLD_MODES.includes(values.thresholds as ThresholdMode)) throw new UsageError(`--thresholds must be one of: ${THRESHOLD_MODES.map((m) => `${m} (${THRESHOLD_WORDS(THRESHOLD_CV_FOLDS)[m]})`).join('; ')}`);
    if (values.init && !INITS.includes(values.init as ConfidenceInit)) throw new UsageError(`--init must be one of ${INITS.join(', ')}`);
    const num = (name: string, v: string | undefined): number | undefined => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${v}'`);
      return n;
    };
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
    const log = (line: string): void => {
      if (!values.quiet) process.stderr.write(line);
    };
    const result = await trainModelFromCsv({
      dataCsv,
      outDir,
      baseModelDir,
      // Never beside the dataset's images (a share, a repository): the per-user cache folder.
      cacheDir: values.cache ? resolve(values.cache) : defaultEmbeddingCacheDir(),
      version: values.version,
      thresholds: values.thresholds as ThresholdMode,
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
    if (result.test) {
      const t = result.test;
      console.log(`test (${t.n_images} fields): F1 micro ${t.f1_micro.toFixed(3)}  F1 macro ${t.f1_macro.toFixed(3)}  subset acc ${t.subset_accuracy.toFixed(3)}  mAP ${t.map.toFixed(3)}`);
    }
    return 0;
  },
};
