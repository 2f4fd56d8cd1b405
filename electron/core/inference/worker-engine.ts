/**
 * The inference engine behind a worker thread: same interface as the in-process engine, but the
 * ONNX Runtime session lives in electron/workers/inference.worker.ts, so the caller's thread keeps
 * decoding the next slide while the model runs. Runs are answered in order; a crashed worker
 * fails every pending run with a clear error instead of hanging the batch.
 */
import { DomainError } from '../errors';
import { startWorker, workerEntryPath } from '../worker-entry';
import type { ModelPackage } from '../models/model-package';
import type { GraphOptimization, InferenceEngine } from './engine';
import type { ProviderName } from './providers';
import type { WorkerRequest, WorkerResponse } from './worker-protocol';

export interface WorkerEngineOptions {
  providers?: ProviderName[];
  intraOpNumThreads?: number;
  graphOptimization?: GraphOptimization;
  warn?: (message: string) => void;
  /** The worker entry; defaults to the built `.js` beside this module's output, else the `.ts` source. */
  workerPath?: string;
}

/** Where the worker entry lives: built JS in a packaged app, TypeScript source in development. */
export function inferenceWorkerPath(): string {
  return workerEntryPath('inference');
}

export async function createWorkerEngine(pkg: ModelPackage, options: WorkerEngineOptions = {}): Promise<InferenceEngine> {
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const path = options.workerPath ?? inferenceWorkerPath();
  const worker = startWorker(path);
  const pending = new Map<number, { resolve: (r: Extract<WorkerResponse, { type: 'result' }>) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: Error | null = null;
  let onReady: ((r: Extract<WorkerResponse, { type: 'ready' }>) => void) | null = null;
  let onInitError: ((e: Error) => void) | null = null;
  let onClosed: (() => void) | null = null;

  const failAll = (error: Error) => {
    dead = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    onInitError?.(error);
  };
  worker.on('message', (message: WorkerResponse) => {
    switch (message.type) {
      case 'warn':
        warn(message.message);
        break;
      case 'ready':
        onReady?.(message);
        break;
      case 'result': {
        const p = pending.get(message.id);
        pending.delete(message.id);
        p?.resolve(message);
        break;
      }
      case 'error': {
        const error = new DomainError(message.code, message.message);
        if (message.id === null) onInitError?.(error);
        else {
          const p = pending.get(message.id);
          pending.delete(message.id);
          p?.reject(error);
        }
        break;
      }
      case 'closed':
        onClosed?.();
        break;
    }
  });
  worker.on('error', (error) => failAll(new DomainError('internal', `inference worker crashed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => {
    if (!dead) failAll(new DomainError('internal', `inference worker exited (code ${code})`));
    onClosed?.();
  });

  const post = (message: WorkerRequest, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
  const ready = await new Promise<Extract<WorkerResponse, { type: 'ready' }>>((resolve, reject) => {
    onReady = resolve;
    onInitError = reject;
    post({ type: 'init', modelDir: pkg.dir, providers: options.providers, intraOpNumThreads: options.intraOpNumThreads, graphOptimization: options.graphOptimization });
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  onInitError = null;

  return {
    provider: ready.provider,
    labelCount: ready.labelCount,
    async run(patches, count) {
      if (dead) throw dead;
      const id = nextId++;
      const result = await new Promise<Extract<WorkerResponse, { type: 'result' }>>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        // Transfer when the caller hands over a whole buffer; copy a view of a larger one.
        const whole = patches.byteOffset === 0 && patches.byteLength === patches.buffer.byteLength && patches.buffer instanceof ArrayBuffer;
        const data = whole ? patches : patches.slice();
        post({ type: 'run', id, patches: data, count }, [data.buffer as ArrayBuffer]);
      });
      return { probabilities: result.probabilities, embeddings: result.embeddings, embeddingDims: result.embeddingDims };
    },
    async close() {
      if (dead) return;
      await new Promise<void>((resolve) => {
        onClosed = resolve;
        post({ type: 'close' });
      });
      dead = new DomainError('internal', 'inference engine is closed');
      await worker.terminate();
    },
  };
}
