/**
 * The graphs the whole-network trainer runs on ONNX Runtime:
 * - the training step: parameters, Adam state, a batch with targets and weights, lr and step in;
 *   updated parameters and state, loss, per-element BCE and per-patch probabilities out;
 * - the same step on whole images (mean-logit multi-instance loss): a pooling matrix in, the
 *   images' targets and weights, their BCE and probabilities out;
 * - the inference graph: learned weights as initialisers, patches in, probabilities and
 *   embeddings out (the layout of a model package);
 * - the self-supervised step: two views of each patch in, the contrastive loss on the network's
 *   output (a projection, not logits) and the updated parameters out;
 * - single-layer and loss graphs exposing gradients, for numerical gradient checks.
 */
import { DomainError } from '../../errors';
import { DEFAULT_ADAM, type AdamHyper } from '../adam';
import { emitAdamCorrections, emitAdamUpdate } from './adam-graph';
import { Emitter } from './emitter';
import { createLayer, type LayerSpec } from './layers';
import { emitContrastiveLoss } from './contrastive-loss';
import { emitWeightedBce, type LossPass } from './loss';
import { checkParams, emitInference, emitNetwork, trainableParams, type Network, type ParamSet } from './network';

export const STEP_IO = {
  patches: 'patches',
  targets: 'targets',
  pool: 'pool',
  pairs: 'pairs',
  weights: 'weights',
  lr: 'lr',
  step: 'step',
  loss: 'loss',
  bce: 'bce',
  probabilities: 'probabilities',
  param: (name: string) => `param:${name}`,
  adamM: (name: string) => `adam_m:${name}`,
  adamV: (name: string) => `adam_v:${name}`,
  nextParam: (name: string) => `next_param:${name}`,
  nextAdamM: (name: string) => `next_adam_m:${name}`,
  nextAdamV: (name: string) => `next_adam_v:${name}`,
  grad: (name: string) => `grad:${name}`,
} as const;

function labelCount(net: Network): number {
  if (net.outShape.length !== 1) throw new DomainError('bad-request', `network output must be flat [K] logits, got [${net.outShape.join(', ')}]`);
  return net.outShape[0]!;
}

export interface TrainingStepOptions {
  adam?: AdamHyper;
  /** Also output dL/dparam as `grad:<name>` (tests, diagnostics). */
  exposeGradients?: boolean;
  /**
   * Layers below this index are frozen: their parameters are inputs without Adam state and are
   * not updated (fine-tuning the last blocks only). Default 0: the whole network learns.
   */
  firstTrainableLayer?: number;
}

export function buildTrainingStepGraph(net: Network, options: TrainingStepOptions = {}): Uint8Array {
  const k = labelCount(net);
  return buildStepGraph(net, options, 'ana-training-step', (e, logits) => {
    const g = e.graph;
    const loss = emitWeightedBce(e, logits, g.input(STEP_IO.targets, ['N', k]), g.input(STEP_IO.weights, ['N', k]));
    return bceOutputs(loss, loss.dLogits, 'N', k);
  });
}

/**
 * The training step on whole images (multi-instance, mean-logit pooling, docs/method.md
 * §aggregation): `pool` [B, N] holds 1/n_b where patch n belongs to image b (n_b patches), so
 * the images' logits are pool · z; the weighted BCE is taken on them against `targets` and
 * `weights` [B, K], and its gradient reaches the patches as poolᵀ · dL/dz̄. Pooling in log-odds is
 * linear, which is why only mean-logit trains this way; per-element BCE and probabilities are
 * the images'.
 */
export function buildBagStepGraph(net: Network, options: TrainingStepOptions = {}): Uint8Array {
  const k = labelCount(net);
  return buildStepGraph(net, options, 'ana-bag-step', (e, logits) => {
    const g = e.graph;
    const pool = g.input(STEP_IO.pool, ['B', 'N']);
    const loss = emitWeightedBce(e, e.node('MatMul', [pool, logits]), g.input(STEP_IO.targets, ['B', k]), g.input(STEP_IO.weights, ['B', k]));
    return bceOutputs(loss, e.node('MatMul', [e.node('Transpose', [pool], { perm: [1, 0] }), loss.dLogits]), 'B', k);
  });
}

/**
 * The self-supervised step (contrastive-loss.ts): `patches` holds two augmented views of each of
 * M/2 patches, `pairs` [M, M] says which rows are views of one patch; the network's output is the
 * projection the loss compares. Only the loss comes out besides the updated parameters.
 */
export function buildContrastiveStepGraph(net: Network, options: TrainingStepOptions & { temperature: number }): Uint8Array {
  return buildStepGraph(net, options, 'ana-contrastive-step', (e, projections) => {
    const pass = emitContrastiveLoss(e, projections, e.graph.input(STEP_IO.pairs, ['N', 'N']), options.temperature);
    return { loss: pass.loss, dLogits: pass.dProjections, outputs: [] };
  });
}

type StepLoss = { loss: string; dLogits: string; outputs: [name: string, tensor: string, dims: (number | string)[]][] };

/** The BCE steps' outputs: per-element BCE and probabilities of each row (patch or image). */
function bceOutputs(loss: LossPass, dLogits: string, rows: string, k: number): StepLoss {
  return { loss: loss.loss, dLogits, outputs: [[STEP_IO.bce, loss.bce, [rows, k]], [STEP_IO.probabilities, loss.probabilities, [rows, k]]] };
}

/** Forward, a loss on the network's output (`lossOf`), the reverse pass and Adam: the step graphs' shared body. */
function buildStepGraph(net: Network, options: TrainingStepOptions, name: string, lossOf: (e: Emitter, logits: string) => StepLoss): Uint8Array {
  const hyper = options.adam ?? DEFAULT_ADAM;
  const e = Emitter.create(name);
  const g = e.graph;
  const x = g.input(STEP_IO.patches, ['N', ...net.spec.inputShape]);
  const lr = g.input(STEP_IO.lr, []);
  const step = g.input(STEP_IO.step, []);
  const params = net.params.map((p) => g.input(STEP_IO.param(p.name), p.shape));
  const trained = trainableParams(net, options.firstTrainableLayer ?? 0);
  const offset = net.params.length - trained.length;
  const ms = trained.map((p) => g.input(STEP_IO.adamM(p.name), p.shape));
  const vs = trained.map((p) => g.input(STEP_IO.adamV(p.name), p.shape));

  const forward = emitNetwork(e, net, x, params);
  const { loss, dLogits, outputs } = lossOf(e, forward.y);
  const grads = forward.backward(dLogits, options.firstTrainableLayer ?? 0);
  const corrections = emitAdamCorrections(e, lr, step, hyper);

  trained.forEach((p, i) => {
    const next = emitAdamUpdate(e, corrections, hyper, params[offset + i]!, grads[i]!, ms[i]!, vs[i]!);
    expose(e, next.param, STEP_IO.nextParam(p.name), p.shape);
    expose(e, next.m, STEP_IO.nextAdamM(p.name), p.shape);
    expose(e, next.v, STEP_IO.nextAdamV(p.name), p.shape);
    if (options.exposeGradients) expose(e, grads[i]!, STEP_IO.grad(p.name), p.shape);
  });
  expose(e, loss, STEP_IO.loss, []);
  for (const [output, tensor, dims] of outputs) expose(e, tensor, output, dims);
  return g.toBytes();
}

export interface InferenceGraphOptions {
  name?: string;
  inputName?: string;
  /**
   * 'reading' (default): each layer's forward-only graph where it has one (group normalisation as
   * one InstanceNormalization); 'training': the training step's forward (LayerNormalization), the
   * same function, kept to measure one against the other (test/bench/reading-graph-bench.ts).
   */
  form?: 'reading' | 'training';
}

/** A parameter's initialiser name in the inference graph. */
export function inferenceInitializerName(net: Network, paramName: string): string {
  // The final linear layer keeps the manifest's default head names, so head-only fine-tuning can replace it later.
  const last = net.layers.at(-1)!;
  if (last.spec.kind === 'linear') {
    if (paramName === last.params[0]!.name) return 'head_w';
    if (paramName === last.params[1]!.name) return 'head_b';
  }
  return `w:${paramName}`;
}

/**
 * The inference graph with learned weights baked in. `embeddings` is the input of the final
 * linear layer (after global pooling), so head-only training can reuse this encoder.
 */
export function buildInferenceGraph(net: Network, params: ParamSet, options: InferenceGraphOptions = {}): { bytes: Uint8Array; embeddingDims: number } {
  checkParams(net, params, 'inference graph');
  const k = labelCount(net);
  const e = Emitter.create(options.name ?? 'ana-whole-network');
  const g = e.graph;
  const x = g.input(options.inputName ?? 'patches', ['N', ...net.spec.inputShape]);
  const names = net.params.map((p) => g.initializer(inferenceInitializerName(net, p.name), p.shape, params[p.name]!));
  const forward = options.form === 'training' ? emitNetwork(e, net, x, names) : emitInference(e, net, x, names);
  expose(e, e.node('Sigmoid', [forward.y]), 'probabilities', ['N', k]);
  const last = net.layers.length - 1;
  const embeddingDims = last > 0 && net.layers[last]!.inShape.length === 1 ? net.layers[last]!.inShape[0]! : 0;
  if (embeddingDims > 0) expose(e, forward.activations[last - 1]!, 'embeddings', ['N', embeddingDims]);
  return { bytes: g.toBytes(), embeddingDims };
}

/**
 * Forward only, parameters as inputs (named as in the step graph): scores patches between steps
 * without rebuilding. It reads with the package's forward (group normalisation as one
 * InstanceNormalization), so early stopping and thresholds see the scores the released model gives.
 */
export function buildScoringGraph(net: Network): Uint8Array {
  const k = labelCount(net);
  const e = Emitter.create('ana-scoring');
  const g = e.graph;
  const x = g.input(STEP_IO.patches, ['N', ...net.spec.inputShape]);
  const params = net.params.map((p) => g.input(STEP_IO.param(p.name), p.shape));
  const forward = emitInference(e, net, x, params);
  expose(e, e.node('Sigmoid', [forward.y]), STEP_IO.probabilities, ['N', k]);
  return g.toBytes();
}

/**
 * One layer with an upstream gradient `dy` as input: outputs y, `dx` and `grad:<param>`, i.e. the
 * vector-Jacobian products a finite-difference check of Σ(y·dy) compares against.
 */
export function buildLayerCheckGraph(spec: LayerSpec, inShape: number[], batch: number): { bytes: Uint8Array; params: { name: string; shape: number[] }[]; outShape: number[] } {
  const layer = createLayer(spec, inShape, 'layer');
  const e = Emitter.create(`check-${spec.kind}`);
  const g = e.graph;
  const x = g.input('x', [batch, ...inShape]);
  const dy = g.input('dy', [batch, ...layer.outShape]);
  const params = layer.params.map((p) => g.input(STEP_IO.param(p.name), p.shape));
  const pass = layer.forward(e, x, params);
  const grads = pass.backward(dy, true);
  expose(e, pass.y, 'y', [batch, ...layer.outShape]);
  expose(e, grads.dx!, 'dx', [batch, ...inShape]);
  layer.params.forEach((p, i) => expose(e, grads.dparams[i]!, STEP_IO.grad(p.name), p.shape));
  return { bytes: g.toBytes(), params: layer.params.map((p) => ({ name: p.name, shape: p.shape })), outShape: [...layer.outShape] };
}

/** The weighted BCE alone: logits, targets, weights in; loss, bce, probabilities, dlogits out. */
export function buildLossCheckGraph(batch: number, k: number): Uint8Array {
  const e = Emitter.create('check-weighted-bce');
  const g = e.graph;
  const pass = emitWeightedBce(e, g.input('logits', [batch, k]), g.input(STEP_IO.targets, [batch, k]), g.input(STEP_IO.weights, [batch, k]));
  expose(e, pass.loss, STEP_IO.loss, []);
  expose(e, pass.bce, STEP_IO.bce, [batch, k]);
  expose(e, pass.probabilities, STEP_IO.probabilities, [batch, k]);
  expose(e, pass.dLogits, 'dlogits', [batch, k]);
  return g.toBytes();
}

/** The contrastive loss alone: projections and pairs in; loss and dL/dprojections out. */
export function buildContrastiveLossCheckGraph(rows: number, dims: number, temperature: number): Uint8Array {
  const e = Emitter.create('check-contrastive');
  const g = e.graph;
  const pass = emitContrastiveLoss(e, g.input('projections', [rows, dims]), g.input(STEP_IO.pairs, [rows, rows]), temperature);
  expose(e, pass.loss, STEP_IO.loss, []);
  expose(e, pass.dProjections, 'dprojections', [rows, dims]);
  return g.toBytes();
}

function expose(e: Emitter, tensor: string, name: string, dims: (number | string)[]): void {
  e.node('Identity', [tensor], {}, [name]);
  e.graph.output(name, dims);
}
