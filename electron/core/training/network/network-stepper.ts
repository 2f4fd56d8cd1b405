/**
 * Holds a network's parameters and Adam state in float32 and advances them with the training-step
 * graph on ONNX Runtime; scores patches with a forward-only graph fed the same parameters.
 * The execution provider is chosen as for inference (GPU first, CPU last) and reported; on the CPU
 * the graphs use every core unless told otherwise (`defaultTrainingThreads`).
 */
import { createGraphSession, defaultTrainingThreads, type GraphSession, type GraphTensor } from '../../inference/engine';
import type { ProviderName } from '../../inference/providers';
import { DEFAULT_ADAM, type AdamHyper } from '../adam';
import { buildBagStepGraph, buildContrastiveStepGraph, buildScoringGraph, buildTrainingStepGraph, STEP_IO } from './graphs';
import { checkParams, paramSize, trainableParams, type Network, type ParamSet } from './network';
import type { ParamSpec } from './layers';

export interface StepperOptions {
  providers?: ProviderName[];
  /** ONNX Runtime threads per step (default `defaultTrainingThreads()`: every core, at most 8). */
  intraOpNumThreads?: number;
  adam?: AdamHyper;
  /** Layers below this index stay fixed (see TrainingStepOptions). */
  firstTrainableLayer?: number;
  /**
   * Self-supervised training: the step is the contrastive one (graphs.ts buildContrastiveStepGraph)
   * at this temperature, the network's output a projection; only `trainPairs` steps.
   */
  contrastive?: { temperature: number };
  warn?: (message: string) => void;
}

export interface BatchResult {
  loss: number;
  /** Unweighted per-element BCE [count, K]: the trainer forms ∂L/∂α from it. */
  bce: Float32Array;
  probabilities: Float32Array;
}

export interface StepperState {
  params: ParamSet;
  adamM: ParamSet;
  adamV: ParamSet;
  /** Adam steps since the optimiser was last reset. */
  adamStep: number;
}

export class NetworkStepper {
  private params: ParamSet;
  private adamM: ParamSet = {};
  private adamV: ParamSet = {};
  private adamStep = 0;
  /** The whole-image step graph's session, opened on the first `trainBags`. */
  private bagSession: Promise<GraphSession> | null = null;

  private constructor(
    readonly net: Network,
    private readonly trained: readonly ParamSpec[],
    params: ParamSet,
    private readonly stepSession: GraphSession,
    private readonly scoreSession: GraphSession,
    private readonly options: StepperOptions,
  ) {
    this.params = params;
    this.resetOptimizer();
  }

  static async open(net: Network, params: ParamSet, given: StepperOptions = {}): Promise<NetworkStepper> {
    checkParams(net, params, 'network stepper');
    const options = { ...given, intraOpNumThreads: given.intraOpNumThreads ?? defaultTrainingThreads() };
    const sessionOptions = { providers: options.providers, intraOpNumThreads: options.intraOpNumThreads, warn: options.warn };
    const firstTrainableLayer = options.firstTrainableLayer ?? 0;
    const stepOptions = { adam: options.adam ?? DEFAULT_ADAM, firstTrainableLayer };
    const stepGraph = options.contrastive ? buildContrastiveStepGraph(net, { ...stepOptions, ...options.contrastive }) : buildTrainingStepGraph(net, stepOptions);
    const stepSession = await createGraphSession(stepGraph, { ...sessionOptions, label: options.contrastive ? 'contrastive step graph' : 'training-step graph' });
    const scoreSession = await createGraphSession(buildScoringGraph(net), { ...sessionOptions, providers: [stepSession.provider], label: 'scoring graph' });
    const copy: ParamSet = {};
    for (const p of net.params) copy[p.name] = Float32Array.from(params[p.name]!);
    return new NetworkStepper(net, trainableParams(net, firstTrainableLayer), copy, stepSession, scoreSession, options);
  }

  get provider(): ProviderName {
    return this.stepSession.provider;
  }

  /** ONNX Runtime threads per step on the CPU. */
  get threads(): number {
    return this.options.intraOpNumThreads!;
  }

  get labelCount(): number {
    return this.net.outShape[0]!;
  }

  get patchLength(): number {
    return this.net.spec.inputShape.reduce((a, b) => a * b, 1);
  }

  /** One Adam step on a batch; `targets` and `weights` are [count, K]. */
  async trainBatch(patches: Float32Array, count: number, targets: Float32Array, weights: Float32Array, lr: number): Promise<BatchResult> {
    const K = this.labelCount;
    this.labelled('trainBatch');
    return this.step(this.stepSession, patches, count, lr, {
      [STEP_IO.targets]: { data: targets.subarray(0, count * K), dims: [count, K] },
      [STEP_IO.weights]: { data: weights.subarray(0, count * K), dims: [count, K] },
    });
  }

  /**
   * One Adam step on whole images (graphs.ts buildBagStepGraph): `pool` is [images, count] (1/n_b
   * where patch n is one of image b's n_b), `targets` and `weights` are [images, K]; the BCE and
   * probabilities returned are the images'.
   */
  async trainBags(patches: Float32Array, count: number, pool: Float32Array, images: number, targets: Float32Array, weights: Float32Array, lr: number): Promise<BatchResult> {
    const K = this.labelCount;
    this.labelled('trainBags');
    this.bagSession ??= createGraphSession(buildBagStepGraph(this.net, { adam: this.options.adam ?? DEFAULT_ADAM, firstTrainableLayer: this.options.firstTrainableLayer ?? 0 }), {
      providers: [this.stepSession.provider],
      intraOpNumThreads: this.options.intraOpNumThreads,
      warn: this.options.warn,
      label: 'whole-image training-step graph',
    });
    return this.step(await this.bagSession, patches, count, lr, {
      [STEP_IO.pool]: { data: pool.subarray(0, images * count), dims: [images, count] },
      [STEP_IO.targets]: { data: targets.subarray(0, images * K), dims: [images, K] },
      [STEP_IO.weights]: { data: weights.subarray(0, images * K), dims: [images, K] },
    });
  }

  /**
   * One Adam step of the contrastive stepper on `count` patch views: rows i and i + count/2 are
   * two views of one patch. Returns the loss.
   */
  async trainPairs(views: Float32Array, count: number, lr: number): Promise<number> {
    if (!this.options.contrastive) throw new Error('trainPairs needs a stepper opened with contrastive options');
    if (count < 4 || count % 2 !== 0) throw new Error(`trainPairs needs an even number of views, at least 4, got ${count}`);
    const half = count / 2;
    const pairs = new Float32Array(count * count);
    for (let i = 0; i < count; i++) pairs[i * count + ((i + half) % count)] = 1;
    const out = await this.run(this.stepSession, views, count, lr, { [STEP_IO.pairs]: { data: pairs, dims: [count, count] } });
    return out[STEP_IO.loss]!.data[0]!;
  }

  private labelled(method: string): void {
    if (this.options.contrastive) throw new Error(`${method} needs a stepper with a labelled step graph; this one was opened for contrastive training`);
  }

  private async step(session: GraphSession, patches: Float32Array, count: number, lr: number, lossFeeds: Record<string, GraphTensor>): Promise<BatchResult> {
    const out = await this.run(session, patches, count, lr, lossFeeds);
    return { loss: out[STEP_IO.loss]!.data[0]!, bce: out[STEP_IO.bce]!.data, probabilities: out[STEP_IO.probabilities]!.data };
  }

  /** Feeds the parameters and Adam state with the batch, runs one step and keeps what it updated. */
  private async run(session: GraphSession, patches: Float32Array, count: number, lr: number, lossFeeds: Record<string, GraphTensor>): Promise<Record<string, GraphTensor>> {
    this.adamStep++;
    const feeds: Record<string, GraphTensor> = {
      ...lossFeeds,
      [STEP_IO.patches]: { data: patches.subarray(0, count * this.patchLength), dims: [count, ...this.net.spec.inputShape] },
      [STEP_IO.lr]: { data: Float32Array.of(lr), dims: [] },
      [STEP_IO.step]: { data: Float32Array.of(this.adamStep), dims: [] },
    };
    for (const p of this.net.params) feeds[STEP_IO.param(p.name)] = { data: this.params[p.name]!, dims: p.shape };
    for (const p of this.trained) {
      feeds[STEP_IO.adamM(p.name)] = { data: this.adamM[p.name]!, dims: p.shape };
      feeds[STEP_IO.adamV(p.name)] = { data: this.adamV[p.name]!, dims: p.shape };
    }
    const out = await session.run(feeds);
    for (const p of this.trained) {
      this.params[p.name] = out[STEP_IO.nextParam(p.name)]!.data;
      this.adamM[p.name] = out[STEP_IO.nextAdamM(p.name)]!.data;
      this.adamV[p.name] = out[STEP_IO.nextAdamV(p.name)]!.data;
    }
    return out;
  }

  /** Probabilities [count, K] with the current parameters. */
  async score(patches: Float32Array, count: number): Promise<Float32Array> {
    const feeds: Record<string, GraphTensor> = { [STEP_IO.patches]: { data: patches.subarray(0, count * this.patchLength), dims: [count, ...this.net.spec.inputShape] } };
    for (const p of this.net.params) feeds[STEP_IO.param(p.name)] = { data: this.params[p.name]!, dims: p.shape };
    return (await this.scoreSession.run(feeds, [STEP_IO.probabilities]))[STEP_IO.probabilities]!.data;
  }

  /** Fresh Adam state, as the self-paced loop does after each regrouping. */
  resetOptimizer(): void {
    for (const p of this.net.params) {
      this.adamM[p.name] = new Float32Array(paramSize(p));
      this.adamV[p.name] = new Float32Array(paramSize(p));
    }
    this.adamStep = 0;
  }

  snapshot(): StepperState {
    const copy = (set: ParamSet): ParamSet => Object.fromEntries(Object.entries(set).map(([k, v]) => [k, v.slice()]));
    return { params: copy(this.params), adamM: copy(this.adamM), adamV: copy(this.adamV), adamStep: this.adamStep };
  }

  restore(state: StepperState): void {
    checkParams(this.net, state.params, 'stepper state');
    checkParams(this.net, state.adamM, 'stepper state (Adam m)');
    checkParams(this.net, state.adamV, 'stepper state (Adam v)');
    const copy = (set: ParamSet): ParamSet => Object.fromEntries(this.net.params.map((p) => [p.name, Float32Array.from(set[p.name]!)]));
    this.params = copy(state.params);
    this.adamM = copy(state.adamM);
    this.adamV = copy(state.adamV);
    this.adamStep = state.adamStep;
  }

  async close(): Promise<void> {
    await this.stepSession.close();
    await this.scoreSession.close();
    if (this.bagSession) await (await this.bagSession).close();
  }
}
