/**
 * The cell-level analysis of one field, on the decoded FITC plane (0..1) at its pixel size: the
 * background and noise, the segmented cells (interphase and mitotic), focus measured on the cells,
 * the saturated share, the cells' signal against the background, the features screening decides
 * on, and the cells' outlines in slide pixels. Pure computation (no I/O); about 1 µm per working
 * pixel, so a 2048×1536 field at 0.5 µm/px costs tens of milliseconds.
 */
import type { CellOutline } from '../../contract/quality';
import { ACQUISITION_STATISTICS, acquisitionStatistics, type AcquisitionStatistic, type AcquisitionStatistics } from './acquisition';
import { estimateBackground, estimateNoise } from './background';
import { candidateMitoses, mitosisFeatures } from './mitoses';
import { DEFAULT_SEGMENTATION, segmentCells, type SegmentationThresholds } from './segment';
import { boxMean3, histogramQuantile, histogramQuantiles, minMax, toWorkingImage } from './working-image';

/** A pixel at or above this (of the container's full scale, 0..1) is at the sensor's ceiling. */
export const SATURATION_LEVEL = 0.998;

/** Field-level medians over the cells: exposure-free, they are what screening decides on. */
export interface ScreeningFeatures {
  /** Median cell mean over the local background (≥ 1 when cells are brighter than the glass). */
  signalToBackground: number;
  /** Median over cells of the brightest 3 µm spot above background over the cell's mean above background. */
  peakToMean: number;
  /** Median over cells of fine (1 µm) texture, noise removed, over the cell's mean above background. */
  texture: number;
  /** Median over cells of the inner (nucleus-like) mean over the outer (cytoplasm-like) mean, above background. */
  innerToOuter: number;
  /** Fine texture of the outer (cytoplasm-like) part alone: granular cytoplasmic patterns raise it. */
  outerTexture: number;
}

export interface FieldAnalysis {
  widthPx: number;
  heightPx: number;
  pixelSizeUm: number;
  /** Field area in µm². */
  areaUm2: number;
  /** Spread of the field's signal: 99.5th minus 0.5th percentile (0..1). */
  dynamicRange: number;
  /** Median background level (0..1). */
  backgroundLevel: number;
  /** Noise σ at the working resolution (0..1). */
  noiseSigma: number;
  cells: number;
  mitoses: number;
  /** RMS gradient on the cells (noise removed) over their mean signal above background, per µm. */
  focusPerUm: number;
  saturatedFraction: number;
  features: ScreeningFeatures;
  /**
   * How the field was acquired (cell size in µm², halo, JPEG blocks): what the unfamiliar flag
   * compares besides the embedding. null when none was asked for (AnalysisOptions.acquisition).
   */
  acquisition: AcquisitionStatistics | null;
  outlines: CellOutline[];
  /** Per working pixel: the cell it belongs to (0 = none); `factor` slide pixels per working pixel. */
  cellMask: { labels: Int32Array; widthPx: number; heightPx: number; factor: number };
  timingsMs: { analyse: number };
}

export interface AnalysisOptions {
  segmentation?: SegmentationThresholds;
  /** Rays per outline polygon. */
  outlineRays?: number;
  /** false: one cell per connected region (only to measure what splitting gains). */
  splitTouching?: boolean;
  /**
   * The acquisition statistics to measure (default: all of them); a reader asks only for those its
   * familiarity reference judges, and none when it judges none: the halo and the JPEG blocks cost
   * more than the rest of the analysis (docs/field-quality.md, "The cell analysis").
   */
  acquisition?: readonly AcquisitionStatistic[];
}

interface CellStats {
  area: number;
  sumSignal: number;
  sumBackground: number;
  peak: number;
  sumTexture: number;
  sumGrad2: number;
  sumX: number;
  sumY: number;
  maxDepth: number;
  innerSum: number;
  innerN: number;
  outerSum: number;
  outerN: number;
  outerTexture: number;
}

export function analyseField(fitc: Float32Array, widthPx: number, heightPx: number, pixelSizeUm: number, options: AnalysisOptions = {}): FieldAnalysis {
  const t0 = performance.now();
  const work = toWorkingImage(fitc, widthPx, heightPx, pixelSizeUm);
  const { values, widthPx: w, heightPx: h } = work;
  const { min, max } = minMax(values);
  const [high, low] = histogramQuantiles(values, [0.995, 0.005], min, max, 2048);
  const dynamicRange = high! - low!;
  const noiseSigma = estimateNoise(values, w, h);
  const smoothed = boxMean3(values, w, h);
  // From the smoothed signal: the foreground test compares smoothed values against it.
  const background = estimateBackground(smoothed, w, h, work.pixelSizeUm);
  const seg = segmentCells(smoothed, background, noiseSigma, w, h, work.pixelSizeUm, options.segmentation ?? DEFAULT_SEGMENTATION, options.splitTouching ?? true);

  const stats = cellStatistics(values, smoothed, background, seg.labels, seg.depthPx, seg.count, w, h);
  const { labels } = seg;
  const cells = stats.slice(1).filter((s) => s.area > 0);
  // Candidate mitoses, by a small learned model on each object's brightness and shape (approximate: ./mitoses.ts).
  const mitotic = candidateMitoses(mitosisFeatures(values, background, labels, w, seg.count));

  const sobelNoiseVar = 0.375 * noiseSigma * noiseSigma;
  const textureNoise = 0.752 * noiseSigma;
  let grad2 = 0;
  let signal = 0;
  let area = 0;
  for (const s of cells) {
    grad2 += s.sumGrad2;
    signal += s.sumSignal;
    area += s.area;
  }
  const meanSignal = area > 0 ? signal / area : 0;
  const rmsGrad = area > 0 ? Math.sqrt(Math.max(0, grad2 / area - sobelNoiseVar)) : 0;
  const focusPerUm = meanSignal > 0 ? rmsGrad / meanSignal / work.pixelSizeUm : 0;

  const positive = (v: number) => Math.max(v, 1e-6);
  const features: ScreeningFeatures = {
    signalToBackground: cells.length ? median(cells.map((s) => (s.sumSignal + s.sumBackground) / positive(s.sumBackground))) : 0,
    peakToMean: cells.length ? median(cells.map((s) => s.peak / positive(s.sumSignal / s.area))) : 0,
    texture: cells.length ? median(cells.map((s) => Math.max(0, s.sumTexture / s.area - textureNoise) / positive(s.sumSignal / s.area))) : 0,
    innerToOuter: cells.length ? median(cells.map((s) => (s.outerN && s.innerN ? positive(s.innerSum / s.innerN) / positive(s.outerSum / s.outerN) : 1))) : 0,
    outerTexture: cells.length ? median(cells.map((s) => (s.outerN ? Math.max(0, s.outerTexture / s.outerN - textureNoise) / positive(s.outerSum / s.outerN) : 0))) : 0,
  };

  const saturated = countAtLeast(fitc, SATURATION_LEVEL);

  const rays = options.outlineRays ?? 24;
  const outlines: CellOutline[] = [];
  stats.forEach((s, c) => {
    if (c === 0 || s.area === 0) return;
    outlines.push({ polygon: outlinePolygon(labels, w, h, c, s.sumX / s.area, s.sumY / s.area, rays, work.factor), mitotic: mitotic[c]! });
  });
  const mitoses = outlines.filter((o) => o.mitotic).length;
  const wanted = options.acquisition ?? ACQUISITION_STATISTICS;
  return {
    widthPx,
    heightPx,
    pixelSizeUm,
    areaUm2: widthPx * heightPx * pixelSizeUm * pixelSizeUm,
    dynamicRange,
    backgroundLevel: histogramQuantile(background, 0.5, min, max, 1024, 0, background.length, 7),
    noiseSigma,
    cells: cells.length - mitoses,
    mitoses,
    focusPerUm,
    saturatedFraction: fitc.length ? saturated / fitc.length : 0,
    features,
    acquisition: wanted.length ? acquisitionStatistics(fitc, widthPx, heightPx, values, background, labels, w, h, work.pixelSizeUm, cells.map((s) => s.area), wanted) : null,
    outlines,
    cellMask: { labels, widthPx: w, heightPx: h, factor: work.factor },
    timingsMs: { analyse: performance.now() - t0 },
  };
}

/**
 * Per-cell sums in one pass over the labelled pixels and one more for the inner/outer split
 * (which needs each cell's depth first). Typed columns, not an object per cell: the per-pixel
 * property updates were the analysis's largest cost. Each sum adds the same terms in the same
 * order as before, so the results are the same to the bit.
 */
function cellStatistics(values: Float32Array, smoothed: Float32Array, background: Float32Array, labels: Int32Array, depthPx: Float32Array, count: number, w: number, h: number): CellStats[] {
  const n = count + 1;
  const area = new Float64Array(n);
  const sumSignal = new Float64Array(n);
  const sumBackground = new Float64Array(n);
  const peak = new Float64Array(n).fill(-Infinity);
  const sumTexture = new Float64Array(n);
  const sumGrad2 = new Float64Array(n);
  const sumX = new Float64Array(n);
  const sumY = new Float64Array(n);
  const maxDepth = new Float64Array(n);
  for (let y = 0; y < h; y++) {
    const interiorRow = y > 0 && y + 1 < h;
    for (let x = 0, i = y * w; x < w; x++, i++) {
      const c = labels[i]!;
      if (c === 0) continue;
      const v = values[i]!;
      const b = background[i]!;
      const sm = smoothed[i]!;
      area[c]!++;
      sumSignal[c]! += v - b;
      sumBackground[c]! += b;
      if (sm - b > peak[c]!) peak[c] = sm - b;
      sumTexture[c]! += Math.abs(v - sm);
      sumX[c]! += x;
      sumY[c]! += y;
      if (depthPx[i]! > maxDepth[c]!) maxDepth[c] = depthPx[i]!;
      if (interiorRow && x > 0 && x + 1 < w) {
        const gx = (values[i - w + 1]! + 2 * values[i + 1]! + values[i + w + 1]! - values[i - w - 1]! - 2 * values[i - 1]! - values[i + w - 1]!) / 8;
        const gy = (values[i + w - 1]! + 2 * values[i + w]! + values[i + w + 1]! - values[i - w - 1]! - 2 * values[i - w]! - values[i - w + 1]!) / 8;
        sumGrad2[c]! += gx * gx + gy * gy;
      }
    }
  }
  // Inner half (by depth) of each cell against its outer rim: nucleus against cytoplasm, roughly.
  const innerSum = new Float64Array(n);
  const innerN = new Float64Array(n);
  const outerSum = new Float64Array(n);
  const outerN = new Float64Array(n);
  const outerTexture = new Float64Array(n);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (c === 0) continue;
    const v = values[i]! - background[i]!;
    if (depthPx[i]! >= 0.5 * maxDepth[c]!) {
      innerSum[c]! += v;
      innerN[c]!++;
    } else {
      outerSum[c]! += v;
      outerN[c]!++;
      outerTexture[c]! += Math.abs(values[i]! - smoothed[i]!);
    }
  }
  return Array.from({ length: n }, (_, c) => ({
    area: area[c]!, sumSignal: sumSignal[c]!, sumBackground: sumBackground[c]!, peak: peak[c]!, sumTexture: sumTexture[c]!, sumGrad2: sumGrad2[c]!, sumX: sumX[c]!, sumY: sumY[c]!,
    maxDepth: maxDepth[c]!, innerSum: innerSum[c]!, innerN: innerN[c]!, outerSum: outerSum[c]!, outerN: outerN[c]!, outerTexture: outerTexture[c]!,
  }));
}

function countAtLeast(values: Float32Array, level: number): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! >= level) n++;
  return n;
}

/** A star-shaped polygon around a cell: from its centroid, the last pixel of the cell along each ray. Slide pixels. */
function outlinePolygon(labels: Int32Array, w: number, h: number, cell: number, cx: number, cy: number, rays: number, factor: number): number[] {
  const polygon: number[] = [];
  for (let r = 0; r < rays; r++) {
    const a = (2 * Math.PI * r) / rays;
    const dx = Math.cos(a);
    const dy = Math.sin(a);
    let reach = 0;
    for (let step = 0.5; step < 80; step += 0.5) {
      const x = Math.round(cx + dx * step);
      const y = Math.round(cy + dy * step);
      if (x < 0 || y < 0 || x >= w || y >= h || labels[y * w + x] !== cell) break;
      reach = step;
    }
    const x = Math.min(w, Math.max(0, cx + dx * (reach + 0.5) + 0.5));
    const y = Math.min(h, Math.max(0, cy + dy * (reach + 0.5) + 0.5));
    polygon.push(round1(x * factor), round1(y * factor));
  }
  return polygon;
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
