/**
 * Whole-network training worker: runs one train-network job (core/training/network) off the
 * caller's thread. Protocol: see core/training/network/network-training-worker.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DomainError, errorMessage } from '../core/errors';
import type { NetworkTrainingJob, NetworkTrainingWorkerMessage } from '../core/training/network/network-training-worker';
import { runWholeNetworkTraining } from '../core/training/network/train-network';

const port = parentPort;
if (!port) throw new Error('network-training.worker.ts must run in a worker thread');
const { job } = workerData as { job: NetworkTrainingJob };
const send = (m: NetworkTrainingWorkerMessage) => port.postMessage(m);
const controller = new AbortController();
port.on('message', (m: { type: string }) => {
  if (m.type === 'cancel') controller.abort();
});

try {
  const result = await runWholeNetworkTraining({
    ...job,
    signal: controller.signal,
    log: (line) => send({ type: 'log', line }),
    onProgress: (progress) => send({ type: 'progress', progress }),
  });
  send({ type: 'done', result });
} catch (error) {
  send({ type: 'error', code: error instanceof DomainError ? error.code : 'internal', message: errorMessage(error) });
}
// The caller terminates the worker once it has the result (the cancel listener keeps it alive).
