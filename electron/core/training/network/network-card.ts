/** MODEL_CARD.md of a whole-network package: network, data, training, test figures, limits. */
import type { EvaluationReport } from '../metrics/metrics';
import type { NetworkSpec } from './network';
import type { NetworkEpochInfo, NetworkTrainingOptions } from './network-trainer';

export interface NetworkCardInput {
  id: string;
  version: string;
  parentVersion: string | null;
  spec: NetworkSpec;
  parameters: number;
  csv: string;
  counts: { trainFields: number; trainPatches: number; valFields: number; testFields: number };
  patchSizeUm: number;
  options: NetworkTrainingOptions;
  firstTrainableLayer: number;
  epochs: NetworkEpochInfo[];
  bestEpoch: number;
  provider: string;
  test: EvaluationReport;
  thresholds: Record<string, number>;
}

const f = (v: number | null): string => (v === null ? '—' : v.toFixed(3));

function describeLayers(spec: NetworkSpec): string {
  return spec.layers
    .map((l) => {
      if (l.kind === 'conv2d') return `conv ${l.kernel}×${l.kernel}/${l.stride ?? 1} → ${l.outChannels}`;
      if (l.kind === 'groupnorm') return `GroupNorm(${l.groups})`;
      if (l.kind === 'linear') return `linear → ${l.outFeatures}`;
      return l.kind === 'globalavgpool' ? 'global average pool' : l.kind;
    })
    .join(', ');
}

export function networkCard(c: NetworkCardInput): string {
  const t = c.test;
  const o = c.options;
  const first = c.epochs[0];
  const best = c.epochs.find((e) => e.epoch === c.bestEpoch);
  return [
    `# Model card: ${c.id} ${c.version}`,
    '',
    `A convolutional network trained end to end (all ${c.parameters.toLocaleString('en')} parameters${c.firstTrainableLayer > 0 ? `; layers below ${c.firstTrainableLayer} frozen` : ''}) with the self-paced MIML method`,
    `(Jiang et al., IEEE TMI 2025) on ONNX Runtime (${c.provider}), by the workstation's own reverse-mode differentiation.`,
    c.parentVersion ? `Fine-tuned from version ${c.parentVersion}.` : 'Trained from random initialisation.',
    '',
    '## Network',
    `Input ${c.spec.inputShape.join('×')} (one ${c.patchSizeUm} µm patch, resampled); ${describeLayers(c.spec)}; sigmoid per label; image score = max over the field's patches.`,
    '',
    '## Training data and method',
    `- Generated (synthetic) HEp-2 fields from the project generator: \`${c.csv}\``,
    `- ${c.counts.trainFields} training fields (${c.counts.trainPatches} patches), ${c.counts.valFields} validation fields (early stopping, thresholds), ${c.counts.testFields} test fields (held out)`,
    `- method ${o.method}; ${JSON.stringify({ init: o.init, sampler: o.sampler, pseudoLabels: o.pseudoLabels, coefficients: o.coefficients, lr: o.lr, lrAlpha: o.lrAlpha, batchSize: o.batchSize, seed: o.seed, augment: o.augment !== null })}`,
    `- epochs run ${c.epochs.length}, best ${c.bestEpoch}; validation image loss ${f(first?.validationLoss ?? null)} after epoch 1, ${f(best?.validationLoss ?? null)} at the best epoch`,
    '',
    `## Metrics on the held-out test split (${t.n_images} fields; per-label thresholds chosen on validation)`,
    '',
    '| F1 micro | F1 macro | subset accuracy | mAP | Hamming loss | one-error | ranking loss | coverage | example AP |',
    '|---|---|---|---|---|---|---|---|---|',
    `| ${[t.f1_micro, t.f1_macro, t.subset_accuracy, t.map, t.hamming_loss, t.one_error, t.ranking_loss, t.coverage, t.average_precision].map(f).join(' | ')} |`,
    '',
    '| class | precision | recall | F1 | AP | support |',
    '|---|---|---|---|---|---|',
    ...Object.entries(t.per_class).map(([k, v]) => `| ${k} | ${f(v.precision)} | ${f(v.recall)} | ${f(v.f1)} | ${f(v.ap)} | ${v.support} |`),
    '',
    `Thresholds: ${Object.entries(c.thresholds).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    `Reproduce: \`ana eval --data ${c.csv} --split test --model <this package>\`.`,
    '',
    '## Limits',
    '- Trained on synthetic fields, not on patient images; not clinically validated.',
    '- Fields without any pattern are never drawn by the self-paced sampler: negatives were left out of training.',
    '- Every suggestion must be confirmed by a trained reader.',
    '',
  ].join('\n');
}
