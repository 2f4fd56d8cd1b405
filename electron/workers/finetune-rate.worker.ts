/**
 * Fine-tuning at one learning rate: trains, early-stops and blends a whole network off the
 * caller's thread, beside the caller's own training at another rate. Protocol: see
 * core/training/finetune/rate-worker.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DomainError, errorMessage } from '../core/errors';
import { trainAtRate } from '../core/training/finetune/finetune-network';
import type { RateJob, RateWorkerMessage } from '../core/training/finetune/rate-worker';
import { createNetwork } from '../core/training/network/network';
import { NetworkStepper } from '../core/training/network/network-stepper';

const port = parentPort;
if (!port) throw new Error('finetune-rate.worker.ts must run in a worker thread');
const { job, cancelFlag } = workerData as { job: RateJob; cancelFlag: Int32Array };
const send = (m: RateWorkerMessage) => port.postMessage(m);

try {
  const stepper = await NetworkStepper.open(createNetwork(job.spec), job.start, { providers: job.providers, intraOpNumThreads: job.threads, firstTrainableLayer: job.firstTrainableLayer, warn: () => {} });
  try {
    const result = await trainAtRate(stepper, job.base, job.fit, job.stop, job.how, {
      isCancelled: () => Atomics.load(cancelFlag, 0) === 1,
      onEpoch: (info) => send({ type: 'epoch', info }),
      onProgress: (_rate, _several, progress) => send({ type: 'progress', progress }),
    });
    send({ type: 'done', result });
  } finally {
    await stepper.close();
  }
} catch (error) {
  send({ type: 'error', code: error instanceof DomainError ? error.code : 'internal', message: errorMessage(error) });
}
