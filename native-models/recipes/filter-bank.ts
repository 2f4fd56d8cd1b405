/**
 * The default model's feature extractor: a fixed multi-scale filter bank written as an ONNX graph
 * by our own code. No learned weights: every kernel is a formula (Gaussian derivatives,
 * Laplacian-of-Gaussian blob detectors, Gabor quadrature pairs), so the extractor is reproducible
 * bit for bit and needs no ImageNet download.
 *
 * Per scale (the input, then 2×2 average-pooled three times: octaves), on a reflect-padded image:
 *   - LoG at two widths, split into bright-blob (ReLU(−LoG)) and dark-centre (ReLU(LoG)) maps:
 *     dots, nucleoli, nuclei; a dark centre inside a bright rim (envelope, AMA's dark nucleus);
 *   - gradient magnitude from first Gaussian derivatives: edges and rims;
 *   - Gabor energies (√(even² + odd²)) at four orientations, reduced to their sum, max and min
 *     over orientation so the result does not depend on how a cell happens to lie;
 *   - Gaussian-smoothed intensity.
 * Each map is pooled over the patch by mean, RMS and max; the pooled statistics go through
 * log(ε + s), so a change of brightness (titer) shifts all features equally and a linear head can
 * form intensity-free ratios as differences; finally each feature is standardised with constants
 * calibrated once on generated fields (stored in the graph, so part of the extractor's hash).
 */
import type { GraphBuilder } from '../../electron/core/models/onnx-graph';

export interface FilterBankConfig {
  /** Patch side in pixels at the model input. */
  inputPx: number;
  /** Number of octaves (the first at input resolution). */
  scales: number;
  /** LoG sigmas in pixels of each octave. */
  logSigmasPx: number[];
  /** Gabor wavelength in pixels of each octave (0 = no Gabor maps). */
  gaborWavelengthPx: number;
  /** Kernel radius in pixels (kernels are (2r+1)²). */
  radiusPx: number;
  /**
   * Divide each patch by its RMS intensity (plus a floor) before filtering, so texture features do
   * not depend on brightness; the patch's own log mean/RMS/max are then appended as 3 features.
   */
  normalise?: boolean;
  /** Also pool each map by the mean of its brightest fraction of pixels (0 = off). */
  topFraction?: number;
}

export const DEFAULT_FILTER_BANK: FilterBankConfig = { inputPx: 128, scales: 4, logSigmasPx: [1, 1.6], gaborWavelengthPx: 4, radiusPx: 4 };

const EPSILON = 1e-4;
/** Floor of the per-patch RMS used for normalisation: background-only patches are not blown up. */
const RMS_FLOOR = 0.02;

function statsOf(config: FilterBankConfig): string[] {
  return config.topFraction ? ['mean', 'rms', 'max', 'top'] : ['mean', 'rms', 'max'];
}

export function featureNames(config: FilterBankConfig): string[] {
  const maps: string[] = [];
  for (const s of config.logSigmasPx) maps.push(`log${s}_bright`, `log${s}_dark`);
  maps.push('gradient');
  if (config.gaborWavelengthPx > 0) maps.push('gabor_sum', 'gabor_max', 'gabor_min');
  maps.push('smooth');
  const names: string[] = [];
  for (let scale = 0; scale < config.scales; scale++) for (const stat of statsOf(config)) for (const m of maps) names.push(`s${scale}_${m}_${stat}`);
  if (config.normalise) names.push('raw_mean', 'raw_rms', 'raw_max');
  return names;
}

/** Appends the extractor to `g`, reading `input` [N,1,P,P]; returns the raw log-feature tensor name and its width. */
export function addFilterBank(g: GraphBuilder, input: string, config: FilterBankConfig): { features: string; dims: number } {
  const r = config.radiusPx;
  const size = 2 * r + 1;
  const pads = g.int64Initializer('fb_pads', [8], [0, 0, r, r, 0, 0, r, r]);
  const logKernels = config.logSigmasPx.map((s) => logKernel(s, r));
  const wLog = g.initializer('fb_log_w', [logKernels.length, 1, size, size], logKernels.flat());
  const wGrad = g.initializer('fb_grad_w', [2, 1, size, size], [...gaussianDerivative(1, r, 'x'), ...gaussianDerivative(1, r, 'y')]);
  const wSmooth = g.initializer('fb_smooth_w', [1, 1, size, size], gaussian(1, r));
  const thetas = [0, Math.PI / 4, Math.PI / 2, (3 * Math.PI) / 4];
  const gabor = config.gaborWavelengthPx > 0;
  const wEven = gabor ? g.initializer('fb_gabor_even_w', [4, 1, size, size], thetas.flatMap((t) => gaborKernel(config.gaborWavelengthPx, t, r, 'even'))) : '';
  const wOdd = gabor ? g.initializer('fb_gabor_odd_w', [4, 1, size, size], thetas.flatMap((t) => gaborKernel(config.gaborWavelengthPx, t, r, 'odd'))) : '';
  const epsilon = g.initializer('fb_eps', [1], [EPSILON]);
  const tiny = g.initializer('fb_tiny', [1], [1e-12]);

  const pooled: string[] = [];
  let image = input;
  const raw: string[] = [];
  if (config.normalise) {
    const square = g.node('Mul', [input, input]);
    const rmsRaw = g.node('Sqrt', [g.node('Add', [g.node('GlobalAveragePool', [square]), tiny])]);
    raw.push(g.node('GlobalAveragePool', [input]), rmsRaw, g.node('GlobalMaxPool', [input]));
    const floor = g.initializer('fb_rms_floor', [1], [RMS_FLOOR]);
    image = g.node('Div', [input, g.node('Max', [rmsRaw, floor])]);
  }
  for (let scale = 0; scale < config.scales; scale++) {
    if (scale > 0) image = g.node('AveragePool', [image], { kernel_shape: [2, 2], strides: [2, 2] });
    const padded = g.node('Pad', [image, pads], { mode: 'reflect' });
    const conv = (w: string) => g.node('Conv', [padded, w], { kernel_shape: [size, size] });
    const log = conv(wLog);
    const bright = g.node('Relu', [g.node('Neg', [log])]);
    const dark = g.node('Relu', [log]);
    // Interleave bright/dark per sigma to match featureNames().
    const blobMaps: string[] = [];
    for (let k = 0; k < logKernels.length; k++) {
      blobMaps.push(sliceChannel(g, bright, k), sliceChannel(g, dark, k));
    }
    const grad = conv(wGrad);
    const gradient = g.node('Sqrt', [g.node('Add', [g.node('ReduceSum', [g.node('Mul', [grad, grad]), g.int64Initializer(`fb_axis1_${scale}`, [1], [1])], { keepdims: 1 }), tiny])]);
    const maps = [...blobMaps, gradient];
    if (gabor) {
      const even = conv(wEven);
      const odd = conv(wOdd);
      const energy = g.node('Sqrt', [g.node('Add', [g.node('Add', [g.node('Mul', [even, even]), g.node('Mul', [odd, odd])]), tiny])]);
      maps.push(
        g.node('ReduceSum', [energy, g.int64Initializer(`fb_axis1b_${scale}`, [1], [1])], { keepdims: 1 }),
        g.node('ReduceMax', [energy], { axes: [1], keepdims: 1 }),
        g.node('ReduceMin', [energy], { axes: [1], keepdims: 1 }),
      );
    }
    maps.push(conv(wSmooth));
    const stack = g.node('Concat', maps, { axis: 1 });
    const mean = g.node('GlobalAveragePool', [stack]);
    const rms = g.node('Sqrt', [g.node('Add', [g.node('GlobalAveragePool', [g.node('Mul', [stack, stack])]), tiny])]);
    const max = g.node('GlobalMaxPool', [stack]);
    pooled.push(mean, rms, max);
    if (config.topFraction) {
      const side = config.inputPx >> scale;
      const k = Math.max(1, Math.round(side * side * config.topFraction));
      const flat = g.node('Reshape', [stack, g.int64Initializer(`fb_flat_${scale}`, [3], [0, maps.length, -1])]);
      const [top] = [g.node('TopK', [flat, g.int64Initializer(`fb_k_${scale}`, [1], [k])], { axis: -1, largest: 1, sorted: 0 }, [`fb_top_${scale}`, `fb_topi_${scale}`])];
      pooled.push(g.node('Unsqueeze', [g.node('ReduceMean', [top!], { axes: [-1], keepdims: 1 }), g.int64Initializer(`fb_unsq_${scale}`, [1], [3])]));
    }
  }
  pooled.push(...raw);
  const all = g.node('Flatten', [g.node('Concat', pooled, { axis: 1 })], { axis: 1 });
  // Smoothed intensity can be slightly negative after normalisation; |x| keeps the log defined.
  const features = g.node('Log', [g.node('Add', [g.node('Abs', [all]), epsilon])]);
  return { features, dims: featureNames(config).length };
}

function sliceChannel(g: GraphBuilder, tensor: string, channel: number): string {
  const starts = g.int64Initializer(`fb_s_${tensor}_${channel}`, [1], [channel]);
  const ends = g.int64Initializer(`fb_e_${tensor}_${channel}`, [1], [channel + 1]);
  const axes = g.int64Initializer(`fb_a_${tensor}_${channel}`, [1], [1]);
  return g.node('Slice', [tensor, starts, ends, axes]);
}

function grid(r: number, f: (x: number, y: number) => number): number[] {
  const out: number[] = [];
  for (let y = -r; y <= r; y++) for (let x = -r; x <= r; x++) out.push(f(x, y));
  return out;
}

function gaussian(sigma: number, r: number): number[] {
  const k = grid(r, (x, y) => Math.exp(-(x * x + y * y) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / sum);
}

/** Scale-normalised LoG (σ²∇²G), made exactly zero-sum so flat regions answer 0 after truncation. */
function logKernel(sigma: number, r: number): number[] {
  const s2 = sigma * sigma;
  const g = grid(r, (x, y) => ((x * x + y * y - 2 * s2) / (s2 * s2)) * Math.exp(-(x * x + y * y) / (2 * s2)));
  const norm = grid(r, (x, y) => Math.exp(-(x * x + y * y) / (2 * s2))).reduce((a, b) => a + b, 0);
  const k = g.map((v) => (v * s2) / norm);
  const mean = k.reduce((a, b) => a + b, 0) / k.length;
  return k.map((v) => v - mean);
}

function gaussianDerivative(sigma: number, r: number, axis: 'x' | 'y'): number[] {
  const s2 = sigma * sigma;
  const norm = grid(r, (x, y) => Math.exp(-(x * x + y * y) / (2 * s2))).reduce((a, b) => a + b, 0);
  return grid(r, (x, y) => ((-(axis === 'x' ? x : y) / s2) * Math.exp(-(x * x + y * y) / (2 * s2)) * sigma) / norm);
}

function gaborKernel(wavelength: number, theta: number, r: number, phase: 'even' | 'odd'): number[] {
  const sigma = wavelength * 0.5;
  const envelope = grid(r, (x, y) => Math.exp(-(x * x + y * y) / (2 * sigma * sigma)));
  const norm = envelope.reduce((a, b) => a + b, 0);
  const wave = grid(r, (x, y) => {
    const u = x * Math.cos(theta) + y * Math.sin(theta);
    return phase === 'even' ? Math.cos((2 * Math.PI * u) / wavelength) : Math.sin((2 * Math.PI * u) / wavelength);
  });
  const k = envelope.map((e, i) => (e * wave[i]!) / norm);
  if (phase === 'odd') return k;
  // The even kernel would answer to flat brightness: remove its DC part within the envelope.
  const dc = k.reduce((a, b) => a + b, 0);
  return k.map((v, i) => v - (dc * envelope[i]!) / norm);
}
