/**
 * `generateClassicField(options, seed)`: one synthetic HEp-2 field with its ground truth. The same seed
 * and options give the same pixels on every machine (all randomness comes from one seeded
 * stream). The serum's labels, subtypes and titer are drawn first and independently, so the
 * intensity carries no information about the pattern.
 */
import { LABEL_KEYS } from '../../contract/labels';
import { DomainError } from '../errors';
import { Random } from '../random';
import { defaultCellCount, layoutCells } from './cell-layout';
import { renderCell, type FieldTextures, type RenderPlanes } from './cell-render';
import { addBackgroundAndDebris, formImage, planFormation } from './image-formation';
import { DEFAULT_LABEL_DISTRIBUTION, sampleLabelSet, validateLabelDistribution } from './label-sampler';
import { mapTexture, tileableNoise } from './raster';
import type { CellTruth, FieldOptions, IntensityLevel, PatternSubtypes, SynthField } from './synth.types';

export const DEFAULT_PIXEL_SIZE_UM = 0.5;
export const PIXEL_SIZE_RANGE_UM = { min: 0.15, max: 1.0 } as const;
export const MAX_FIELD_SIDE_PX = 8192;
/** Lowest titer-like strength of a positive field (a weak positive at the screening dilution). */
export const MIN_POSITIVE_INTENSITY = 0.12;

/** The classic generator (no lab style); `generateField` in ./styled-field.ts dispatches here. */
export function generateClassicField(options: FieldOptions, seed: number): SynthField {
  const { widthPx, heightPx } = options;
  const pixelSizeUm = options.pixelSizeUm ?? DEFAULT_PIXEL_SIZE_UM;
  validateOptions(options, pixelSizeUm);
  const rng = new Random(seed);
  const { labels, subtypes, intensity } = drawSerum(rng, options);

  const textures = makeTextures(rng, pixelSizeUm);
  const cells = layoutCells(rng, widthPx, heightPx, pixelSizeUm, options.cellCount ?? defaultCellCount(rng, widthPx, heightPx, pixelSizeUm), options.mitoticRate);
  const fieldStrengths = mixStrengths(rng, labels);
  const shown = cellPatterns(options.cellMixing, seed, cells.length, labels);
  const planes = emptyPlanes(widthPx, heightPx, options.dapi ?? false);
  const truths: CellTruth[] = [];
  for (const [index, cell] of cells.entries()) {
    const strengths: Record<string, number> = {};
    for (const [key, s] of Object.entries(fieldStrengths)) {
      const weak = s.heterogeneous && rng.next() > s.strongShare;
      strengths[key] = round3(s.level * Math.exp(rng.normal(0, 0.18)) * (weak ? rng.uniform(0.15, 0.4) : 1));
    }
    const patterns = showOnly(strengths, shown?.[index], labels);
    const drawn = renderCell(rng, planes, textures, cell, strengths, subtypes, pixelSizeUm);
    truths.push(cellTruth(cell, patterns, strengths, drawn, widthPx, heightPx));
  }

  let fitc: Float32Array;
  let dapi: Float32Array | undefined;
  if (options.imageFormation === false) {
    fitc = planes.specific;
    const gain = intensity || 1;
    for (let i = 0; i < fitc.length; i++) fitc[i] = Math.min(1, fitc[i]! * gain);
    dapi = planes.dapi ?? undefined;
  } else {
    const plan = planFormation(rng, widthPx, heightPx, pixelSizeUm);
    const image = planes.specific;
    const nonspecificLevel = Math.exp(rng.uniform(Math.log(0.02), Math.log(0.12)));
    for (let i = 0; i < image.length; i++) image[i] = image[i]! * intensity + planes.nonspecific[i]! * nonspecificLevel;
    addBackgroundAndDebris(rng, image, widthPx, heightPx, pixelSizeUm);
    fitc = formImage(rng, image, widthPx, heightPx, pixelSizeUm, plan, 1);
    if (planes.dapi) {
      const dapiImage = planes.dapi;
      const dapiGain = rng.uniform(0.45, 0.8);
      const dapiBackground = rng.uniform(0.005, 0.02);
      for (let i = 0; i < dapiImage.length; i++) dapiImage[i] = dapiImage[i]! * dapiGain + dapiBackground;
      dapi = formImage(rng, dapiImage, widthPx, heightPx, pixelSizeUm, plan, 1);
    }
  }
  return { widthPx, heightPx, pixelSizeUm, fitc, dapi, labels, intensity: round3(intensity), intensityLevel: intensityLevel(intensity), subtypes, cells: truths };
}

/** The serum: labels, expert subtypes and titer, drawn first and in a fixed order (styled fields share it). */
export function drawSerum(rng: Random, options: FieldOptions): { labels: string[]; subtypes: PatternSubtypes; intensity: number } {
  const distribution = options.labelDistribution ?? DEFAULT_LABEL_DISTRIBUTION;
  // Drawn even when labels are given, so the random stream (and with it the titer below) is the
  // same whatever the labels: intensity cannot depend on the pattern.
  const drawnLabels = sampleLabelSet(rng, distribution);
  const labels = options.labels ? LABEL_KEYS.filter((k) => options.labels!.includes(k)) : drawnLabels;
  const speckledDraw = rng.next();
  const subtypes: PatternSubtypes = {
    speckled: speckledDraw < 0.45 ? 'fine' : speckledDraw < 0.65 ? 'dense-fine' : 'coarse',
    nuclear_dots: rng.next() < 0.5 ? 'few' : 'multiple',
    nucleolar: rng.pick(['homogeneous', 'clumpy', 'punctate'] as const),
    nuclear_envelope: rng.next() < 0.7 ? 'smooth' : 'punctate',
  };
  Object.assign(subtypes, options.subtypes);
  const sampledIntensity = Math.exp(rng.uniform(Math.log(MIN_POSITIVE_INTENSITY), 0));
  const intensity = labels.length === 0 ? 0 : (options.intensity ?? sampledIntensity);
  return { labels, subtypes, intensity };
}

/** Zeroed signal planes for a field (the DAPI plane only when asked for). */
export function emptyPlanes(widthPx: number, heightPx: number, dapi: boolean): RenderPlanes {
  const plane = (): Float32Array => new Float32Array(widthPx * heightPx);
  return { widthPx, heightPx, specific: plane(), nonspecific: plane(), cytoCoverage: plane(), dapi: dapi ? plane() : null };
}

export function intensityLevel(intensity: number): IntensityLevel {
  if (intensity <= 0) return 'negative';
  if (intensity < 0.2) return 'weak';
  if (intensity < 0.4) return 'moderate';
  if (intensity < 0.7) return 'strong';
  return 'very-strong';
}

export function validateOptions(options: FieldOptions, pixelSizeUm: number): void {
  const { widthPx, heightPx } = options;
  for (const [name, v] of [['widthPx', widthPx], ['heightPx', heightPx]] as const) {
    if (!Number.isInteger(v) || v < 64 || v > MAX_FIELD_SIDE_PX) throw new DomainError('bad-request', `synthetic field: ${name} must be an integer within 64..${MAX_FIELD_SIDE_PX}, got ${v}`);
  }
  if (!(pixelSizeUm >= PIXEL_SIZE_RANGE_UM.min && pixelSizeUm <= PIXEL_SIZE_RANGE_UM.max)) {
    throw new DomainError('bad-request', `synthetic field: pixel size ${pixelSizeUm} µm is outside ${PIXEL_SIZE_RANGE_UM.min}..${PIXEL_SIZE_RANGE_UM.max} µm/px`);
  }
  for (const key of options.labels ?? []) {
    if (!LABEL_KEYS.includes(key)) throw new DomainError('bad-request', `synthetic field: unknown label key '${key}' (known: ${LABEL_KEYS.join(', ')})`);
  }
  if (options.intensity !== undefined && !(options.intensity >= 0 && options.intensity <= 1)) throw new DomainError('bad-request', `synthetic field: intensity must be within 0..1, got ${options.intensity}`);
  if (options.cellCount !== undefined && !(Number.isInteger(options.cellCount) && options.cellCount >= 0)) throw new DomainError('bad-request', `synthetic field: cellCount must be a whole number >= 0`);
  if (options.mitoticRate !== undefined && !(options.mitoticRate >= 0 && options.mitoticRate <= 1)) throw new DomainError('bad-request', `synthetic field: mitoticRate must be within 0..1, got ${options.mitoticRate}`);
  if (options.labelDistribution) validateLabelDistribution(options.labelDistribution);
}

export function makeTextures(rng: Random, pixelSizeUm: number): FieldTextures {
  const umToPx = 1 / pixelSizeUm;
  const fine = tileableNoise(rng, 0.25 * umToPx);
  const coarse = tileableNoise(rng, 0.75 * umToPx);
  const network = tileableNoise(rng, 0.55 * umToPx);
  const smooth = tileableNoise(rng, 1.6 * umToPx);
  const fineGrain = mapTexture(fine, (v) => Math.min(1.8, Math.max(0, v - 0.6) * 1.7));
  const coarseGrain = mapTexture(coarse, (v) => Math.min(2, Math.max(0, v - 0.7) * 1.9));
  // Zero crossings of band-limited noise form a connected network; granules ride on it.
  const reticular = new Float32Array(network.length);
  for (let i = 0; i < reticular.length; i++) reticular[i] = Math.exp(-((network[i]! / 0.45) ** 2)) * (0.45 + 0.9 * fineGrain[i]!);
  return { smooth, fineGrain, coarseGrain, reticular };
}

export interface FieldStrength {
  level: number;
  heterogeneous: boolean;
  strongShare: number;
}

/**
 * Mixed sera: each pattern has its own strength (mixed patterns carry their own titers), and in
 * about a third of mixed fields one pattern is strong only in part of the cells.
 */
export function mixStrengths(rng: Random, labels: string[]): Record<string, FieldStrength> {
  const out: Record<string, FieldStrength> = {};
  for (const key of labels) {
    const mixed = labels.length > 1;
    out[key] = {
      level: mixed ? rng.uniform(0.55, 1) : 1,
      heterogeneous: mixed && rng.next() < 0.3,
      strongShare: rng.uniform(0.4, 0.8),
    };
  }
  if (labels.length > 1) {
    const max = Math.max(...Object.values(out).map((s) => s.level));
    for (const s of Object.values(out)) s.level /= max;
  }
  return out;
}

/**
 * With `cellMixing: 'separate'`, the one pattern each cell of a mixed serum shows: the cells are
 * shuffled and dealt out to the patterns in turn, so each holds an equal share. The shuffle has its
 * own stream, so the field's other draws (serum, layout, style) stay those of a 'shared' field of
 * the same seed. Undefined when every cell shows every pattern.
 */
export function cellPatterns(mixing: FieldOptions['cellMixing'], seed: number, cellCount: number, labels: readonly string[]): string[] | undefined {
  if (mixing !== 'separate' || labels.length < 2) return undefined;
  const rng = new Random((seed ^ 0x5e9a7a7e) >>> 0);
  const order = Array.from({ length: cellCount }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const out: string[] = new Array(cellCount);
  order.forEach((cell, turn) => (out[cell] = labels[turn % labels.length]!));
  return out;
}

/** Zero every pattern but `shown` (when given) in a cell's strengths; returns the cell's patterns. */
export function showOnly(strengths: Record<string, number>, shown: string | undefined, labels: string[]): string[] {
  if (shown === undefined) return labels;
  for (const key of Object.keys(strengths)) if (key !== shown) strengths[key] = 0;
  return [shown];
}

export function cellTruth(cell: ReturnType<typeof layoutCells>[number], labels: string[], strengths: Record<string, number>, drawn: ReturnType<typeof renderCell>, widthPx: number, heightPx: number): CellTruth {
  const nuc = cell.nucleus;
  const cyto = cell.cytoplasm;
  const reach = Math.max(cyto.radiusXPx, cyto.radiusYPx) * 1.1;
  const x0 = Math.max(0, Math.floor(Math.min(cyto.centreXPx - reach, nuc.centreXPx - nuc.radiusXPx)));
  const y0 = Math.max(0, Math.floor(Math.min(cyto.centreYPx - reach, nuc.centreYPx - nuc.radiusXPx)));
  const x1 = Math.min(widthPx, Math.ceil(Math.max(cyto.centreXPx + reach, nuc.centreXPx + nuc.radiusXPx)));
  const y1 = Math.min(heightPx, Math.ceil(Math.max(cyto.centreYPx + reach, nuc.centreYPx + nuc.radiusXPx)));
  const truth: CellTruth = {
    id: cell.id,
    centreXPx: round1(nuc.centreXPx),
    centreYPx: round1(nuc.centreYPx),
    box: { xPx: x0, yPx: y0, widthPx: x1 - x0, heightPx: y1 - y0 },
    nucleus: { radiusXPx: round1(nuc.radiusXPx), radiusYPx: round1(nuc.radiusYPx), angleRad: round3(nuc.angleRad) },
    mitotic: cell.mitotic,
    patterns: [...labels],
    strengths,
    nucleoli: drawn.nucleoli,
  };
  if (drawn.centromereDots !== undefined) truth.centromereDots = drawn.centromereDots;
  if (drawn.nuclearDots !== undefined) truth.nuclearDots = drawn.nuclearDots;
  if (drawn.golgiAngleRad !== undefined) truth.golgiAngleRad = round3(drawn.golgiAngleRad);
  return truth;
}

export function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
