/** Messages between the inference worker (electron/workers/inference.worker.ts) and its caller. */
import type { ErrorCode } from '../errors';
import type { GraphOptimization } from './engine';
import type { ProviderName } from './providers';

export type WorkerRequest =
  | { type: 'init'; modelDir: string; providers?: ProviderName[]; intraOpNumThreads?: number; graphOptimization?: GraphOptimization }
  | { type: 'run'; id: number; patches: Float32Array; count: number }
  | { type: 'close' };

export type WorkerResponse =
  | { type: 'ready'; provider: ProviderName; labelCount: number }
  | { type: 'warn'; message: string }
  | { type: 'result'; id: number; probabilities: Float32Array; embeddings: Float32Array | null; embeddingDims: number }
  | { type: 'error'; id: number | null; code: ErrorCode; message: string }
  | { type: 'closed' };
