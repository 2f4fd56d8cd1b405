/**
 * The model card written into every trained package (MODEL_CARD.md): data, method, figures,
 * limits. One card for both model kinds: a head on frozen embeddings (`kind: 'extractor-head'`) and a whole
 * network (`kind: 'network'`); they share the metrics tables and the limits.
 */
import type { ModelPackage } from '../../models/model-package';
import type { EvaluationReport } from './metrics';
import { epochCapWords, type EpochInfo, type TrainerOptions, type TrainingResult } from '../trainer';

export type ModelCardInput = ({ kind: 'extractor-head' } & HeadCardInput) | ({ kind: 'network' } & NetworkCardInput);

export interface HeadCardInput {
  base: ModelPackage;
  version: string;
  trainer: TrainerOptions;
  counts: { train: number; val: number; test: number };
  training: TrainingResult;
  /** The epoch cap training ended at while early stopping would have gone on (trainer.ts, `endedAtEpochCap`). */
  endedAtEpochCap?: number;
  test: EvaluationReport | null;
  csv: string;
  trainMs: number;
  /** Where the training data came from, in words (default: generated fields). */
  dataDescription?: string;
  thresholds: Record<string, number>;
}

/** The network as the card describes it (network/network.ts's NetworkSpec fits; metrics never import the network wing). */
interface CardNetwork {
  inputShape: readonly number[];
  layers: readonly { kind: string; kernel?: number; stride?: number; outChannels?: number; groups?: number; outFeatures?: number }[];
}

export interface NetworkCardInput {
  id: string;
  version: string;
  parentVersion: string | null;
  spec: CardNetwork;
  parameters: number;
  csv: string;
  counts: { trainFields: number; trainPatches: number; valFields: number; testFields: number };
  patchSizeUm: number;
  options: Omit<TrainerOptions, 'method' | 'bagsPerBatch' | 'softTargets' | 'streamPerEpoch' | 'solver'> & { method: keyof typeof NETWORK_METHOD_NAMES; augment: unknown };
  firstTrainableLayer: number;
  epochs: EpochInfo[];
  bestEpoch: number;
  provider: string;
  /** How the package pools a field's patches. */
  aggregation: string;
  test: EvaluationReport;
  thresholds: Record<string, number>;
}

const f = (v: number | null): string => (v === null ? '—' : v.toFixed(3));

export function modelCard(c: ModelCardInput): string {
  return c.kind === 'extractor-head' ? headCard(c) : networkCard(c);
}

/** The test-split tables (summary and per class), the thresholds and how to reproduce them. */
function metricsTables(t: EvaluationReport, thresholds: Record<string, number>, reproduce: string): string[] {
  return [
    '| F1 micro | F1 macro | subset accuracy | mAP | Hamming loss | one-error | ranking loss | coverage | example AP |',
    '|---|---|---|---|---|---|---|---|---|',
    `| ${[t.f1_micro, t.f1_macro, t.subset_accuracy, t.map, t.hamming_loss, t.one_error, t.ranking_loss, t.coverage, t.average_precision].map(f).join(' | ')} |`,
    '',
    '| class | precision | recall | F1 | AP | support |',
    '|---|---|---|---|---|---|',
    ...Object.entries(t.per_class).map(([k, v]) => `| ${k} | ${f(v.precision)} | ${f(v.recall)} | ${f(v.f1)} | ${f(v.ap)} | ${v.support} |`),
    '',
    `Thresholds: ${Object.entries(thresholds).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    `Reproduce: ${reproduce}.`,
    '',
  ];
}

/** What each training method is, in a model card's words. */
export const TRAINING_METHOD_NAMES: Record<TrainerOptions['method'], string> = {
  spl: 'self-paced MIML (Jiang et al., IEEE TMI 2025)',
  plain: 'plain patch classifier on inherited labels',
  max: 'max-pooling MIL head',
  mean: 'mean-pooling MIL head',
  'mean-logit': 'mean-logit MIL head (the mean of patch log-odds: logistic regression on the mean patch embedding)',
};

function headCard(c: HeadCardInput): string {
  const m = c.base.manifest;
  const methodName = TRAINING_METHOD_NAMES[c.trainer.method];
  const off = c.trainer.method === 'spl' ? (['sampler', 'pseudoLabels', 'coefficients'] as const).filter((k) => !c.trainer[k]) : [];
  const components = off.length ? ` (components switched off: ${off.join(', ')}; the α-weighted loss stays)` : '';
  const lines = [
    `# Model card: ${m.id} ${c.version}`,
    '',
    `Classifier head trained with ${methodName}${components} on frozen patch embeddings of the extractor ` +
      `${m.kind === 'extractor-head' && m.extractor ? `${m.extractor.id} ${m.extractor.version}` : '(model file)'}, from base package ${m.id} ${m.version}.`,
    '',
    '## Training data',
    `- ${c.dataDescription ?? 'Generated (synthetic) HEp-2 fields from the project generator'}: \`${c.csv}\``,
    `- fields: ${c.counts.train} train, ${c.counts.val} validation (early stopping), ${c.counts.test} test (held out)`,
    `- method options: ${JSON.stringify({ init: c.trainer.init, sampler: c.trainer.sampler, pseudoLabels: c.trainer.pseudoLabels, coefficients: c.trainer.coefficients, softTargets: c.trainer.softTargets, coefficientC: c.trainer.coefficientC, lr: c.trainer.lr, lrAlpha: c.trainer.lrAlpha, batchSize: c.trainer.batchSize, bagsPerBatch: c.trainer.bagsPerBatch, patience: c.trainer.patience, maxEpochs: c.trainer.maxEpochs, solver: c.trainer.solver, seed: c.trainer.seed })}`,
    c.training.lbfgs
      ? `- fitted by L-BFGS per label to convergence (loss summed over images + |w|²/2C); C tried ${c.training.lbfgs.tried.map((t) => `${t.c} (validation ${t.validationScore.toFixed(3)})`).join(', ')}; kept C = ${c.training.lbfgs.c ?? 'the starting head'}; head training time ${(c.trainMs / 1000).toFixed(1)} s`
      : `- epochs run ${c.training.epochs.length}, best epoch ${c.training.bestEpoch}; head training time ${(c.trainMs / 1000).toFixed(1)} s`,
    ...(c.endedAtEpochCap ? [`- ${epochCapWords(c.endedAtEpochCap, c.training.bestEpoch)}.`] : []),
    '',
  ];
  if (c.test) {
    const t = c.test;
    lines.push(
      `## Metrics on the held-out test split (${t.n_images} fields, ${c.training.pooling} over patches, thresholds: ${[...new Set(Object.values(c.thresholds))].length === 1 ? Object.values(c.thresholds)[0] : 'per label, chosen on the validation images'})`,
      '',
      ...metricsTables(t, c.thresholds, `\`ana eval --data <the data set above>/labels.csv --split test --model <this package>\` (on this machine: \`${c.csv}\`)`),
    );
  }
  lines.push(
    '## Limits',
    '- Trained on synthetic fields from the project generator, not on patient images. It is not clinically validated.',
    '- It is meant to be fine-tuned on the laboratory\'s own signed cases (`ana finetune`), released only through the validation gate.',
    '- Every suggestion must be confirmed by a trained reader.',
    '',
  );
  return lines.join('\n');
}

function describeLayers(spec: CardNetwork): string {
  return spec.layers
    .map((l) => {
      if (l.kind === 'conv2d') return `conv ${l.kernel}×${l.kernel}/${l.stride ?? 1} → ${l.outChannels}`;
      if (l.kind === 'groupnorm') return `GroupNorm(${l.groups})`;
      if (l.kind === 'linear') return `linear → ${l.outFeatures}`;
      return l.kind === 'globalavgpool' ? 'global average pool' : l.kind;
    })
    .join(', ');
}

/** How the kept epoch was chosen, in the card's words (TrainerOptions.epochSelection). */
const EPOCH_SELECTION_NAMES = {
  overall: 'by the validation overall score at thresholds 0.5',
  'as-read': 'by validation macro-F1 as the package reads it, thresholds tuned on validation',
  'map-as-read': 'by validation mAP as the package reads it',
} as const;

/** How a whole network learnt, as a model card says it. */
export const NETWORK_METHOD_NAMES: Record<'spl' | 'plain' | 'mean-logit', string> = {
  spl: 'with the self-paced MIML method (Jiang et al., IEEE TMI 2025)',
  plain: "as a patch classifier on its field's labels (method plain)",
  'mean-logit': "on whole fields, the loss on each field's mean patch logit (method mean-logit)",
};

function networkCard(c: NetworkCardInput): string {
  const t = c.test;
  const o = c.options;
  const first = c.epochs[0];
  const best = c.epochs.find((e) => e.epoch === c.bestEpoch);
  const selfPaced = o.method === 'spl';
  return [
    `# Model card: ${c.id} ${c.version}`,
    '',
    `A convolutional network trained end to end (all ${c.parameters.toLocaleString('en')} parameters${c.firstTrainableLayer > 0 ? `; layers below ${c.firstTrainableLayer} frozen` : ''}) ${NETWORK_METHOD_NAMES[o.method]}`,
    `on ONNX Runtime (${c.provider}), by the workstation's own reverse-mode differentiation.`,
    c.parentVersion ? `Fine-tuned from version ${c.parentVersion}.` : 'Trained from random initialisation.',
    '',
    '## Network',
    `Input ${c.spec.inputShape.join('×')} (one ${c.patchSizeUm} µm patch, resampled); ${describeLayers(c.spec)}; sigmoid per label; image score = ${c.aggregation} over the field's patches.`,
    '',
    '## Training data and method',
    `- Generated (synthetic) HEp-2 fields from the project generator: \`${c.csv}\``,
    `- ${c.counts.trainFields} training fields (${c.counts.trainPatches} patches), ${c.counts.valFields} validation fields (early stopping, thresholds), ${c.counts.testFields} test fields (held out)`,
    `- method ${o.method}; ${JSON.stringify(selfPaced ? { init: o.init, sampler: o.sampler, pseudoLabels: o.pseudoLabels, coefficients: o.coefficients, lr: o.lr, lrAlpha: o.lrAlpha, batchSize: o.batchSize, seed: o.seed, augment: o.augment !== null } : { lr: o.lr, batchSize: o.batchSize, seed: o.seed, augment: o.augment !== null })}`,
    `- epochs run ${c.epochs.length}, best ${c.bestEpoch} (${EPOCH_SELECTION_NAMES[o.epochSelection]}); validation image loss ${f(first?.validationLoss ?? null)} after epoch 1, ${f(best?.validationLoss ?? null)} at the best epoch`,
    '',
    `## Metrics on the held-out test split (${t.n_images} fields; per-label thresholds chosen on validation)`,
    '',
    ...metricsTables(t, c.thresholds, `\`ana eval --data ${c.csv} --split test --model <this package>\``),
    '## Limits',
    '- Trained on synthetic fields, not on patient images; not clinically validated.',
    ...(selfPaced && o.sampler ? ['- Fields without any pattern are never drawn by the self-paced sampler: negatives were left out of training.'] : []),
    '- Every suggestion must be confirmed by a trained reader.',
    '',
  ].join('\n');
}
