/**
 * Measures whole-network training speed on this machine: the training-step graph alone at a few
 * batch sizes, then one full self-paced epoch (sampler, augmentation, step, α update) over a data
 * set the size of `fields` fields × `patchesPerField` patches. Pixel values are random: speed
 * does not depend on them. Also the forward pass alone (scoring, 1 and 32 patches per call). Usage:
 *   npx tsx electron/cli/bench/network-bench.ts [--input-px 96] [--fields 1000] [--patches-per-field 20] [--provider cpu]
 *     [--widths 16,32,64,64 (WIDTHxDEPTH for a deeper stage: 128x2)] [--input-norm global|patch] [--augment default|style]
 *     [--threads 1,2 (each is measured in turn, in this run; default: the trainer's, every core)]
 */
import { parseArgs } from 'node:util';
import { LABEL_KEYS } from '../../contract/labels';
import { parseProviderPreference } from '../../core/inference/providers';
import { Random } from '../../core/random';
import type { BagDataset } from '../../core/training/dataset';
import { DEFAULT_AUGMENT, STYLE_AUGMENT, type AugmentOptions } from '../../core/training/network/augment';
import { createNetwork, initParams } from '../../core/training/network/network';
import { NetworkStepper } from '../../core/training/network/network-stepper';
import { trainNetwork } from '../../core/training/network/network-trainer';
import { defaultEncoderSpec, type InputNormalisation } from '../../core/training/network/train-network';
import { encoderStagesOption, wholeOption } from '../options';

export interface BenchmarkResult {
  provider: string;
  threads: number;
  inputPx: number;
  parameters: number;
  steps: { batch: number; msPerStep: number; patchesPerSecond: number }[];
  /** Forward pass only (the training runtime's scoring graph), per patch. */
  scoring: { batch: number; msPerPatch: number }[];
  epoch: { fields: number; patches: number; seconds: number; patchesPerSecond: number };
  peakRssMb: number;
}

export async function benchmark(o: { inputPx: number; fields: number; patchesPerField: number; providers?: ReturnType<typeof parseProviderPreference>; widths?: number[]; depths?: number[]; inputNorm?: InputNormalisation; augment?: AugmentOptions; threads?: number }): Promise<BenchmarkResult> {
  let peak = process.memoryUsage().rss;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  const K = LABEL_KEYS.length;
  const net = createNetwork(defaultEncoderSpec(o.inputPx, K, o.widths, o.inputNorm, o.depths));
  const stepper = await NetworkStepper.open(net, initParams(net, 1), { providers: o.providers, intraOpNumThreads: o.threads });
  const rng = new Random(1);
  const length = o.inputPx * o.inputPx;
  const steps: BenchmarkResult['steps'] = [];
  for (const batch of [8, 32, 64]) {
    const x = Float32Array.from({ length: batch * length }, () => rng.normal(0, 1));
    const t = Float32Array.from({ length: batch * K }, () => (rng.next() < 0.2 ? 1 : 0));
    const w = new Float32Array(batch * K).fill(1);
    await stepper.trainBatch(x, batch, t, w, 1e-3);
    const repeats = Math.max(3, Math.round(512 / batch));
    const t0 = performance.now();
    for (let i = 0; i < repeats; i++) await stepper.trainBatch(x, batch, t, w, 1e-3);
    const ms = (performance.now() - t0) / repeats;
    sample();
    steps.push({ batch, msPerStep: ms, patchesPerSecond: (batch * 1000) / ms });
  }
  const scoring: BenchmarkResult['scoring'] = [];
  for (const batch of [1, 32]) {
    const x = Float32Array.from({ length: batch * length }, () => rng.normal(0, 1));
    await stepper.score(x, batch);
    const repeats = Math.max(5, Math.round(256 / batch));
    const t0 = performance.now();
    for (let i = 0; i < repeats; i++) await stepper.score(x, batch);
    scoring.push({ batch, msPerPatch: (performance.now() - t0) / repeats / batch });
  }
  const N = o.fields * o.patchesPerField;
  const inputs = new Float32Array(N * length);
  for (let i = 0; i < inputs.length; i++) inputs[i] = rng.normal(0, 1);
  const bagLabels = new Uint8Array(o.fields * K);
  for (let b = 0; b < o.fields; b++) {
    bagLabels[b * K + rng.int(0, K - 1)] = 1;
    if (rng.next() < 0.5) bagLabels[b * K + rng.int(0, K - 1)] = 1;
  }
  const data: BagDataset = { labels: [...LABEL_KEYS], bagLabels, bagOffsets: Int32Array.from({ length: o.fields + 1 }, (_, i) => i * o.patchesPerField), inputs, inputLength: length, bagIds: [] };
  sample();
  const t0 = performance.now();
  const result = await trainNetwork(stepper, data, null, { maxEpochs: 1, augment: o.augment ?? DEFAULT_AUGMENT, batchSize: 32 }, { onProgress: sample });
  const seconds = (performance.now() - t0) / 1000;
  await stepper.close();
  return {
    provider: stepper.provider,
    threads: stepper.threads,
    inputPx: o.inputPx,
    parameters: net.params.reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0),
    steps,
    scoring,
    epoch: { fields: o.fields, patches: N, seconds, patchesPerSecond: result.epochs[0]!.patchesPerSecond },
    peakRssMb: peak / 2 ** 20,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { 'input-px': { type: 'string', default: '96' }, fields: { type: 'string', default: '1000' }, 'patches-per-field': { type: 'string', default: '20' }, provider: { type: 'string' }, widths: { type: 'string', default: '16,32,64,64' }, 'input-norm': { type: 'string', default: 'global' }, augment: { type: 'string', default: 'default' }, threads: { type: 'string' } } });
  const threadCounts = values.threads === undefined ? [undefined] : values.threads.split(',').map((t) => wholeOption(t, '--threads'));
  for (const threads of threadCounts) {
    const result = await benchmark({
      threads,
      inputPx: Number(values['input-px']),
      fields: Number(values.fields),
      patchesPerField: Number(values['patches-per-field']),
      providers: values.provider ? parseProviderPreference(values.provider) : undefined,
      ...encoderStagesOption(values.widths, '--widths'),
      inputNorm: values['input-norm'] === 'patch' ? 'patch' : 'global',
      augment: values.augment === 'style' ? STYLE_AUGMENT : DEFAULT_AUGMENT,
    });
    console.log(JSON.stringify(result, null, 2));
  }
}
