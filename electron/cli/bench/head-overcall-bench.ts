/**
 * Why a head calls "everything positive" on a lab style (docs/results.md, "The self-paced collapse"):
 * trains heads on a dataset CSV's 'train' rows (15 % of them the early-stopping fields, as `ana
 * train` splits) with the code `ana train` runs (fitHead), and reports on its 'test' rows, per
 * recipe: the early-stop score, test macro-F1 / mAP, negative fields read negative, and per label
 * the prevalence, the share called positive at 0.5, the mean patch probability and the mean image
 * score.
 *
 *   npx tsx electron/cli/bench/head-overcall-bench.ts --data STYLE.csv --cache WORK/.embedding-cache
 *
 * STYLE.csv: a shift-bench style's labels.csv with its 'signed' rows renamed 'train' (absolute paths).
 */
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { withEngine } from '../../core/inference/engine';
import { loadModelPackage } from '../../core/models/model-package';
import { readDatasetCsv } from '../../core/synth/dataset-csv';
import { bagCount, patchCount, subsetBags } from '../../core/training/dataset';
import { embedRows, fitHead, hashSplit, headScorer } from '../../core/training/heads/train-model';
import { evaluate, negativesReadNegative } from '../../core/training/metrics/metrics';
import { defaultTrainerOptions, evaluateScorer, overallScore, poolBags, scorePatchesAsync, type TrainerOptions } from '../../core/training/trainer';

const { values } = parseArgs({ options: { data: { type: 'string' }, model: { type: 'string', default: 'native-models/ana-default' }, cache: { type: 'string', default: '/tmp/ana-overcall-cache' }, seed: { type: 'string', default: '1' } } });
if (!values.data) throw new Error('--data labels.csv is required');
const seed = Number(values.seed);
const model = await loadModelPackage(resolve(values.model));
const rows = await readDatasetCsv(resolve(values.data));
const { data } = await withEngine(model, { warn: () => {} }, (engine) => embedRows(model, engine, rows, { cacheDir: resolve(values.cache) }));
const where = (split: string): number[] => rows.flatMap((r, i) => (r.split === split ? [i] : []));
const { train, heldOut } = hashSplit(where('train'), (i) => rows[i]!.path, 0.15, seed);
const [fit, stop, test] = [subsetBags(data, train), subsetBags(data, heldOut), subsetBags(data, where('test'))];
const K = test.labels.length;
console.log(`${basename(values.data)}: ${bagCount(fit)} training, ${bagCount(stop)} early-stopping, ${bagCount(test)} test fields; ${(patchCount(test) / bagCount(test)).toFixed(1)} patches per field`);
const recipes: [string, Partial<TrainerOptions>][] = [
  ['spl', { method: 'spl' }],
  ['spl without the sampler', { method: 'spl', sampler: false }],
  ['spl without pseudo-labels', { method: 'spl', pseudoLabels: false }],
  ['plain', { method: 'plain' }],
  ['mean-logit by L-BFGS', { method: 'mean-logit', solver: 'lbfgs' }],
];
for (const [name, recipe] of recipes) {
  const { head, stats, training } = fitHead(fit, stop, { ...defaultTrainerOptions, seed, ...recipe });
  const folded = head.folded(stats.mean, stats.std);
  const scorer = headScorer(folded.weights, folded.bias, test.inputLength, K);
  const { patch } = await scorePatchesAsync(scorer, test, 'max');
  const image = poolBags(patch, test, training.pooling);
  const scored = { truth: test.bagLabels, scores: image, imageCount: bagCount(test), labelCount: K };
  const report = evaluate(scored, test.labels, 0.5);
  const early = evaluateScorer(scorer, stop, training.pooling);
  const { negatives, readNegative } = negativesReadNegative(scored, 0.5);
  console.log(`\n${name}: early-stop score ${overallScore(early).toFixed(3)} (macro-F1 ${early.f1_macro.toFixed(3)}); test macro-F1 ${report.f1_macro.toFixed(3)}, mAP ${report.map.toFixed(3)}; negatives read negative ${readNegative}/${negatives}`);
  console.log('label | prevalence | called positive at 0.5 | mean patch probability | mean image score');
  test.labels.forEach((key, k) => {
    let prevalence = 0;
    let called = 0;
    let imageSum = 0;
    for (let b = 0; b < bagCount(test); b++) {
      prevalence += test.bagLabels[b * K + k]!;
      called += image[b * K + k]! >= 0.5 ? 1 : 0;
      imageSum += image[b * K + k]!;
    }
    let patchSum = 0;
    for (let n = 0; n < patchCount(test); n++) patchSum += patch[n * K + k]!;
    const n = bagCount(test);
    console.log(`${key} | ${(prevalence / n).toFixed(2)} | ${(called / n).toFixed(2)} | ${(patchSum / patchCount(test)).toFixed(3)} | ${(imageSum / n).toFixed(3)}`);
  });
}
