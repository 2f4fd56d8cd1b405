/**
 * `writeDataset`: a folder of synthetic fields in the project's dataset format —
 * DIR/images/<accession>_F<k>.<ext>, DIR/labels.csv (path,labels,split) and DIR/truth.jsonl
 * (one line per field with per-cell ground truth). Fields of one case share the serum (labels,
 * titer) and microscope (pixel size, format), as a lab's repeated fields of one well do, and
 * splits are drawn per case so no serum leaks between train and test. The CSV and truth file
 * are written to temporary names and renamed last, so an interrupted run never leaves a CSV that
 * points at missing images.
 */
import { mkdir, rename, stat, writeFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../errors';
import { Random } from '../random';
import { formatDatasetCsv } from './dataset-csv';
import { encodeField, formatExtension, formatNeedsDapi, SYNTH_FORMATS, type SynthFormat } from './encode';
import { DEFAULT_PIXEL_SIZE_UM, MIN_POSITIVE_INTENSITY, PIXEL_SIZE_RANGE_UM } from './field';
import { generateField } from './styled-field';
import { findStyle, type LabStyle } from './styles';
import { DEFAULT_LABEL_DISTRIBUTION, sampleLabelSet, validateLabelDistribution } from './label-sampler';
import type { CellMixing, LabelDistribution, SynthField } from './synth.types';

export interface WriteDatasetOptions {
  outDir: string;
  /** Number of fields (images). */
  count: number;
  seed: number;
  sizePx?: { width: number; height: number };
  /** One pixel size, or a range drawn per case (objectives differ between microscopes). */
  pixelSizeUm?: number | { minUm: number; maxUm: number };
  /** One format for all fields, a list to draw from per case, or 'mixed' to draw from all formats. */
  format?: SynthFormat | readonly SynthFormat[] | 'mixed';
  /** Split name → share; shares are normalised. Default train 0.7, val 0.15, test 0.15. */
  splits?: Readonly<Record<string, number>>;
  labelDistribution?: LabelDistribution;
  /** Fields photographed per case (well); default 1. */
  fieldsPerCase?: number;
  /** Accession prefix of the camera-export names; default 'A2026-'. */
  accessionPrefix?: string;
  /** Number of the first accession (a day's run rarely starts at 1); default 1. */
  firstAccession?: number;
  /**
   * Lab style (styles.ts): 'classic' or undefined = the classic generator. A style also supplies
   * the pixel size range and the export formats unless `pixelSizeUm` / `format` are given.
   */
  style?: string;
  /**
   * Write no pixel size into the files (default: stated where the format can hold it). Many real
   * exports state none, so a workstation without a microscope profile reads them at the model's
   * assumed size; the pixels are the same either way (the truth file keeps the true size).
   */
  unstatedPixelSize?: boolean;
  /** How mixed sera's patterns share the cells (FieldOptions.cellMixing); default 'shared'. */
  cellMixing?: CellMixing;
  /** Replace an existing labels.csv in outDir instead of refusing. */
  overwrite?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface DatasetSummary {
  outDir: string;
  csvPath: string;
  truthPath: string;
  fields: number;
  cases: number;
  bySplit: Record<string, number>;
  byLabel: Record<string, number>;
  negatives: number;
  meanCardinality: number;
  elapsedMs: number;
}

export const DEFAULT_SPLITS: Readonly<Record<string, number>> = { train: 0.7, val: 0.15, test: 0.15 };
export const DEFAULT_SIZE_PX = { width: 1024, height: 768 } as const;

interface CasePlan {
  accession: string;
  split: string;
  labels: string[];
  intensity: number;
  pixelSizeUm: number;
  format: SynthFormat;
  fieldSeeds: number[];
}

export async function writeDataset(options: WriteDatasetOptions): Promise<DatasetSummary> {
  const started = performance.now();
  const { outDir, count, seed } = options;
  if (!Number.isInteger(count) || count < 1) throw new DomainError('bad-request', `synthetic dataset: count must be a whole number >= 1, got ${count}`);
  const fieldsPerCase = options.fieldsPerCase ?? 1;
  if (!Number.isInteger(fieldsPerCase) || fieldsPerCase < 1) throw new DomainError('bad-request', `synthetic dataset: fieldsPerCase must be a whole number >= 1`);
  const size = options.sizePx ?? DEFAULT_SIZE_PX;
  const distribution = options.labelDistribution ?? DEFAULT_LABEL_DISTRIBUTION;
  validateLabelDistribution(distribution);
  const splits = normaliseSplits(options.splits ?? DEFAULT_SPLITS);
  const csvPath = join(outDir, 'labels.csv');
  const truthPath = join(outDir, 'truth.jsonl');
  if (!options.overwrite && (await exists(csvPath))) throw new DomainError('conflict', `${csvPath} already exists; choose an empty folder or overwrite it`);

  const style = options.style === undefined ? undefined : findStyle(options.style);
  const plans = planCases(options, count, fieldsPerCase, distribution, splits, style);
  await mkdir(join(outDir, 'images'), { recursive: true });
  const truthTmp = `${truthPath}.partial`;
  const truthFile = await open(truthTmp, 'w');
  const rows: { path: string; labels: string[]; split: string }[] = [];
  let done = 0;
  let pendingWrite: Promise<void> = Promise.resolve();
  try {
    for (const plan of plans) {
      for (let f = 0; f < plan.fieldSeeds.length && done < count; f++) {
        const fieldSeed = plan.fieldSeeds[f]!;
        const field = generateField(
          { widthPx: size.width, heightPx: size.height, pixelSizeUm: plan.pixelSizeUm, labels: plan.labels, intensity: plan.intensity, dapi: formatNeedsDapi(plan.format), cellMixing: options.cellMixing, ...(style ? { style: style.name, format: plan.format } : {}) },
          fieldSeed,
        );
        const relPath = `images/${plan.accession}_F${f + 1}.${formatExtension(plan.format)}`;
        // Encode on sharp's threads while the next field renders on this one.
        await pendingWrite;
        pendingWrite = encodeField(field, plan.format, { statesPixelSize: !options.unstatedPixelSize }).then((bytes) => writeFile(join(outDir, relPath), bytes));
        rows.push({ path: relPath, labels: field.labels, split: plan.split });
        await truthFile.write(JSON.stringify(truthLine(relPath, plan, fieldSeed, field, options.cellMixing)) + '\n');
        done++;
        options.onProgress?.(done, count);
      }
    }
    await pendingWrite;
  } finally {
    await pendingWrite.catch(() => undefined);
    await truthFile.close();
  }
  await rename(truthTmp, truthPath);
  await writeFile(`${csvPath}.partial`, formatDatasetCsv(rows));
  await rename(`${csvPath}.partial`, csvPath);

  const bySplit: Record<string, number> = {};
  const byLabel: Record<string, number> = {};
  let labelTotal = 0;
  for (const r of rows) {
    bySplit[r.split] = (bySplit[r.split] ?? 0) + 1;
    for (const l of r.labels) byLabel[l] = (byLabel[l] ?? 0) + 1;
    labelTotal += r.labels.length;
  }
  return {
    outDir,
    csvPath,
    truthPath,
    fields: rows.length,
    cases: new Set(rows.map((r) => r.path.split('_')[0])).size,
    bySplit,
    byLabel,
    negatives: rows.filter((r) => r.labels.length === 0).length,
    meanCardinality: labelTotal / rows.length,
    elapsedMs: performance.now() - started,
  };
}

function planCases(options: WriteDatasetOptions, count: number, fieldsPerCase: number, distribution: LabelDistribution, splits: [string, number][], style: LabStyle | undefined): CasePlan[] {
  const rng = new Random(options.seed);
  const caseCount = Math.ceil(count / fieldsPerCase);
  const prefix = options.accessionPrefix ?? 'A2026-';
  const first = options.firstAccession ?? 1;
  if (!Number.isInteger(first) || first < 0) throw new DomainError('bad-request', `synthetic dataset: firstAccession must be a whole number >= 0`);
  if (!/^[A-Za-z0-9-]*$/.test(prefix)) throw new DomainError('bad-request', `synthetic dataset: accession prefix '${prefix}' may only hold letters, digits and '-' (a '_' or '.' would end the accession)`);
  const digits = Math.max(4, String(first + caseCount - 1).length);
  const splitOf = assignSplits(rng, caseCount, splits);
  const formats: readonly SynthFormat[] = options.format === 'mixed' ? SYNTH_FORMATS : typeof options.format === 'string' ? [options.format] : (options.format ?? style?.camera.formats ?? ['png-rgb8']);
  const pixelSizeOption = options.pixelSizeUm ?? (style ? { minUm: style.optics.pixelSizeUm[0], maxUm: style.optics.pixelSizeUm[1] } : undefined);
  if (formats.length === 0) throw new DomainError('bad-request', 'synthetic dataset: the format list is empty');
  const plans: CasePlan[] = [];
  for (let c = 0; c < caseCount; c++) {
    const labels = sampleLabelSet(rng, distribution);
    const intensity = Math.exp(rng.uniform(Math.log(MIN_POSITIVE_INTENSITY), 0));
    const pixelSizeUm = drawPixelSize(rng, pixelSizeOption);
    const format = rng.pick(formats);
    const fieldSeeds = Array.from({ length: fieldsPerCase }, () => rng.int(0, 0x7fffffff));
    plans.push({ accession: `${prefix}${String(first + c).padStart(digits, '0')}`, split: splitOf[c]!, labels, intensity: labels.length ? intensity : 0, pixelSizeUm, format, fieldSeeds });
  }
  return plans;
}

function drawPixelSize(rng: Random, option: WriteDatasetOptions['pixelSizeUm']): number {
  const { min, max } = PIXEL_SIZE_RANGE_UM;
  if (option === undefined) return DEFAULT_PIXEL_SIZE_UM;
  if (typeof option === 'number') return option;
  if (!(option.minUm >= min && option.maxUm <= max && option.minUm <= option.maxUm)) {
    throw new DomainError('bad-request', `synthetic dataset: pixel size range ${option.minUm}–${option.maxUm} µm must lie within ${min}–${max} µm`);
  }
  return Math.round(rng.uniform(option.minUm, option.maxUm) * 1000) / 1000;
}

/** Exact split sizes by largest remainder, then a seeded shuffle of which case gets which. */
function assignSplits(rng: Random, caseCount: number, splits: [string, number][]): string[] {
  const exact = splits.map(([name, share]) => ({ name, exact: share * caseCount }));
  const sizes = exact.map((e) => Math.floor(e.exact));
  let missing = caseCount - sizes.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, rest: e.exact - Math.floor(e.exact) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0; missing > 0; k = (k + 1) % order.length, missing--) sizes[order[k]!.i]!++;
  const names: string[] = [];
  sizes.forEach((n, i) => names.push(...Array<string>(n).fill(exact[i]!.name)));
  return rng.shuffle(names);
}

function normaliseSplits(splits: Readonly<Record<string, number>>): [string, number][] {
  const entries = Object.entries(splits);
  if (entries.length === 0) throw new DomainError('bad-request', 'synthetic dataset: at least one split is needed');
  for (const [name, share] of entries) {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new DomainError('bad-request', `synthetic dataset: split name '${name}' may only hold letters, digits, '-' and '_'`);
    if (!(share >= 0) || !Number.isFinite(share)) throw new DomainError('bad-request', `synthetic dataset: share of split '${name}' must be a number >= 0`);
  }
  const total = entries.reduce((s, [, v]) => s + v, 0);
  if (!(total > 0)) throw new DomainError('bad-request', 'synthetic dataset: split shares must not all be 0');
  return entries.map(([name, v]) => [name, v / total]);
}

function truthLine(path: string, plan: CasePlan, seed: number, field: SynthField, cellMixing: CellMixing | undefined) {
  return {
    path,
    accession: plan.accession,
    split: plan.split,
    labels: field.labels,
    seed,
    format: plan.format,
    widthPx: field.widthPx,
    heightPx: field.heightPx,
    pixelSizeUm: field.pixelSizeUm,
    intensity: field.intensity,
    intensityLevel: field.intensityLevel,
    subtypes: field.subtypes,
    // Styled fields only: a classic truth line stays as it was (no style key means 'classic').
    ...(field.style ? { style: field.style, styleParams: field.styleParams } : {}),
    ...(cellMixing === 'separate' ? { cellMixing } : {}),
    cells: field.cells,
  };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
