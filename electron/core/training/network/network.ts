/**
 * A sequential network described by data (input shape + layer specs), its parameters and their
 * seeded initialisation, and the emission of its forward and reverse passes into one graph.
 */
import { DomainError } from '../../errors';
import { Random } from '../../random';
import type { Emitter } from './emitter';
import { createLayer, type Layer, type LayerForward, type LayerSpec, type ParamSpec } from './layers';

export interface NetworkSpec {
  /** Per-patch input [channels, height, width]. */
  inputShape: [number, number, number];
  /** Layers in order; the last one yields the logits (no final sigmoid: the loss and the heads add it). */
  layers: LayerSpec[];
}

export interface Network {
  readonly spec: NetworkSpec;
  readonly layers: readonly Layer[];
  readonly params: readonly ParamSpec[];
  /** Per-sample output shape, [K] for a classifier. */
  readonly outShape: readonly number[];
}

/** Parameter values by ParamSpec name, float32 row-major. */
export type ParamSet = Record<string, Float32Array>;

export function createNetwork(spec: NetworkSpec): Network {
  const layers: Layer[] = [];
  let shape: readonly number[] = spec.inputShape;
  spec.layers.forEach((layerSpec, i) => {
    const layer = createLayer(layerSpec, shape, `l${i}.${layerSpec.kind}`);
    layers.push(layer);
    shape = layer.outShape;
  });
  return { spec, layers, params: layers.flatMap((l) => l.params), outShape: shape };
}

/** Parameters of layers `firstTrainableLayer` and above, in `net.params` order. */
export function trainableParams(net: Network, firstTrainableLayer = 0): ParamSpec[] {
  if (!Number.isInteger(firstTrainableLayer) || firstTrainableLayer < 0 || firstTrainableLayer >= net.layers.length) {
    throw new DomainError('bad-request', `first trainable layer ${firstTrainableLayer} is not a layer index 0..${net.layers.length - 1}`);
  }
  return net.layers.slice(firstTrainableLayer).flatMap((l) => l.params);
}

export function paramSize(p: ParamSpec): number {
  return p.shape.reduce((a, b) => a * b, 1);
}

export function initParams(net: Network, seed: number): ParamSet {
  const rng = new Random(seed);
  const out: ParamSet = {};
  for (const p of net.params) {
    const data = new Float32Array(paramSize(p));
    if (p.init === 'ones') data.fill(1);
    else if (p.init === 'he-normal' || p.init === 'lecun-normal') {
      const std = Math.sqrt((p.init === 'he-normal' ? 2 : 1) / p.fanIn);
      for (let i = 0; i < data.length; i++) data[i] = rng.normal(0, std);
    }
    out[p.name] = data;
  }
  return out;
}

export function checkParams(net: Network, params: ParamSet, source: string): void {
  for (const p of net.params) {
    const value = params[p.name];
    if (!value) throw new DomainError('bad-request', `${source}: parameter '${p.name}' is missing`);
    if (value.length !== paramSize(p)) throw new DomainError('bad-request', `${source}: parameter '${p.name}' has ${value.length} values, expected ${paramSize(p)} for shape [${p.shape.join(', ')}]`);
  }
}

/**
 * The weights (1 − share)·from + share·to, parameter by parameter (weight-space ensembling,
 * WiSE-FT: Wortsman et al., CVPR 2022). Both sets must fit `net`; share 1 returns a copy of `to`.
 */
export function blendParams(net: Network, from: ParamSet, to: ParamSet, share: number): ParamSet {
  if (!(share >= 0 && share <= 1)) throw new DomainError('bad-request', `weight share must be between 0 and 1, got ${share}`);
  checkParams(net, from, 'blended weights (from)');
  checkParams(net, to, 'blended weights (to)');
  return Object.fromEntries(net.params.map((p) => [p.name, Float32Array.from(from[p.name]!, (x, i) => (1 - share) * x + share * to[p.name]![i]!)]));
}

export interface NetworkForward {
  /** Output of the last layer. */
  y: string;
  /** Output of every layer, in order (the input to the last linear layer serves as embedding). */
  activations: string[];
  /**
   * Emits the reverse pass from dL/dy down to layer `firstTrainableLayer` (0: all layers); returns
   * dL/dparam for the parameters of those layers, in `net.params` order. Layers below get no
   * gradient work at all, which is what makes last-blocks-only fine-tuning cheaper.
   */
  backward(dy: string, firstTrainableLayer?: number): string[];
}

/** Each layer with its graph tensors: `paramNames` holds one for each entry of `net.params`, in order. */
function layersWithParams(net: Network, paramNames: readonly string[]): [Layer, string[]][] {
  let offset = 0;
  return net.layers.map((layer) => [layer, paramNames.slice(offset, (offset += layer.params.length))]);
}

/**
 * Emits the forward pass for reading only: each layer's cheaper `infer` graph where it has one.
 * Returns the output and every layer's activation, as emitNetwork does.
 */
export function emitInference(e: Emitter, net: Network, x: string, paramNames: readonly string[]): { y: string; activations: string[] } {
  const activations: string[] = [];
  for (const [layer, names] of layersWithParams(net, paramNames)) {
    const input = activations.at(-1) ?? x;
    activations.push(layer.infer ? layer.infer(e, input, names) : layer.forward(e, input, names).y);
  }
  return { y: activations.at(-1) ?? x, activations };
}

/** Emits the forward pass; `paramNames` holds the graph tensor for each entry of `net.params`. */
export function emitNetwork(e: Emitter, net: Network, x: string, paramNames: readonly string[]): NetworkForward {
  const passes: LayerForward[] = [];
  const activations: string[] = [];
  for (const [layer, names] of layersWithParams(net, paramNames)) {
    const pass = layer.forward(e, activations.at(-1) ?? x, names);
    passes.push(pass);
    activations.push(pass.y);
  }
  const current = activations.at(-1) ?? x;
  return {
    y: current,
    activations,
    backward(dy, firstTrainableLayer = 0) {
      const grads: string[][] = [];
      let upstream = dy;
      for (let i = passes.length - 1; i >= firstTrainableLayer; i--) {
        // Nothing below the lowest trained layer needs an input gradient (the patches never do).
        const { dx, dparams } = passes[i]!.backward(upstream, i > firstTrainableLayer);
        grads.unshift(dparams);
        if (dx) upstream = dx;
      }
      return grads.flat();
    },
  };
}
