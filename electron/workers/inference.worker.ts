/**
 * Inference worker: owns the ONNX Runtime session so that decoding, tiling and the database on
 * the calling thread never wait on the model (and a UI thread never blocks). Protocol
 * (structured messages, patch buffers transferred, not copied):
 *   in:  init {modelDir, providers, intraOpNumThreads, graphOptimization} → ready {provider} | error
 *        run {id, patches, count} → result {id, probabilities, embeddings, embeddingDims} | error {id}
 *        close → closed
 *   out: warn {message} at any time (provider fallback).
 */
import { parentPort } from 'node:worker_threads';
import { DomainError } from '../core/errors';
import { loadModelPackage } from '../core/models/model-package';
import { createEngine, type InferenceEngine } from '../core/inference/engine';
import type { WorkerRequest, WorkerResponse } from '../core/inference/worker-protocol';

const port = parentPort;
if (!port) throw new Error('inference.worker.ts must run in a worker thread');

let engine: InferenceEngine | null = null;
const send = (message: WorkerResponse, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on('message', async (message: WorkerRequest) => {
  try {
    switch (message.type) {
      case 'init': {
        const pkg = await loadModelPackage(message.modelDir);
        engine = await createEngine(pkg, {
          providers: message.providers,
          intraOpNumThreads: message.intraOpNumThreads,
          graphOptimization: message.graphOptimization,
          warn: (text) => send({ type: 'warn', message: text }),
        });
        send({ type: 'ready', provider: engine.provider, labelCount: engine.labelCount });
        break;
      }
      case 'run': {
        if (!engine) throw new DomainError('internal', 'inference worker: run before init');
        const out = await engine.run(message.patches, message.count);
        // Copy out of ORT-owned memory so the buffers can be transferred.
        const probabilities = Float32Array.from(out.probabilities);
        const embeddings = out.embeddings ? Float32Array.from(out.embeddings) : null;
        send(
          { type: 'result', id: message.id, probabilities, embeddings, embeddingDims: out.embeddingDims },
          embeddings ? [probabilities.buffer, embeddings.buffer] : [probabilities.buffer],
        );
        break;
      }
      case 'close': {
        await engine?.close();
        engine = null;
        send({ type: 'closed' });
        port.close();
        break;
      }
    }
  } catch (error) {
    const id = message.type === 'run' ? message.id : null;
    const code = error instanceof DomainError ? error.code : 'internal';
    send({ type: 'error', id, code, message: (error as Error).message ?? String(error) });
  }
});
