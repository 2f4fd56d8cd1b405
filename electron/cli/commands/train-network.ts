import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseProviderPreference } from '../../core/inference/providers';
import { DEFAULT_AUGMENT, STYLE_AUGMENT } from '../../core/training/network/augment';
import { runWholeNetworkTraining } from '../../core/training/network/train-network';
import { UsageError, type Command } from '../command';
import { encoderStagesOption, epochSelectionOption, TRAINING_RUN_OPTIONS, trainingRunPaths, wholeOption } from '../options';

export const trainNetworkCommand: Command = {
  name: 'train-network',
  summary: 'Train a whole CNN on ONNX Runtime (self-paced MIML) from a dataset CSV; resumes from its checkpoint',
  usage:
    'ana train-network --data labels.csv --out DIR [--method spl|plain|mean-logit] [--seed S] [--epochs N] [--patience N]\n' +
    '  [--lr X] [--lr-alpha X] [--batch N] [--input-px P] [--patch-um U] [--pixel-size-um U]\n' +
    '  [--widths 16,32,64,64]  channels of each stride-2 stage; WIDTHxDEPTH (e.g. 128x2) adds stride-1 convolutions to a stage\n' +
    '  [--no-augment | --augment default|style] [--input-norm global|patch] [--aggregation max|mean|mean-logit]\n' +
    '  [--select-epoch overall|as-read|map-as-read]  keep the epoch with the best overall score at 0.5 (default), the best macro-F1 as the package reads (--aggregation, thresholds tuned on validation), or the best mAP as it reads\n' +
    '  [--max-fields N] [--version V] [--provider auto|cpu|cuda|dml|coreml] [--threads N]  threads on the CPU (default: every core; the weights do not depend on it)\n' +
    '  [--init-from PACKAGE_DIR [--train-from-layer K]]  fine-tune a whole-network package (all layers, or layers K.. only)\n' +
    '  Ctrl-C stops after the current batch; the same command later resumes from DIR/training.checkpoint.json.',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        ...TRAINING_RUN_OPTIONS,
        epochs: { type: 'string', default: '20' },
        patience: { type: 'string', default: '4' },
        lr: { type: 'string', default: '0.001' },
        'lr-alpha': { type: 'string', default: '0.001' },
        batch: { type: 'string', default: '32' },
        'input-px': { type: 'string', default: '96' },
        'patch-um': { type: 'string', default: '100' },
        'pixel-size-um': { type: 'string', default: '0.5' },
        widths: { type: 'string', default: '16,32,64,64' },
        'no-augment': { type: 'boolean', default: false },
        augment: { type: 'string', default: 'default' },
        'input-norm': { type: 'string', default: 'global' },
        aggregation: { type: 'string', default: 'max' },
        'select-epoch': { type: 'string', default: 'overall' },
        'max-fields': { type: 'string' },
        version: { type: 'string', default: '0.1.0-whole-network' },
        provider: { type: 'string' },
        threads: { type: 'string' },
        'init-from': { type: 'string' },
        'train-from-layer': { type: 'string' },
      },
    });
    const { dataCsv, outDir } = trainingRunPaths(values);
    const method = values.method;
    if (method !== 'spl' && method !== 'plain' && method !== 'mean-logit') throw new UsageError(`--method must be spl, plain or mean-logit, got '${method}'`);
    if (values.augment !== 'default' && values.augment !== 'style') throw new UsageError(`--augment must be default or style, got '${values.augment}'`);
    if (values['input-norm'] !== 'global' && values['input-norm'] !== 'patch') throw new UsageError(`--input-norm must be global or patch, got '${values['input-norm']}'`);
    const aggregation = values.aggregation;
    if (aggregation !== 'max' && aggregation !== 'mean' && aggregation !== 'mean-logit') throw new UsageError(`--aggregation must be max, mean or mean-logit, got '${aggregation}'`);
    // mean-logit trains on the pooled field score, so the package must read with the same pooling.
    if (method === 'mean-logit' && aggregation !== 'mean-logit') throw new UsageError(`--method mean-logit trains on the fields' mean patch logit: give --aggregation mean-logit too (got ${aggregation})`);
    const epochSelection = epochSelectionOption(values['select-epoch'], '--select-epoch');
    const num = (name: string, v: string): number => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got '${v}'`);
      return n;
    };
    const controller = new AbortController();
    const onSignal = () => {
      process.stderr.write('\nstopping after this batch…\n');
      controller.abort();
    };
    process.once('SIGINT', onSignal);
    try {
      const result = await runWholeNetworkTraining({
        csvPath: dataCsv,
        outDir,
        version: values.version,
        training: {
          method,
          seed: num('seed', values.seed),
          maxEpochs: num('epochs', values.epochs),
          patience: num('patience', values.patience),
          lr: num('lr', values.lr),
          lrAlpha: num('lr-alpha', values['lr-alpha']),
          batchSize: num('batch', values.batch),
          epochSelection,
          readPooling: aggregation,
        },
        augment: !values['no-augment'],
        augmentation: values.augment === 'style' ? STYLE_AUGMENT : DEFAULT_AUGMENT,
        inputNorm: values['input-norm'],
        aggregation,
        inputPx: num('input-px', values['input-px']),
        patchSizeUm: num('patch-um', values['patch-um']),
        defaultPixelSizeUm: num('pixel-size-um', values['pixel-size-um']),
        ...encoderStagesOption(values.widths, '--widths'),
        providers: values.provider ? parseProviderPreference(values.provider) : undefined,
        threads: values.threads === undefined ? undefined : wholeOption(values.threads, '--threads'),
        initFrom: values['init-from'] ? resolve(values['init-from']) : undefined,
        firstTrainableLayer: values['train-from-layer'] ? Number.parseInt(values['train-from-layer'], 10) : undefined,
        maxFieldsPerSplit: values['max-fields'] ? num('max-fields', values['max-fields']) : undefined,
        signal: controller.signal,
        log: (m) => process.stderr.write(`${m}\n`),
        onProgress: (p) => process.stderr.isTTY && process.stderr.write(`\repoch ${p.epoch} batch ${p.batch}/${p.batchesInEpoch} loss ${p.loss.toFixed(4)} ${p.patchesPerSecond.toFixed(0)} patches/s`),
      });
      const t = result.test;
      const f = result.figures;
      console.log(`Package: ${result.packageDir} (provider ${result.provider}, best epoch ${result.bestEpoch} of ${result.epochs.length}${result.resumedFromEpoch ? `, resumed after epoch ${result.resumedFromEpoch}` : ''})`);
      console.log(`Test (${t.n_images} images) at 0.5: F1 micro ${t.f1_micro.toFixed(3)}, F1 macro ${t.f1_macro.toFixed(3)}, subset acc ${t.subset_accuracy.toFixed(3)}, mAP ${t.map.toFixed(3)}`);
      const v = result.testAtValThresholds;
      console.log(`Test at validation thresholds [${result.thresholds.join(', ')}]: F1 micro ${v.f1_micro.toFixed(3)}, F1 macro ${v.f1_macro.toFixed(3)}, subset acc ${v.subset_accuracy.toFixed(3)}, mAP ${v.map.toFixed(3)}`);
      console.log(`Training: ${f.trainFields} fields / ${f.trainPatches} patches, ${f.patchesPerSecond.toFixed(0)} patches/s, ${f.meanEpochTrainSeconds.toFixed(1)} s per epoch, peak RSS ${f.peakRssMb.toFixed(0)} MB, patch cutting ${f.prepareSeconds.toFixed(1)} s`);
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
    }
  },
};
