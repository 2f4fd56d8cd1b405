/**
 * Per-structure features of the default extractor (0.3.0), written as ONNX by our own code and
 * added to the filter bank of ./filter-bank.ts. The filter bank pools responses over the patch, so
 * "many small dots" and "a few brighter ones" can give the same mean; the patterns the 0.2.0 model
 * confused (nuclear dots vs speckled vs centromere vs nucleolar) differ in how many dots a nucleus
 * carries and how large they are. These features count them.
 *
 * The patch (0.5 µm/px) is divided by its RMS intensity first, so every threshold below is relative
 * to the patch's own brightness and the titer does not leak into counts. Then:
 *   - Gaussian blurs (separable, reflect-padded) at σ = 1, 2, 4, 8, 16 px and four difference-of-
 *     Gaussian bands (1−2, 2−4, 4−8, 8−16 px: 0.5–1, 1–2, 2–4 µm structures and whole nuclei);
 *   - per band, local maxima (a pixel equal to the MaxPool of its neighbourhood) above four
 *     relative heights → dot densities and a coarse histogram of dot heights; the mean height of
 *     the maxima above the lowest; local minima (dark holes: nucleoli spared in a speckled nucleus,
 *     the dark centre inside an envelope rim or an AMA-stained cytoplasm) above three depths;
 *     maxima whose height relative to the local brightness (the next coarser blur) exceeds three
 *     levels: dots on a dim nucleoplasm (nuclear dots) vs granules on a bright one (speckled);
 *   - the area share of the σ=4 blur above four levels (nucleus/cytoplasm/background areas, so the
 *     linear head can form dots per area as differences of logs) and a cumulative histogram of the
 *     σ=1 blur (seven levels);
 *   - fine (band 1) and medium (band 2) texture energy inside bright areas (nuclei) and inside
 *     dim areas (cytoplasm): homogeneous vs speckled nuclei, granular mitochondrial cytoplasm.
 * Every value goes through log(ε + v).
 */
import type { GraphBuilder } from '../../electron/core/models/onnx-graph';

export interface StructureConfig {
  /** Patch side in pixels at the model input. */
  inputPx: number;
  /**
   * How the graph computes the same features: 'fast' (default) blurs with long kernels by MatMul,
   * 'reference' by padded Convs as the 2.0.0 and 3.0.0 extractors were first built (issue 18's
   * baseline and the equivalence test; docs/results.md, reading throughput).
   */
  form?: ExtractorGraphForm;
}

export type ExtractorGraphForm = 'reference' | 'fast';

/**
 * Gaussian kernels longer than this many taps blur by MatMul with a banded matrix (the reflect
 * padding folded into its edge rows) instead of a padded Conv. ONNX Runtime's CPU Conv unrolls
 * every tap of a one-channel 1-D kernel (σ = 16 px: 97 taps), while a 256×256 MatMul runs at GEMM
 * speed: σ = 16 cost 3.8 ms of CPU per patch as Convs and 1.3 ms as MatMuls, σ = 8 2.5 and 1.4; the
 * short kernels (σ ≤ 4, ≤ 25 taps) are cheaper as Convs (1.8 ms for all three, 3.7 as MatMuls).
 */
const MATMUL_MIN_TAPS = 32;

const SIGMAS_PX = [1, 2, 4, 8, 16];
/** Neighbourhood (px) in which a band's maximum must be the largest value. */
const PEAK_WINDOW_PX = [3, 5, 9, 17];
const PEAK_HEIGHTS = [0.1, 0.3, 1, 3];
const HOLE_DEPTHS = [0.1, 0.3, 1];
/** Heights of a maximum relative to the local brightness (the next coarser blur) around it. */
const CONTRAST_LEVELS = [0.25, 0.5, 1];
const AREA_LEVELS = [0.25, 0.5, 1, 2];
const HISTOGRAM_LEVELS = [0.1, 0.25, 0.5, 1, 1.5, 2, 3];
/** RMS below this (a nearly empty patch) is not divided out, so noise is not blown up. */
export const RMS_FLOOR = 0.02;
const EPSILON = 1e-5;

export function structureFeatureNames(): string[] {
  const names: string[] = [];
  for (let b = 0; b < PEAK_WINDOW_PX.length; b++) {
    for (const h of PEAK_HEIGHTS) names.push(`band${b}_peaks_gt${h}`);
    names.push(`band${b}_peak_height`);
    for (const h of HOLE_DEPTHS) names.push(`band${b}_holes_gt${h}`);
    for (const h of CONTRAST_LEVELS) names.push(`band${b}_contrast_peaks_gt${h}`);
  }
  for (const a of AREA_LEVELS) names.push(`area_gt${a}`);
  for (const h of HISTOGRAM_LEVELS) names.push(`hist_gt${h}`);
  for (const b of [0, 1]) names.push(`band${b}_texture_bright`, `band${b}_texture_dim`);
  return names;
}

function gaussian1d(sigma: number): number[] {
  const r = Math.ceil(3 * sigma);
  const k: number[] = [];
  for (let x = -r; x <= r; x++) k.push(Math.exp(-(x * x) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / sum);
}

/**
 * B[i, j]: the weight of input pixel i in output pixel j of a 1-D blur with kernel `k` over `n`
 * pixels, reflect-padded as ONNX's Pad 'reflect' (index −1 reads 1, n reads n − 2): x·B blurs rows.
 */
export function bandMatrix(k: number[], n: number): Float32Array {
  const r = (k.length - 1) / 2;
  const b = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let t = -r; t <= r; t++) {
      const i = j + t < 0 ? -(j + t) : j + t >= n ? 2 * (n - 1) - (j + t) : j + t;
      b[i * n + j]! += k[t + r]!;
    }
  }
  return Float32Array.from(b);
}

/** Appends the structure features to `g`, reading `input` [N,1,P,P]; returns [N, dims] (already log). */
export function addStructureFeatures(g: GraphBuilder, input: string, config: StructureConfig): { features: string; dims: number } {
  // Reflect padding needs the kernel radius below the patch side.
  if (config.inputPx <= Math.ceil(3 * SIGMAS_PX.at(-1)!)) throw new Error(`structure features need patches larger than ${Math.ceil(3 * SIGMAS_PX.at(-1)!)} px`);
  const c = (name: string, value: number) => g.initializer(`sf_${name}`, [1], [value]);
  const tiny = c('tiny', 1e-12);
  const toFloat = (bool: string) => g.node('Cast', [bool], { to: 1 });
  const mean = (t: string) => g.node('GlobalAveragePool', [t]);

  const rms = g.node('Sqrt', [g.node('Add', [mean(g.node('Mul', [input, input])), tiny])]);
  const x = g.node('Div', [input, g.node('Max', [rms, c('rms_floor', RMS_FLOOR)])]);

  const blur = (t: string, sigma: number) => {
    const k = gaussian1d(sigma);
    if (config.form !== 'reference' && k.length > MATMUL_MIN_TAPS) {
      const rows = g.initializer(`sf_band_${sigma}`, [config.inputPx, config.inputPx], bandMatrix(k, config.inputPx));
      // Bᵀ·(x·B): rows, then columns; ONNX Runtime folds the constant Transpose when it loads the model.
      return g.node('MatMul', [g.node('Transpose', [rows], { perm: [1, 0] }), g.node('MatMul', [t, rows])]);
    }
    const r = (k.length - 1) / 2;
    const wx = g.initializer(`sf_gauss_x_${sigma}`, [1, 1, 1, k.length], k);
    const wy = g.initializer(`sf_gauss_y_${sigma}`, [1, 1, k.length, 1], k);
    const pads = g.int64Initializer(`sf_pads_${sigma}`, [8], [0, 0, r, r, 0, 0, r, r]);
    const padded = g.node('Pad', [t, pads], { mode: 'reflect' });
    return g.node('Conv', [g.node('Conv', [padded, wx], { kernel_shape: [1, k.length] }), wy], { kernel_shape: [k.length, 1] });
  };
  const blurs = SIGMAS_PX.map((s) => blur(x, s));
  const bands = PEAK_WINDOW_PX.map((_, b) => g.node('Sub', [blurs[b]!, blurs[b + 1]!]));

  const parts: string[] = [];
  bands.forEach((band, b) => {
    const w = PEAK_WINDOW_PX[b]!;
    const h = (w - 1) / 2;
    const pool = (t: string) => g.node('MaxPool', [t], { kernel_shape: [w, w], strides: [1, 1], pads: [h, h, h, h] });
    const isMax = toFloat(g.node('Equal', [pool(band), band]));
    for (const height of PEAK_HEIGHTS) parts.push(mean(g.node('Mul', [isMax, toFloat(g.node('Greater', [band, c(`h${b}_${height}`, height)]))])));
    const lowest = g.node('Mul', [isMax, toFloat(g.node('Greater', [band, c(`hl${b}`, PEAK_HEIGHTS[0]!)]))]);
    parts.push(g.node('Div', [mean(g.node('Mul', [lowest, band])), g.node('Add', [mean(lowest), c(`pe${b}`, 1e-6)])]));
    const negative = g.node('Neg', [band]);
    const isMin = toFloat(g.node('Equal', [pool(negative), negative]));
    for (const depth of HOLE_DEPTHS) parts.push(mean(g.node('Mul', [isMin, toFloat(g.node('Greater', [negative, c(`d${b}_${depth}`, depth)]))])));
    // Dots on a dim nucleoplasm (nuclear dots) stand out more than granules on a bright one (speckled).
    const contrast = g.node('Div', [band, g.node('Add', [g.node('Abs', [blurs[b + 1]!]), c(`cf${b}`, 0.05)])]);
    for (const level of CONTRAST_LEVELS) parts.push(mean(g.node('Mul', [isMax, toFloat(g.node('Greater', [contrast, c(`cl${b}_${level}`, level)]))])));
  });
  const coarse = blurs[2]!;
  for (const a of AREA_LEVELS) parts.push(mean(toFloat(g.node('Greater', [coarse, c(`a_${a}`, a)]))));
  for (const level of HISTOGRAM_LEVELS) parts.push(mean(toFloat(g.node('Greater', [blurs[0]!, c(`hist_${level}`, level)]))));
  const bright = toFloat(g.node('Greater', [coarse, c('bright', 1)]));
  const dim = g.node('Mul', [toFloat(g.node('Greater', [coarse, c('dim_lo', 0.15)])), toFloat(g.node('Less', [coarse, c('dim_hi', 0.6)]))]);
  for (const b of [0, 1]) {
    const energy = g.node('Abs', [bands[b]!]);
    for (const [name, mask] of [['bright', bright], ['dim', dim]] as const) {
      parts.push(g.node('Div', [mean(g.node('Mul', [energy, mask])), g.node('Add', [mean(mask), c(`t${b}${name}`, 1e-4)])]));
    }
  }
  const all = g.node('Flatten', [g.node('Concat', parts, { axis: 1 })], { axis: 1 });
  const features = g.node('Log', [g.node('Add', [g.node('Abs', [all]), c('eps', EPSILON)])]);
  return { features, dims: structureFeatureNames().length };
}
