/**
 * Self-supervised adaptation before fine-tuning (core/training/adapt/pretrain-network.ts): a
 * whole-network package is first trained contrastively (SimCLR) on the patches of a held-out
 * style's fields without their labels, the +N signed fields and U other fields of the style
 * (what a lab has read), then fine-tuned on the +N signed fields as `ana finetune` does
 * (fineTuneNetwork: early stop on a fifth, blend towards the start chosen on it), and read on the
 * style's test fields at prevalence thresholds (`ana finetune`'s from 200 signed cases) and at the
 * package's. `--epochs 0` is fine-tuning alone, measured in the same run.
 *   bash tools/run npx tsx test/bench/contrastive-bench.ts MODEL_DIR WORK UNLABELLED OUT [--styles a,b] [--epochs 0,4] [--signed 300] [--unlabelled 300] [--lr 0.0001] [--temperature 0.2] [--patches-per-epoch P] [--augment style|default] [--ft-lr 0.0003|auto] [--threads 1] [--seed 1]
 * WORK and UNLABELLED as self-training-bench.ts's (STYLE-s1-1024x768-n400-p300, STYLE-u300).
 * OUT gets contrastive-STYLE.json.
 */
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { mkdir, writeFile } from 'node:fs/promises';
import { patchOptionsOf } from '../../electron/core/models/manifest';
import { loadModelPackage } from '../../electron/core/models/model-package';
import { readDatasetCsv } from '../../electron/core/synth/dataset-csv';
import { bagCount, concatBags, patchCount, subsetBags } from '../../electron/core/training/dataset';
import { DEFAULT_PRETRAINING, pretrainNetwork } from '../../electron/core/training/adapt/pretrain-network';
import { fineTuneNetwork } from '../../electron/core/training/finetune/finetune-network';
import { hashSplit } from '../../electron/core/training/heads/train-model';
import { evaluate } from '../../electron/core/training/metrics/metrics';
import { prevalenceThresholds } from '../../electron/core/training/metrics/thresholds';
import { DEFAULT_AUGMENT, STYLE_AUGMENT } from '../../electron/core/training/network/augment';
import { loadNetworkPackage } from '../../electron/core/training/network/network-package';
import { NetworkStepper } from '../../electron/core/training/network/network-stepper';
import { scoreDataset } from '../../electron/core/training/network/network-trainer';
import { pixelBags } from '../../electron/core/training/network/patch-dataset';
import { benchTrainingOptions } from '../../electron/cli/bench/shift-network';
import { DEFAULT_HELD_OUT_STYLES } from '../../electron/cli/bench/shift-bench';
import { heldOutFields, range } from './held-out-fields';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    styles: { type: 'string', default: DEFAULT_HELD_OUT_STYLES.join(',') },
    epochs: { type: 'string', default: `0,${DEFAULT_PRETRAINING.epochs}` },
    signed: { type: 'string', default: '300' },
    unlabelled: { type: 'string', default: '300' },
    lr: { type: 'string', default: String(DEFAULT_PRETRAINING.lr) },
    temperature: { type: 'string', default: String(DEFAULT_PRETRAINING.temperature) },
    'patches-per-epoch': { type: 'string' },
    augment: { type: 'string', default: 'style' },
    'ft-lr': { type: 'string', default: '0.0003' },
    threads: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});
const [modelDir, work, unlabelledDir, out] = positionals;
if (!modelDir || !work || !unlabelledDir || !out) throw new Error('usage: contrastive-bench.ts MODEL_DIR WORK UNLABELLED OUT [--styles a,b] [--epochs 0,4] [--signed N] [--unlabelled U] [--lr X] [--temperature T] [--ft-lr X|auto] [--threads T] [--seed S]');
const seed = Number(values.seed);
const n = Number(values.signed);
const threads = values.threads ? Number(values.threads) : undefined;
const epochCounts = values.epochs.split(',').map(Number);
const fineTuneRate = values['ft-lr'] === 'auto' ? null : Number(values['ft-lr']);
const model = await loadModelPackage(modelDir);
const base = await loadNetworkPackage(model.dir);
const labels = model.manifest.labels.map((l) => l.key);
const K = labels.length;
const pkg = labels.map((k) => model.manifest.thresholds[k] ?? 0.5);
const pooling = model.manifest.aggregation;
await mkdir(out, { recursive: true });

for (const style of values.styles.split(',')) {
  const { signed, test } = await heldOutFields(model, work, style, n);
  const unlabelledRows = (await readDatasetCsv(join(unlabelledDir, `${style}-u300`, 'labels.csv'))).slice(0, Number(values.unlabelled));
  const others = await pixelBags(unlabelledRows.map((r) => ({ absolutePath: r.absolutePath, labels: [], id: r.path })), patchOptionsOf(model.manifest), { labels });
  const lab = concatBags(signed, others);
  const { train, heldOut } = hashSplit(range(0, n), (i) => basename(signed.bagIds[i]!), 0.2, seed);
  const fit = subsetBags(signed, train);
  const stop = subsetBags(signed, heldOut);
  const results: Record<string, unknown>[] = [];
  for (const epochs of epochCounts) {
    const t0 = performance.now();
    const pretrained = epochs > 0
      ? await pretrainNetwork(base.net, base.params, lab, { epochs, lr: Number(values.lr), temperature: Number(values.temperature), seed, augment: values.augment === 'default' ? DEFAULT_AUGMENT : STYLE_AUGMENT, ...(values['patches-per-epoch'] ? { patchesPerEpoch: Number(values['patches-per-epoch']) } : {}) }, {
        threads,
        onProgress: (p) => p.step % 20 === 0 && console.log(style, `pre-training epoch ${p.epoch} step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)}`),
      })
      : null;
    if (pretrained) console.log(style, `pre-trained ${epochs} epochs on ${patchCount(lab)} patches in ${(pretrained.ms / 1000).toFixed(0)} s; loss by epoch ${pretrained.epochLosses.map((l) => l.toFixed(3)).join(', ')}`);
    const start = pretrained?.params ?? base.params;
    const stepper = await NetworkStepper.open(base.net, start, { intraOpNumThreads: threads, firstTrainableLayer: 0, warn: () => {} });
    try {
      const scoresOf = async (bags: typeof test) => (await scoreDataset(stepper, bags, 256, pooling)).image;
      const startReport = evaluate({ truth: test.bagLabels, scores: await scoresOf(test), imageCount: bagCount(test), labelCount: K }, labels, pkg);
      const t1 = performance.now();
      const options = benchTrainingOptions(model.manifest, { mode: 'all', ...(fineTuneRate === null ? {} : { lr: fineTuneRate }) }, seed);
      const tuned = await fineTuneNetwork(stepper, start, fit, stop, { options, choice: fineTuneRate === null ? 'auto' : 'given', blend: 'auto', pooling }, {
        onProgress: (rate, _several, p) => p.batch === p.batchesInEpoch && console.log(style, `pre-training ${epochs}: fine-tuning at ${rate}, epoch ${p.epoch}`),
      });
      const fineTuneSeconds = (performance.now() - t1) / 1000;
      const scores = await scoresOf(test);
      const prevalence = prevalenceThresholds(signed.bagLabels, await scoresOf(signed), n, K, pkg);
      const ev = (th: number[]) => evaluate({ truth: test.bagLabels, scores, imageCount: bagCount(test), labelCount: K }, labels, th);
      const [atPackage, atPrevalence] = [ev(pkg), ev(prevalence)];
      const row = {
        style,
        pretrainingEpochs: epochs,
        pretrainingSeconds: pretrained ? pretrained.ms / 1000 : 0,
        pretrainingLosses: pretrained?.epochLosses ?? [],
        startMap: startReport.map,
        fineTuneSeconds,
        epochs: tuned.trained.epochs.length,
        bestEpoch: tuned.trained.bestEpoch,
        lr: tuned.lr,
        blend: tuned.blended.blend,
        f1AtPackage: atPackage.f1_macro,
        f1AtPrevalence: atPrevalence.f1_macro,
        map: atPackage.map,
        totalSeconds: (performance.now() - t0) / 1000,
      };
      results.push(row);
      console.log(JSON.stringify(row));
    } finally {
      await stepper.close();
    }
  }
  await writeFile(join(out, `contrastive-${style}.json`), JSON.stringify({ options: values, signed: n, unlabelledFields: unlabelledRows.length, patches: patchCount(lab), results }, null, 1));
}
