/**
 * The domain-shift benchmark (`ana bench shift`): how a model does on a microscope it never saw.
 * For every held-out lab style (styles.ts) it generates a pool of fields in that style, embeds
 * them once through the model's extractor (cached), and measures on the style's test fields:
 *   - zero-shot: the package as shipped (its head, aggregation and thresholds);
 *   - after fine-tuning the head with +N signed fields of that style: the head-training code of
 *     local fine-tuning (fitHead, warm-started from the package's head with the options the
 *     package was trained with, early-stopped on a seeded 20% of the N fields, thresholds 0.5);
 *   - after unsupervised adaptation to the style (docs/lab-adaptation.md), from the style's signed
 *     pool read as unlabelled fields (never its test fields): "adapted" zero-shot = the package's
 *     head on embeddings re-standardised with the pool's statistics; "adapted +N" = the extractor's
 *     codebooks learned again from the pool (what `ana adapt` does), a head fitted from scratch on
 *     N signed fields the same way (early stop on 20%, thresholds 0.5).
 * Reference styles (the ones the model was trained on, classic for 0.4.0) are measured zero-shot
 * as the in-distribution figure. Writes results.json, table.md and curve.png into `outDir`.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { DomainError } from '../../core/errors';
import { createEngine, withEngine } from '../../core/inference/engine';
import type { ProviderName } from '../../core/inference/providers';
import { loadModelPackage, readHead, type ModelPackage } from '../../core/models/model-package';
import { findStyle, readDatasetCsv, STYLE_NAMES, writeDataset, type CellMixing, type DatasetRow } from '../../core/synth';
import { writeAdaptedExtractor } from '../../core/training/adapt/adapt-extractor';
import { bagCount, featureStats, subsetBags, type BagDataset } from '../../core/training/dataset';
import { extractorSha256 } from '../../core/training/heads/embedding-cache';
import { DEFAULT_LEARNING_RATE, DEFAULT_NETWORK_BLEND, defaultNetworkThresholdMode, inheritedOptions, PREVALENCE_THRESHOLDS_FROM_SIGNED_CASES } from '../../core/training/finetune/finetune';
import { evaluate, negativesReadNegative, type EvaluationReport } from '../../core/training/metrics/metrics';
import { OUT_OF_FOLD_MODES, TRAINING_CASE_MODES, thresholdsFor, type ThresholdMode } from '../../core/training/metrics/thresholds';
import { embedRows, fitHead, hashSplit, headScorer, outOfFoldScores, scoredOn } from '../../core/training/heads/train-model';
import { foldStandardisation } from '../../core/training/scorer';
import { defaultTrainerOptions, scoreBags, type TrainerOptions } from '../../core/training/trainer';
import { errorAnatomy, errorAnatomyMarkdown, readFieldTruth, truthInBagOrder, type ErrorAnatomy } from './error-anatomy';
import { renderLearningCurvePng } from './learning-curve-plot';
import { networkStyle, type NetworkFinetuneBench } from './shift-network';

/** Held out by default: three styles as different from each other as from the training data. */
export const DEFAULT_HELD_OUT_STYLES = ['routine-20x-colour-jpeg', 'mercury-hotspot-12bit', 'research-40x-mono16'] as const;
export const DEFAULT_SIGNED_COUNTS = [25, 50, 100, 200, 300] as const;

export interface ShiftBenchOptions {
  modelDir: string;
  /** Generated fields and the embedding cache (reused by later runs with the same scale). */
  workDir: string;
  outDir: string;
  heldOutStyles?: readonly string[];
  /** Styles the model was trained on, measured zero-shot for reference; default ['classic']. */
  referenceStyles?: readonly string[];
  /** Fields generated per style: the largest signed count go to fine-tuning, the rest are the test set. */
  fieldsPerStyle?: number;
  sizePx?: { width: number; height: number };
  signedCounts?: readonly number[];
  /** Measure the adapted columns (default true): learns codebooks per held-out style and embeds its fields again. */
  adapt?: boolean;
  /** A whole-network package only: also fine-tune the network itself on +N signed fields of each held-out style (shift-network.ts). */
  networkFinetune?: NetworkFinetuneBench;
  /** How mixed sera's patterns share the cells of every generated field (FieldOptions.cellMixing); default 'shared'. */
  cellMixing?: CellMixing;
  seed?: number;
  providers?: ProviderName[];
  log?: (message: string) => void;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface ShiftFigures {
  f1Macro: number;
  map: number;
  /** Share of negative test fields read as negative (no label above threshold); null without negatives. */
  negativesCalledNegative: number | null;
}

/** How one +N network fine-tuning went (shift-network.ts): epochs trained, the one kept, the learning rate and blend chosen, seconds of training. */
export type NetworkTraining = { n: number; epochs: number; bestEpoch: number; learningRate: number; blend: number; seconds: number };

export interface ShiftStyleResult {
  style: string;
  role: 'held-out' | 'reference';
  testFields: number;
  zeroShot: ShiftFigures;
  /** Where the zero-shot errors are, told from the generator's truth (error-anatomy.ts). */
  zeroShotErrors: ErrorAnatomy;
  /** The package's head on embeddings re-standardised with the style's unlabelled pool (null: not measured). */
  adapted: ShiftFigures | null;
  signed: SignedFigures[];
  /** Codebooks learned again from the unlabelled pool, head fitted from scratch on +N signed (empty: not measured). */
  adaptedSigned: SignedFigures[];
  /** The whole network fine-tuned on +N signed, at the package's thresholds (tuned on the early-stopping fields beside them); absent: not measured. */
  networkSigned?: SignedFigures[];
  /** A whole network's weights as shipped, its thresholds re-fitted on the +N (`ana finetune --mode thresholds`). */
  networkThresholdsOnly?: ({ n: number } & ShiftFigures)[];
  /** How each +N network fine-tuning went; absent: not measured. */
  networkTraining?: NetworkTraining[];
}

/** The threshold rules compared beside 0.5 after +N signed (core/training/metrics/thresholds.ts). */
export const COMPARED_THRESHOLDS = ['tuned', 'shrunk', 'cv', 'platt', 'prevalence'] as const satisfies readonly ThresholdMode[];
type ComparedThreshold = (typeof COMPARED_THRESHOLDS)[number];

/**
 * After +N signed: at thresholds 0.5 (the figures), and with thresholds tuned or shrunk on the
 * early-stopping fields, or chosen on out-of-fold scores of all N fields (cv: best F1, platt:
 * Platt scaling's 0.5).
 */
export type SignedFigures = { n: number } & ShiftFigures & { thresholds?: Partial<Record<ComparedThreshold, ShiftFigures>> };

export interface ShiftBenchResult {
  model: string;
  options: { heldOutStyles: string[]; referenceStyles: string[]; fieldsPerStyle: number; sizePx: string; signedCounts: number[]; adapt: boolean; networkFinetune?: NetworkFinetuneBench; cellMixing: CellMixing; seed: number };
  styles: ShiftStyleResult[];
  /** Means over the held-out styles. */
  heldOutMean: { zeroShot: ShiftFigures; adapted: ShiftFigures | null; signed: SignedFigures[]; adaptedSigned: SignedFigures[]; networkSigned?: SignedFigures[]; networkThresholdsOnly?: ({ n: number } & ShiftFigures)[] };
  wallSeconds: number;
  files: { json: string; table: string; plot: string };
}

export async function runShiftBench(options: ShiftBenchOptions): Promise<ShiftBenchResult> {
  const started = performance.now();
  const heldOut = [...(options.heldOutStyles ?? DEFAULT_HELD_OUT_STYLES)];
  const reference = [...(options.referenceStyles ?? ['classic'])];
  for (const s of [...heldOut, ...reference]) findStyle(s);
  const overlap = heldOut.filter((s) => reference.includes(s));
  if (overlap.length) throw new DomainError('bad-request', `shift benchmark: style(s) ${overlap.join(', ')} cannot be both held out and a training (reference) style`);
  const fieldsPerStyle = options.fieldsPerStyle ?? 400;
  const size = options.sizePx ?? { width: 1024, height: 768 };
  const seed = options.seed ?? 1;
  const poolSize = Math.max(...(options.signedCounts ?? DEFAULT_SIGNED_COUNTS));
  if (!(Number.isInteger(fieldsPerStyle) && fieldsPerStyle > poolSize)) {
    throw new DomainError('bad-request', `shift benchmark: --fields-per-style (${fieldsPerStyle}) must exceed the largest signed count (${poolSize}), so test fields remain`);
  }
  const signedCounts = [...(options.signedCounts ?? DEFAULT_SIGNED_COUNTS)].sort((a, b) => a - b);
  const beyond = (options.networkFinetune?.signedCounts ?? []).filter((n) => n > poolSize);
  if (beyond.length) throw new DomainError('bad-request', `shift benchmark: network +N ${beyond.join(', ')} exceed the signed pool (${poolSize} fields, the largest --signed count)`);
  const adapt = options.adapt ?? true;
  const cellMixing = options.cellMixing ?? 'shared';
  const log = options.log ?? (() => {});
  const model = await loadModelPackage(resolve(options.modelDir));
  const trainer: TrainerOptions = { ...defaultTrainerOptions, method: 'spl', ...inheritedOptions(model.manifest.provenance), keepInitialIfBest: true, seed };
  // A whole network is measured on its pixels (shift-network.ts): zero-shot and the network fine-tuned itself; no head or codebook rows.
  const isNetwork = model.manifest.kind === 'network';
  const adaptFeatures = adapt && !isNetwork;
  const networkBench: NetworkFinetuneBench = { blend: DEFAULT_NETWORK_BLEND, ...(options.networkFinetune ?? { mode: 'all' }) };
  const networkCounts = [...(networkBench.signedCounts ?? signedCounts)].sort((a, b) => a - b);
  const head = isNetwork ? null : await readHead(model);
  const thresholds = model.manifest.labels.map((l) => model.manifest.thresholds[l.key] ?? 0.5);
  const engine = isNetwork ? null : await createEngine(model, { providers: options.providers, warn: () => {} });
  const styles: ShiftStyleResult[] = [];
  try {
    const all = [...heldOut.map((s) => ({ style: s, role: 'held-out' as const })), ...reference.map((s) => ({ style: s, role: 'reference' as const }))];
    for (const { style, role } of all) {
      const dataDir = join(resolve(options.workDir), `${style}-s${seed}-${size.width}x${size.height}-n${fieldsPerStyle}-p${poolSize}${cellMixing === 'separate' ? '-separate' : ''}`);
      // The data seed follows the style, not its place in the list: holding out one more style leaves the others' fields as they were.
      await ensureStyleData(dataDir, style, role === 'held-out' ? fieldsPerStyle : fieldsPerStyle - poolSize, poolSize, role, size, seed + 1000 * (STYLE_NAMES.indexOf(style) + 1), options, log);
      const rows = await readDatasetCsv(join(dataDir, 'labels.csv'));
      const truth = await readFieldTruth(dataDir);
      const anatomy = ({ scores, thresholds, test }: ReturnType<typeof evaluateHead>): ErrorAnatomy => errorAnatomy(truthInBagOrder(truth, dataDir, test.bagIds), scores, thresholds, test.labels);
      const indexOf = (split: string): number[] => rows.flatMap((r, i) => (r.split === split ? [i] : []));
      if (!engine || !head) {
        const pick = (split: string): DatasetRow[] => indexOf(split).map((i) => rows[i]!);
        const net = await networkStyle(model, pick('signed'), pick('test'), role === 'held-out' ? networkCounts : [], networkBench, { seed, providers: options.providers, onProgress: options.onProgress, log });
        const networkSigned = net.signed.map((m) => signedFigures(m.n, m.byMode));
        const networkThresholdsOnly = net.thresholdsOnly.map((t) => ({ n: t.n, ...figures(t.scored) }));
        const networkTraining = net.signed.map((m) => ({ n: m.n, epochs: m.epochs, bestEpoch: m.bestEpoch, learningRate: m.lr, blend: m.blend, seconds: Math.round(m.trainMs / 1000) }));
        styles.push({ style, role, testFields: bagCount(net.zeroShot.test), zeroShot: figures(net.zeroShot), zeroShotErrors: anatomy(net.zeroShot), adapted: null, signed: [], adaptedSigned: [], ...(role === 'held-out' ? { networkSigned, networkThresholdsOnly, networkTraining } : {}) });
        log(`${style} (${role}): zero-shot macro-F1 ${figures(net.zeroShot).f1Macro.toFixed(3)}${networkSigned.length ? `; network ${networkBench.mode} ${networkSigned.map((s) => `+${s.n}: ${s.f1Macro.toFixed(3)}`).join(', ')}` : ''}`);
        continue;
      }
      const { data } = await embedRows(model, engine, rows, { cacheDir: join(resolve(options.workDir), '.embedding-cache'), onProgress: (p) => options.onProgress?.(`embed ${style}`, p.done, p.total) });
      const test = subsetBags(data, indexOf('test'));
      const zeroShotScored = evaluateHead(head.weights.data, head.bias.data, model, test, thresholds);
      const zeroShot = figures(zeroShotScored);
      const signed: ShiftStyleResult['signed'] = [];
      const adaptedSigned: ShiftStyleResult['adaptedSigned'] = [];
      let adapted: ShiftFigures | null = null;
      if (role === 'held-out') {
        const pool = indexOf('signed');
        for (const n of signedCounts) {
          signed.push(signedFigures(n, fineTuned(model, trainer, head, subsetBags(data, pool.slice(0, n)), test, seed)));
        }
        if (adaptFeatures) {
          const restandardised = restandardisedHead(head.weights.data, head.bias.data, featureStats(subsetBags(data, pool)));
          adapted = figures(evaluateHead(restandardised.weights, restandardised.bias, model, test, thresholds));
          const extractor = await ensureAdaptedExtractor(model, pool.map((i) => rows[i]!.absolutePath), join(dataDir, `adapted-${(await extractorSha256(model)).slice(0, 12)}-s${seed}`), seed, options, log);
          const adaptedData = await withEngine(extractor, { providers: options.providers, warn: () => {} }, (e) => embedRows(extractor, e, rows, { cacheDir: join(resolve(options.workDir), '.embedding-cache'), onProgress: (p) => options.onProgress?.(`embed ${style} (adapted)`, p.done, p.total) }));
          const adaptedTest = subsetBags(adaptedData.data, indexOf('test'));
          const cold: TrainerOptions = { ...trainer, keepInitialIfBest: false };
          for (const n of signedCounts) {
            adaptedSigned.push(signedFigures(n, fineTuned(extractor, cold, null, subsetBags(adaptedData.data, pool.slice(0, n)), adaptedTest, seed)));
          }
        }
      }
      styles.push({ style, role, testFields: bagCount(test), zeroShot, zeroShotErrors: anatomy(zeroShotScored), adapted, signed, adaptedSigned });
      const curve = (list: { n: number; f1Macro: number }[]) => list.map((s) => `+${s.n}: ${s.f1Macro.toFixed(3)}`).join(', ');
      log(`${style} (${role}): zero-shot macro-F1 ${zeroShot.f1Macro.toFixed(3)}, mAP ${zeroShot.map.toFixed(3)}${signed.length ? `; ${curve(signed)}` : ''}${adapted ? `; adapted zero-shot ${adapted.f1Macro.toFixed(3)}; adapted ${curve(adaptedSigned)}` : ''}`);
    }
  } finally {
    await engine?.close();
  }
  const held = styles.filter((s) => s.role === 'held-out');
  const result: ShiftBenchResult = {
    model: `${model.manifest.id} ${model.manifest.version}`,
    options: { heldOutStyles: heldOut, referenceStyles: reference, fieldsPerStyle, sizePx: `${size.width}x${size.height}`, signedCounts, adapt: adaptFeatures, ...(isNetwork ? { networkFinetune: networkBench } : {}), cellMixing, seed },
    styles,
    heldOutMean: {
      zeroShot: meanFigures(held.map((s) => s.zeroShot)),
      adapted: adaptFeatures ? meanFigures(held.map((s) => s.adapted!)) : null,
      signed: isNetwork ? [] : signedCounts.map((n) => meanSigned(n, held.map((s) => s.signed.find((x) => x.n === n)!))),
      adaptedSigned: adaptFeatures ? signedCounts.map((n) => meanSigned(n, held.map((s) => s.adaptedSigned.find((x) => x.n === n)!))) : [],
      ...(isNetwork
        ? {
            networkSigned: networkCounts.map((n) => meanSigned(n, held.map((s) => s.networkSigned!.find((x) => x.n === n)!))),
            networkThresholdsOnly: networkCounts.map((n) => ({ n, ...meanFigures(held.map((s) => s.networkThresholdsOnly!.find((x) => x.n === n)!)) })),
          }
        : {}),
    },
    wallSeconds: Math.round((performance.now() - started) / 100) / 10,
    files: { json: join(resolve(options.outDir), 'results.json'), table: join(resolve(options.outDir), 'table.md'), plot: join(resolve(options.outDir), 'curve.png') },
  };
  await mkdir(resolve(options.outDir), { recursive: true });
  await writeFile(result.files.json, JSON.stringify(result, null, 2) + '\n');
  await writeFile(result.files.table, shiftTableMarkdown(result));
  await writeFile(result.files.plot, renderLearningCurvePng(result));
  return result;
}

/** Generates a style's fields once; a folder with a complete labels.csv from the same options is reused. */
async function ensureStyleData(dataDir: string, style: string, count: number, poolSize: number, role: 'held-out' | 'reference', size: { width: number; height: number }, seed: number, options: ShiftBenchOptions, log: (m: string) => void): Promise<void> {
  if (await stat(join(dataDir, 'labels.csv')).then(() => true, () => false)) return;
  log(`generating ${count} ${style} fields (${size.width}x${size.height}) in ${dataDir}`);
  const splits: Record<string, number> = role === 'held-out' ? { signed: poolSize, test: count - poolSize } : { test: 1 };
  await writeDataset({ outDir: dataDir, count, seed, sizePx: size, style, splits, cellMixing: options.cellMixing, accessionPrefix: 'S', overwrite: true, onProgress: (d, t) => options.onProgress?.(`generate ${style}`, d, t) });
}

/** The extractor with its codebooks learned from the pool's fields (core/training/adapt), written once per style and model. */
async function ensureAdaptedExtractor(model: ModelPackage, paths: string[], dir: string, seed: number, options: ShiftBenchOptions, log: (m: string) => void): Promise<ModelPackage> {
  const existing = await loadModelPackage(dir).catch(() => null);
  if (existing) return existing;
  log(`adapting ${model.manifest.id} ${model.manifest.version}'s codebooks to ${paths.length} unlabelled fields (${dir})`);
  const { model: adapted } = await writeAdaptedExtractor(model, paths, dir, { recipe: { seed }, log, onProgress: (p) => options.onProgress?.(`adapt (${p.message})`, p.done, p.total) });
  return adapted;
}

/** Lower bound on a re-standardised dimension's spread (in training standard deviations): at most ×10. */
const RESTANDARDISE_MIN_STD = 0.1;

/** A head for embeddings e standardised again as (e − m)/s with the lab's statistics: W/s, b − W·m/s. */
export function restandardisedHead(weights: Float32Array, bias: Float32Array, stats: { mean: Float64Array; std: Float64Array }): { weights: Float32Array; bias: Float32Array } {
  return foldStandardisation(weights, bias, stats.mean, stats.std.map((s) => Math.max(s, RESTANDARDISE_MIN_STD)));
}

function evaluateHead(weights: Float32Array, bias: Float32Array, model: ModelPackage, test: BagDataset, thresholds: number[]): { report: EvaluationReport; scores: Float64Array; thresholds: number[]; test: BagDataset } {
  const scorer = headScorer(weights, bias, test.inputLength, model.manifest.labels.length);
  const scores = scoreBags(scorer, test, model.manifest.aggregation);
  const report = evaluate({ truth: test.bagLabels, scores, imageCount: bagCount(test), labelCount: test.labels.length }, test.labels, thresholds);
  return { report, scores, thresholds, test };
}

/**
 * Local fine-tuning's head step on N signed fields: warm start from the package head (or none),
 * early stop on 20% of them; measured at 0.5, with the thresholds tuned (best F1) or shrunk
 * towards 0.5 on those early-stopping fields, and with thresholds chosen on 5-fold out-of-fold
 * scores of all N fields (best F1 or Platt scaling; core/training/metrics/thresholds.ts).
 */
function fineTuned(model: ModelPackage, trainer: TrainerOptions, head: Awaited<ReturnType<typeof readHead>> | null, signed: BagDataset, test: BagDataset, seed: number): Record<ThresholdMode, ReturnType<typeof evaluateHead>> {
  const ids = Array.from({ length: bagCount(signed) }, (_, i) => i);
  // Keyed by the file's name, not its absolute path: the early-stopping fields must not depend on
  // where --work put the data (they did, and +N figures moved by up to 0.04 between runs).
  const { train, heldOut } = hashSplit(ids, (i) => basename(signed.bagIds[i]!), 0.2, seed);
  const stop = heldOut.length > 0 ? subsetBags(signed, heldOut) : null;
  const fitBags = subsetBags(signed, train.length > 0 ? train : ids);
  const initial = head ? { weights: head.weights.data, bias: head.bias.data } : undefined;
  const { head: fitted, stats, training } = fitHead(fitBags, stop, trainer, {}, initial);
  const folded = fitted.folded(stats.mean, stats.std);
  const K = model.manifest.labels.length;
  const pooled = training.pooling;
  const scorer = headScorer(folded.weights, folded.bias, test.inputLength, K);
  const scores = scoreBags(scorer, test, pooled);
  const stopScores = stop ? scoreBags(scorer, stop, pooled) : null;
  const outOfFold = outOfFoldScores(fitBags, stop, trainer, { initial, key: (id) => basename(id) });
  const at = (mode: ThresholdMode) => {
    const evidence = OUT_OF_FOLD_MODES.includes(mode) ? outOfFold : TRAINING_CASE_MODES.includes(mode) ? scoredOn(scorer, [signed], pooled) : stop && stopScores ? { truth: stop.bagLabels, scores: stopScores, imageCount: bagCount(stop) } : null;
    const thresholds = evidence ? thresholdsFor(mode, evidence.truth, evidence.scores, evidence.imageCount, K) : new Array<number>(K).fill(0.5);
    return { report: evaluate({ truth: test.bagLabels, scores, imageCount: bagCount(test), labelCount: K }, test.labels, thresholds), scores, thresholds, test };
  };
  return { fixed: at('fixed'), tuned: at('tuned'), shrunk: at('shrunk'), cv: at('cv'), platt: at('platt'), prevalence: at('prevalence') };
}

/** A fine-tuned model's figures at its default thresholds ('fixed'), with the other threshold rules measured beside them. */
function signedFigures(n: number, byMode: Partial<Record<ThresholdMode, ReturnType<typeof evaluateHead>>> & { fixed: ReturnType<typeof evaluateHead> }): SignedFigures {
  return { n, ...figures(byMode.fixed), thresholds: Object.fromEntries(COMPARED_THRESHOLDS.flatMap((mode) => (byMode[mode] ? [[mode, figures(byMode[mode])]] : []))) };
}

function figures({ report, scores, thresholds, test }: ReturnType<typeof evaluateHead>): ShiftFigures {
  const { negatives, readNegative } = negativesReadNegative({ truth: test.bagLabels, scores, imageCount: bagCount(test), labelCount: test.labels.length }, thresholds);
  return { f1Macro: round3(report.f1_macro), map: round3(report.map), negativesCalledNegative: negatives ? round3(readNegative / negatives) : null };
}

function meanSigned(n: number, list: SignedFigures[]): SignedFigures {
  // A rule is averaged only where every style measured it (results.json of older runs lack cv and platt).
  const measured = COMPARED_THRESHOLDS.filter((mode) => list.length > 0 && list.every((f) => f.thresholds?.[mode]));
  const thresholds = measured.length ? Object.fromEntries(measured.map((mode) => [mode, meanFigures(list.map((f) => f.thresholds![mode]!))])) : undefined;
  return { n, ...meanFigures(list), ...(thresholds ? { thresholds } : {}) };
}

function meanFigures(list: ShiftFigures[]): ShiftFigures {
  const mean = (values: number[]): number => round3(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length));
  const negatives = list.map((f) => f.negativesCalledNegative).filter((v): v is number => v !== null);
  return { f1Macro: mean(list.map((f) => f.f1Macro)), map: mean(list.map((f) => f.map)), negativesCalledNegative: negatives.length ? mean(negatives) : null };
}

/** The table's name for `ana finetune --mode thresholds`'s candidate. */
const THRESHOLDS_ONLY = "**thresholds only** (the package's weights, prevalence thresholds on the +N: `ana finetune --mode thresholds`)";

export function shiftTableMarkdown(result: ShiftBenchResult): string {
  const cell = (f: ShiftFigures | null | undefined): string => (f ? `${f.f1Macro.toFixed(3)} / ${f.map.toFixed(3)}` : 'not yet');
  const counts = result.options.signedCounts;
  const header = `| style | role | recipe | test fields | zero-shot | ${counts.map((n) => `+${n} signed`).join(' | ')} | negatives read negative (zero-shot) |`;
  const rule = `|${' --- |'.repeat(6 + counts.length)}`;
  const curve = (list: readonly ({ n: number } & ShiftFigures)[], missing?: string) => counts.map((n) => { const f = list.find((x) => x.n === n); return f || !missing ? cell(f) : missing; }).join(' | ');
  const dashes = counts.map(() => '—').join(' | ');
  const blend = result.options.networkFinetune?.blend ?? 1;
  const lr = result.options.networkFinetune?.lr ?? result.options.networkFinetune?.learningRate ?? DEFAULT_LEARNING_RATE;
  const network = `**whole network** fine-tuned (${result.options.networkFinetune?.mode ?? ''}${blend === 1 ? '' : `, blended ${blend}`}, learning rate ${lr})`;
  const rows = result.styles.flatMap((s) => [
    `| ${s.style} | ${s.role} | ${s.role === 'held-out' ? (s.networkSigned ? network : 'shipped features, head fine-tuned') : 'as shipped'} | ${s.testFields} | ${cell(s.zeroShot)} | ${s.role === 'held-out' ? curve(s.networkSigned ?? s.signed, s.networkSigned ? '—' : undefined) : dashes} | ${s.zeroShot.negativesCalledNegative ?? '—'} |`,
    ...(s.role === 'held-out' && s.networkThresholdsOnly?.length ? [`| ${s.style} | held-out | ${THRESHOLDS_ONLY} | ${s.testFields} | ${cell(s.zeroShot)} | ${curve(s.networkThresholdsOnly, '—')} | — |`] : []),
    ...(s.role === 'held-out' && s.adapted ? [`| ${s.style} | held-out | **adapted** features, new head | ${s.testFields} | ${cell(s.adapted)} | ${curve(s.adaptedSigned)} | ${s.adapted.negativesCalledNegative ?? '—'} |`] : []),
  ]);
  const mean = result.heldOutMean;
  if (result.options.heldOutStyles.length > 0) {
    if (!mean.networkSigned) rows.push(`| **held-out mean** | | shipped features, head fine-tuned | | **${cell(mean.zeroShot)}** | ${curve(mean.signed)} | ${mean.zeroShot.negativesCalledNegative ?? '—'} |`);
    if (mean.adapted) rows.push(`| **held-out mean** | | **adapted** features, new head | | **${cell(mean.adapted)}** | ${curve(mean.adaptedSigned)} | ${mean.adapted.negativesCalledNegative ?? '—'} |`);
    if (mean.networkSigned) {
      rows.push(`| **held-out mean** | | ${network} | | **${cell(mean.zeroShot)}** | ${curve(mean.networkSigned, '—')} | ${mean.zeroShot.negativesCalledNegative ?? '—'} |`);
      // What `ana finetune` hands the gate: its thresholds for a whole network depend on the number of signed cases.
      if (mean.networkThresholdsOnly?.length) rows.push(`| **held-out mean** | | ${THRESHOLDS_ONLY} | | **${cell(mean.zeroShot)}** | ${curve(mean.networkThresholdsOnly, '—')} | — |`);
      rows.push(`| **held-out mean** | | the same at \`ana finetune\`'s thresholds (the package's below ${PREVALENCE_THRESHOLDS_FROM_SIGNED_CASES} signed, prevalence from ${PREVALENCE_THRESHOLDS_FROM_SIGNED_CASES}) | | **${cell(mean.zeroShot)}** | ${curve(mean.networkSigned.flatMap((f) => atFinetuneThresholds(f) ?? []), '—')} | — |`);
    }
  }
  const byRule = (f: SignedFigures): string => [f.f1Macro, ...COMPARED_THRESHOLDS.map((mode) => f.thresholds?.[mode]?.f1Macro)].map((v) => (v === undefined ? '—' : v.toFixed(3))).join(' / ');
  const thresholdRows = (name: string, list: readonly SignedFigures[]) =>
    list.some((f) => f.thresholds) ? [`| ${name} | ${counts.map((n) => { const f = list.find((x) => x.n === n); return f?.thresholds ? byRule(f) : '—'; }).join(' | ')} |`] : [];
  const trainingRows = result.styles.flatMap((s) =>
    s.networkTraining?.length ? [`| ${s.style} | ${counts.map((n) => { const t = s.networkTraining!.find((x) => x.n === n); return t ? `${t.epochs} (${t.bestEpoch}), ${t.learningRate}, ${t.blend}, ${t.seconds} s` : '—'; }).join(' | ')} |`] : [],
  );
  const thresholdTable = [...thresholdRows('shipped features, head fine-tuned', mean.signed), ...thresholdRows('adapted features, new head', mean.adaptedSigned), ...thresholdRows("whole network fine-tuned (first: the package's thresholds, not 0.5)", mean.networkSigned ?? [])];
  return [
    `Domain-shift benchmark: ${result.model}, ${result.options.fieldsPerStyle} fields per held-out style (${result.options.sizePx} px), seed ${result.options.seed}${result.options.cellMixing === 'separate' ? ", mixed sera's patterns in separate cells" : ''}. Cells: macro-F1 / mAP on the style's test fields.` +
      // Only tables with adapted rows explain them (a whole network or --no-adapt has none).
      (result.options.adapt
        ? " Adapted: the style's signed pool read as unlabelled fields; zero-shot = the shipped head on embeddings re-standardised with the pool's statistics; +N = codebooks learned again from the pool (`ana adapt`), head fitted from scratch on N signed fields."
        : ''),
    '',
    header,
    rule,
    ...rows,
    '',
    ...(thresholdTable.length
      ? [
          "Held-out mean macro-F1 by threshold rule after +N signed: 0.5 / best F1 on the early-stopping fields (20% of N) / that best F1 shrunk towards 0.5 by the label's positives / best F1 on 5-fold out-of-fold scores of all N (cv) / Platt scaling on those scores (platt) / each label called on as many of the N fields as carry it, by the fine-tuned model's own scores (prevalence).",
          '',
          `| recipe | ${counts.map((n) => `+${n} signed`).join(' | ')} |`,
          `|${' --- |'.repeat(1 + counts.length)}`,
          ...thresholdTable,
          '',
        ]
      : []),
    ...(trainingRows.length
      ? [
          'Whole-network fine-tuning, per +N: epochs trained (the epoch kept), the learning rate and the share of the fine-tuned weights chosen on the early-stopping fields, seconds of training.',
          '',
          `| style | ${counts.map((n) => `+${n} signed`).join(' | ')} |`,
          `|${' --- |'.repeat(1 + counts.length)}`,
          ...trainingRows,
          '',
        ]
      : []),
    "Where the zero-shot errors are, from the generator's truth: the share of the test fields' patterns called, by the number of patterns in the serum and by how strongly each was drawn (the serum's intensity × the pattern's mean strength over interphase cells); false calls by the kind of field they are made on, and the most frequent (pattern called ← a pattern the field has).",
    '',
    errorAnatomyMarkdown(result.styles.map((s) => ({ style: s.style, errors: s.zeroShotErrors }))),
    '',
  ].join('\n');
}

/** A network's +N figures at the thresholds `ana finetune` would give its candidate with N signed cases (`defaultNetworkThresholdMode`); undefined where those were not measured. */
export function atFinetuneThresholds(f: SignedFigures): SignedFigures | undefined {
  const mode = defaultNetworkThresholdMode(f.n);
  if (!mode || mode === 'fixed') return f;
  const at = f.thresholds?.[mode as ComparedThreshold];
  return at ? { n: f.n, ...at } : undefined;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
