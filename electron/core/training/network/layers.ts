/**
 * Layers of a sequential network, each emitting its forward pass and, by reverse-mode
 * differentiation, its backward pass as standard ONNX operators. Shapes are per sample (the batch
 * dimension stays dynamic), so one graph serves any batch size.
 *
 * Convolution gradients: the input gradient is a ConvTranspose of the upstream gradient with the
 * same weights; the weight gradient is a Conv of the input and the upstream gradient with batch
 * and channel axes swapped, the stride becoming a dilation, or for stride 1 one matrix product
 * per kernel offset (faster on ONNX Runtime).
 */
import { DomainError } from '../../errors';
import type { Emitter } from './emitter';

export type LayerSpec =
  | { kind: 'conv2d'; outChannels: number; kernel: number; stride?: number; padding?: number }
  | { kind: 'groupnorm'; groups: number; eps?: number }
  | { kind: 'relu' }
  | { kind: 'globalavgpool' }
  | { kind: 'linear'; outFeatures: number }
  | { kind: 'sigmoid' };

export type ParamInit = 'he-normal' | 'lecun-normal' | 'zeros' | 'ones';

export interface ParamSpec {
  /** Unique within a network, e.g. "l0.conv2d.weight". */
  name: string;
  shape: number[];
  init: ParamInit;
  fanIn: number;
}

export interface LayerGradients {
  /** Gradient with respect to the layer input, or null when not asked for. */
  dx: string | null;
  /** One gradient per parameter, in the order of `Layer.params`. */
  dparams: string[];
}

export interface LayerForward {
  y: string;
  backward(dy: string, needDx: boolean): LayerGradients;
}

export interface Layer {
  readonly spec: LayerSpec;
  /** Per-sample input shape: [C, H, W] or [F]. */
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly params: readonly ParamSpec[];
  forward(e: Emitter, x: string, params: readonly string[]): LayerForward;
  /**
   * The forward pass for reading only (no backward), when a cheaper graph computes the same
   * function; layers without one read through `forward`.
   */
  infer?(e: Emitter, x: string, params: readonly string[]): string;
}

export function createLayer(spec: LayerSpec, inShape: readonly number[], prefix: string): Layer {
  switch (spec.kind) {
    case 'conv2d':
      return conv2d(spec, image(inShape, spec.kind), prefix);
    case 'groupnorm':
      return groupNorm(spec, image(inShape, spec.kind), prefix);
    case 'relu':
      return relu(spec, inShape);
    case 'sigmoid':
      return sigmoid(spec, inShape);
    case 'globalavgpool':
      return globalAvgPool(spec, image(inShape, spec.kind));
    case 'linear':
      return linear(spec, inShape, prefix);
  }
}

function image(shape: readonly number[], kind: string): [number, number, number] {
  if (shape.length !== 3) throw new DomainError('bad-request', `layer '${kind}' needs an image input [C, H, W], got [${shape.join(', ')}]`);
  return [shape[0]!, shape[1]!, shape[2]!];
}

function conv2d(spec: Extract<LayerSpec, { kind: 'conv2d' }>, [c, h, w]: [number, number, number], prefix: string): Layer {
  const k = spec.kernel;
  const s = spec.stride ?? 1;
  const p = spec.padding ?? 0;
  const co = spec.outChannels;
  const oh = Math.floor((h + 2 * p - k) / s) + 1;
  const ow = Math.floor((w + 2 * p - k) / s) + 1;
  if (oh < 1 || ow < 1) throw new DomainError('bad-request', `conv2d ${prefix}: kernel ${k} with padding ${p} does not fit a ${h}×${w} input`);
  const fanIn = c * k * k;
  return {
    spec,
    inShape: [c, h, w],
    outShape: [co, oh, ow],
    params: [
      { name: `${prefix}.weight`, shape: [co, c, k, k], init: 'he-normal', fanIn },
      { name: `${prefix}.bias`, shape: [co], init: 'zeros', fanIn },
    ],
    forward(e, x, [weight, bias]) {
      const y = e.node('Conv', [x, weight!, bias!], { kernel_shape: [k, k], strides: [s, s], pads: [p, p, p, p] });
      return {
        y,
        backward(dy, needDx) {
          let dx: string | null = null;
          if (needDx) {
            // Rows/columns the forward stride skipped at the far border come back as output_padding.
            const padH = h - ((oh - 1) * s + k - 2 * p);
            const padW = w - ((ow - 1) * s + k - 2 * p);
            dx = e.node('ConvTranspose', [dy, weight!], { kernel_shape: [k, k], strides: [s, s], pads: [p, p, p, p], output_padding: [padH, padW] });
          }
          const xT = e.node('Transpose', [x], { perm: [1, 0, 2, 3] });
          const dyT = e.node('Transpose', [dy], { perm: [1, 0, 2, 3] });
          const geometry: ConvGeometry = { c, h, w, co, oh, ow, k, s, p };
          const dw = s === 1 ? weightGradientByProducts(e, xT, dyT, geometry) : weightGradientByConv(e, xT, dyT, geometry);
          const db = e.sumPerChannel(dy);
          return { dx, dparams: [dw, db] };
        },
      };
    },
  };
}

/** A convolution's sizes: input [c, h, w], output [co, oh, ow], kernel k, stride s, padding p. */
interface ConvGeometry {
  c: number;
  h: number;
  w: number;
  co: number;
  oh: number;
  ow: number;
  k: number;
  s: number;
  p: number;
}

/**
 * dW as one Conv: [C, N, H, W] ⊛ [Co, N, oh, ow] with dilation s → [C, Co, kh', kw'], kh' ≥ k,
 * then sliced to k × k and transposed back to [Co, C, k, k].
 */
function weightGradientByConv(e: Emitter, xT: string, dyT: string, { h, w, oh, ow, k, s, p }: ConvGeometry): string {
  let dwT = e.node('Conv', [xT, dyT], { kernel_shape: [oh, ow], dilations: [s, s], pads: [p, p, p, p], strides: [1, 1] });
  const kh = h + 2 * p - (oh - 1) * s;
  const kw = w + 2 * p - (ow - 1) * s;
  if (kh !== k || kw !== k) dwT = e.node('Slice', [dwT, e.ints([0, 0]), e.ints([k, k]), e.ints([2, 3])]);
  return e.node('Transpose', [dwT], { perm: [1, 0, 2, 3] });
}

/**
 * dW of a stride-1 convolution as k·k matrix products, one per kernel offset: the upstream
 * gradient [Co, N·oh·ow] times the padded input's window at that offset, [C, N·oh·ow]ᵀ → [Co, C].
 * ONNX Runtime runs the single Conv above (an oh × ow kernel with a k × k output) at a third of
 * its forward convolution speed; this form measured about 2× faster on the shipped encoder's
 * stride-1 layers. Strided layers keep the Conv: copying their strided windows costs what the
 * products save (docs/lab-adaptation.md, "A cheaper training step").
 */
function weightGradientByProducts(e: Emitter, xT: string, dyT: string, { c, co, oh, ow, k, p }: ConvGeometry): string {
  const padded = p > 0 ? e.node('Pad', [xT, e.ints([0, 0, p, p, 0, 0, p, p])]) : xT;
  const dyRows = e.reshape(dyT, [co, -1]);
  const perOffset: string[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const window = e.node('Slice', [padded, e.ints([i, j]), e.ints([i + oh, j + ow]), e.ints([2, 3])]);
      perOffset.push(e.reshape(e.node('Gemm', [dyRows, e.reshape(window, [c, -1])], { transB: 1 }), [co, c, 1]));
    }
  }
  return e.reshape(e.node('Concat', perOffset, { axis: 2 }), [co, c, k, k]);
}

function groupNorm(spec: Extract<LayerSpec, { kind: 'groupnorm' }>, [c, h, w]: [number, number, number], prefix: string): Layer {
  const g = spec.groups;
  const eps = spec.eps ?? 1e-5;
  if (c % g !== 0) throw new DomainError('bad-request', `groupnorm ${prefix}: ${c} channels do not split into ${g} groups`);
  return {
    spec,
    inShape: [c, h, w],
    outShape: [c, h, w],
    params: [
      { name: `${prefix}.gamma`, shape: [c], init: 'ones', fanIn: c },
      { name: `${prefix}.beta`, shape: [c], init: 'zeros', fanIn: c },
    ],
    // ONNX Runtime's InstanceNormalization over each sample's groups. It replaced seven
    // element-wise passes that were half of a patch's reading time (docs/results.md, "Reading at
    // 192 px"); training keeps LayerNormalization, whose 1/σ its backward needs. With one channel
    // per group it takes γ and β itself.
    infer(e, x, [gamma, beta]) {
      if (g === c) return e.node('InstanceNormalization', [x, gamma!, beta!], { epsilon: { float: eps } });
      const normalised = e.node('InstanceNormalization', [e.reshape(x, [0, g, -1]), e.constant(new Float32Array(g).fill(1)), e.constant(new Float32Array(g))], { epsilon: { float: eps } });
      return e.add(e.mul(e.reshape(normalised, [0, c, h, w]), e.reshape(gamma!, [c, 1, 1])), e.reshape(beta!, [c, 1, 1]));
    },
    forward(e, x, [gamma, beta]) {
      // One LayerNormalization kernel over each sample's groups gives x̂ and 1/σ together, in
      // place of three element-wise passes and two reductions written out.
      const perGroup = (c / g) * h * w;
      const [xhatR, , rstd] = e.nodeOutputs('LayerNormalization', [e.reshape(x, [0, g, -1]), e.constant(new Float32Array(perGroup).fill(1))], { axis: -1, epsilon: { float: eps } }, 3);
      const xhat = e.reshape(xhatR!, [0, c, h, w]);
      const y = e.add(e.mul(xhat, e.reshape(gamma!, [c, 1, 1])), e.reshape(beta!, [c, 1, 1]));
      return {
        y,
        backward(dy, needDx) {
          // Per sample and channel sums over space: γ's and β's gradients, and both group means below.
          const dyXhatSums = e.sumOver(e.mul(dy, xhat), [2, 3]);
          const dySums = e.sumOver(dy, [2, 3]);
          const dparams = [e.sumOver(dyXhatSums, [0]), e.sumOver(dySums, [0])];
          if (!needDx) return { dx: null, dparams };
          // dx = rstd · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)) with dx̂ = γ · dy, means over each
          // sample's group. Both means are γ-weighted sums of the per-channel sums above, so the
          // full-size work is two products and two differences:
          // dx = dy · (γ · rstd) − x̂ · (rstd · mean(dx̂ · x̂)) − rstd · mean(dx̂).
          const groupMean = (channelSums: string): string =>
            e.mul(e.sumOver(e.reshape(e.mul(channelSums, gamma!), [0, g, c / g]), [2], true), e.scalar(1 / perGroup));
          const rstd4 = e.reshape(rstd!, [0, g, 1, 1]);
          const dyScale = e.mul(e.reshape(gamma!, [g, c / g, 1]), rstd4);
          const xhatScale = e.mul(rstd4, e.reshape(groupMean(dyXhatSums), [0, g, 1, 1]));
          const shift = e.mul(rstd4, e.reshape(groupMean(dySums), [0, g, 1, 1]));
          const grouped = (t: string): string => e.reshape(t, [0, g, c / g, h * w]);
          const dx = e.sub(e.sub(e.mul(grouped(dy), dyScale), e.mul(grouped(xhat), xhatScale)), shift);
          return { dx: e.reshape(dx, [0, c, h, w]), dparams };
        },
      };
    },
  };
}

/** A parameter-free element-wise layer: `op` forward, `grad` the input gradient from x, y and dy. */
function elementwise(spec: LayerSpec, shape: readonly number[], op: string, grad: (e: Emitter, x: string, y: string, dy: string) => string): Layer {
  return {
    spec,
    inShape: shape,
    outShape: shape,
    params: [],
    forward(e, x) {
      const y = e.node(op, [x]);
      return {
        y,
        backward(dy, needDx) {
          return { dx: needDx ? grad(e, x, y, dy) : null, dparams: [] };
        },
      };
    },
  };
}

function relu(spec: LayerSpec, shape: readonly number[]): Layer {
  return elementwise(spec, shape, 'Relu', (e, x, _y, dy) => e.node('Where', [e.node('Greater', [x, e.scalar(0)]), dy, e.scalar(0)]));
}

function sigmoid(spec: LayerSpec, shape: readonly number[]): Layer {
  return elementwise(spec, shape, 'Sigmoid', (e, _x, y, dy) => e.mul(dy, e.mul(y, e.sub(e.scalar(1), y))));
}

function globalAvgPool(spec: LayerSpec, [c, h, w]: [number, number, number]): Layer {
  return {
    spec,
    inShape: [c, h, w],
    outShape: [c],
    params: [],
    forward(e, x) {
      const y = e.node('Flatten', [e.node('GlobalAveragePool', [x])], { axis: 1 });
      return {
        y,
        backward(dy, needDx) {
          if (!needDx) return { dx: null, dparams: [] };
          const spread = e.node('Expand', [e.reshape(dy, [0, c, 1, 1]), e.ints([1, 1, h, w])]);
          return { dx: e.mul(spread, e.scalar(1 / (h * w))), dparams: [] };
        },
      };
    },
  };
}

function linear(spec: Extract<LayerSpec, { kind: 'linear' }>, shape: readonly number[], prefix: string): Layer {
  if (shape.length !== 1) throw new DomainError('bad-request', `linear ${prefix}: needs a flat input [F], got [${shape.join(', ')}] (add globalavgpool first)`);
  const inF = shape[0]!;
  const outF = spec.outFeatures;
  return {
    spec,
    inShape: [inF],
    outShape: [outF],
    params: [
      { name: `${prefix}.weight`, shape: [outF, inF], init: 'lecun-normal', fanIn: inF },
      { name: `${prefix}.bias`, shape: [outF], init: 'zeros', fanIn: inF },
    ],
    forward(e, x, [weight, bias]) {
      const y = e.node('Gemm', [x, weight!, bias!], { transB: 1 });
      return {
        y,
        backward(dy, needDx) {
          const dw = e.node('Gemm', [dy, x], { transA: 1 });
          const db = e.sumOver(dy, [0]);
          return { dx: needDx ? e.node('MatMul', [dy, weight!]) : null, dparams: [dw, db] };
        },
      };
    },
  };
}
