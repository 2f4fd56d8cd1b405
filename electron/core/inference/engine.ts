/**
 * The ONNX Runtime engine: the only importer of onnxruntime-node. `createEngine()` is the
 * explicit init: it tries the execution providers in order, falls back with a logged warning, and
 * checks the session's input/output names against the model manifest.
 */
import * as ort from 'onnxruntime-node';
import { availableParallelism } from 'node:os';
import { DomainError } from '../errors';
import type { ModelPackage } from '../models/model-package';
import { providerOrder, type ProviderName } from './providers';

export interface EngineOptions {
  providers?: ProviderName[];
  /**
   * Threads per inference call. Default: all cores but one (decoding the next slide needs one),
   * so 1 on a 2-core PC, where one thread was also the fastest measured (see stack notes).
   */
  intraOpNumThreads?: number;
  /** ONNX Runtime's graph optimisation level; default: `defaultGraphOptimization(package)`. */
  graphOptimization?: GraphOptimization;
  warn?: (message: string) => void;
}

export type GraphOptimization = 'disabled' | 'basic' | 'extended' | 'all';

/**
 * The optimisation level a package reads fastest with. Level 'all' adds ONNX Runtime's NCHWc
 * layout, which pads every convolution to blocks of 8–16 channels: the extractor family's
 * single-channel filters (blurs, the filter bank, the codebook windows) then do up to 16× the
 * work, and the 0.4.0 package cost 58 ms of CPU per patch at 'all' against 40 at 'extended'
 * (docs/results.md, reading throughput). A whole network (many channels per layer) keeps 'all'.
 */
export function defaultGraphOptimization(pkg: ModelPackage): GraphOptimization {
  return pkg.manifest.kind === 'extractor-head' ? 'extended' : 'all';
}

export interface InferenceEngine {
  readonly provider: ProviderName;
  readonly labelCount: number;
  /** Runs a batch of patches [n, c, h, w] and returns the probabilities [n, labels] (and embeddings when the model has them). */
  run(patches: Float32Array, count: number): Promise<{ probabilities: Float32Array; embeddings: Float32Array | null; embeddingDims: number }>;
  close(): Promise<void>;
}

let runtimeReady = false;

export function defaultIntraOpThreads(): number {
  return Math.max(1, Math.min(8, availableParallelism() - 1));
}

/**
 * Threads for a training job's graphs: every core (at most 8). Unlike reading, nothing else in the
 * job needs a core while a step runs (the step blocks the job's thread), and a step's result does
 * not depend on the thread count: the parameters after a step are bit-identical at 1 or N threads
 * (test/integration/training/network/threads.test.ts). On the 2-core build machine scoring runs
 * 1.7× faster, the training step barely, fine-tuning 300 cases 1.06× (docs/lab-adaptation.md).
 */
export function defaultTrainingThreads(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/**
 * One-time runtime set-up, called by every session factory before its first session. ONNX
 * Runtime prints a red native error line when a GPU provider's library is missing, before any
 * session option applies; the level must be set on the environment before the first session.
 * Failures still reach us as exceptions, and we log our own one-line warning for each.
 */
export function initRuntime(): void {
  if (runtimeReady) return;
  ort.env.logLevel = 'fatal';
  runtimeReady = true;
}

/** Runs `work` with an engine for `pkg` and closes the engine afterwards, whatever happens. */
export async function withEngine<T>(pkg: ModelPackage, options: EngineOptions, work: (engine: InferenceEngine) => Promise<T>): Promise<T> {
  const engine = await createEngine(pkg, options);
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

export async function createEngine(pkg: ModelPackage, options: EngineOptions = {}): Promise<InferenceEngine> {
  initRuntime();
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const order = options.providers ?? providerOrder();
  const { manifest } = pkg;
  let session: ort.InferenceSession | null = null;
  let provider: ProviderName | null = null;
  const failures: string[] = [];
  for (const name of order) {
    try {
      session = await ort.InferenceSession.create(pkg.modelPath, {
        executionProviders: [name],
        intraOpNumThreads: options.intraOpNumThreads ?? defaultIntraOpThreads(),
        interOpNumThreads: 1,
        graphOptimizationLevel: options.graphOptimization ?? defaultGraphOptimization(pkg),
        // A missing GPU provider is expected on many PCs: we log our own one-line warning instead.
        logSeverityLevel: name === 'cpu' ? 2 : 4,
      });
      provider = name;
      break;
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      failures.push(`${name}: ${reason}`);
      warn(`Execution provider '${name}' is not available (${reason}); trying the next one.`);
    }
  }
  if (!session || !provider) {
    throw new DomainError('model-invalid', `${pkg.modelPath}: no execution provider could load the model (${failures.join('; ')})`);
  }
  checkSessionAgainstManifest(session, pkg);
  const [, channels, height, width] = manifest.input.shape;
  const patchLength = channels * height * width;
  const labelCount = manifest.labels.length;
  const embeddingsName = manifest.outputs.embeddings;
  const live = session;
  return {
    provider,
    labelCount,
    async run(patches, count) {
      if (patches.length !== count * patchLength) throw new RangeError(`expected ${count * patchLength} values for ${count} patches, got ${patches.length}`);
      const input = new ort.Tensor('float32', patches, [count, channels, height, width]);
      const fetches = embeddingsName ? [manifest.outputs.probabilities, embeddingsName] : [manifest.outputs.probabilities];
      const result = await live.run({ [manifest.input.name]: input }, fetches);
      const probabilities = result[manifest.outputs.probabilities]!.data as Float32Array;
      const emb = embeddingsName ? result[embeddingsName]! : null;
      return {
        probabilities,
        embeddings: emb ? (emb.data as Float32Array) : null,
        embeddingDims: emb ? Number(emb.dims[1]) : 0,
      };
    },
    async close() {
      await live.release();
    },
  };
}

function checkSessionAgainstManifest(session: ort.InferenceSession, pkg: ModelPackage): void {
  const { manifest } = pkg;
  const problems: string[] = [];
  if (!session.inputNames.includes(manifest.input.name)) problems.push(`input '${manifest.input.name}' not in model inputs [${session.inputNames.join(', ')}]`);
  const wanted = [manifest.outputs.probabilities, manifest.outputs.embeddings].filter((n): n is string => !!n);
  for (const name of wanted) if (!session.outputNames.includes(name)) problems.push(`output '${name}' not in model outputs [${session.outputNames.join(', ')}]`);
  const meta = session.inputMetadata.find((m) => m.name === manifest.input.name);
  if (meta && meta.isTensor) {
    const dims = meta.shape.slice(1);
    const expected = manifest.input.shape.slice(1);
    if (dims.some((d, i) => typeof d === 'number' && d !== expected[i])) problems.push(`input shape [${meta.shape.join(', ')}] does not match manifest [${manifest.input.shape.join(', ')}]`);
  }
  const out = session.outputMetadata.find((m) => m.name === manifest.outputs.probabilities);
  if (out && out.isTensor) {
    const labels = out.shape[1];
    if (typeof labels === 'number' && labels !== manifest.labels.length) problems.push(`output '${out.name}' has ${labels} labels, manifest lists ${manifest.labels.length}`);
  }
  if (problems.length) throw new DomainError('model-invalid', `${pkg.modelPath}: model does not match its manifest: ${problems.join('; ')}`);
}

/** A float32 tensor crossing the engine boundary: row-major data and its dimensions. */
export interface GraphTensor {
  data: Float32Array;
  dims: readonly number[];
}

/** A session over an arbitrary graph (e.g. a training step), fed and fetched by tensor name. */
export interface GraphSession {
  readonly provider: ProviderName;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, GraphTensor>, fetches?: readonly string[]): Promise<Record<string, GraphTensor>>;
  close(): Promise<void>;
}

/**
 * Opens a session over graph bytes built in memory (the trainer's step and gradient graphs), with
 * the same provider order and fallback as `createEngine`. `label` names the graph in errors.
 */
export async function createGraphSession(bytes: Uint8Array, options: EngineOptions & { label?: string } = {}): Promise<GraphSession> {
  initRuntime();
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const label = options.label ?? 'graph';
  const failures: string[] = [];
  for (const name of options.providers ?? providerOrder()) {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        executionProviders: [name],
        intraOpNumThreads: options.intraOpNumThreads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        logSeverityLevel: name === 'cpu' ? 2 : 4,
      });
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      failures.push(`${name}: ${reason}`);
      if (name !== 'cpu') warn(`Execution provider '${name}' is not available for ${label} (${reason}); trying the next one.`);
      continue;
    }
    const live = session;
    return {
      provider: name,
      inputNames: live.inputNames,
      outputNames: live.outputNames,
      async run(feeds, fetches) {
        const ortFeeds: Record<string, ort.Tensor> = {};
        for (const [key, t] of Object.entries(feeds)) ortFeeds[key] = new ort.Tensor('float32', t.data, [...t.dims]);
        let result: ort.InferenceSession.ReturnType;
        try {
          result = fetches ? await live.run(ortFeeds, [...fetches]) : await live.run(ortFeeds);
        } catch (error) {
          throw new DomainError('internal', `${label}: ONNX Runtime could not run the graph (${(error as Error).message.split('\n')[0]})`, { cause: error });
        }
        const out: Record<string, GraphTensor> = {};
        for (const [key, t] of Object.entries(result)) out[key] = { data: t.data as Float32Array, dims: t.dims.map(Number) };
        return out;
      },
      async close() {
        await live.release();
      },
    };
  }
  throw new DomainError('model-invalid', `${label}: no execution provider could load the graph (${failures.join('; ')})`);
}
