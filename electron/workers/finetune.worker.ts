/**
 * Fine-tuning worker: runs one local fine-tuning job (core/training/finetune.ts) off the caller's
 * thread with its own database connection, reporting progress and epochs, and polling a shared
 * cancel flag between slides and epochs. Protocol: see core/training/finetune/finetune-worker.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DomainError, errorMessage } from '../core/errors';
import { openDatabase } from '../core/db/connection';
import { runFinetune } from '../core/training/finetune/finetune';
import type { FinetuneJob, FinetuneWorkerMessage } from '../core/training/finetune/finetune-worker';

const port = parentPort;
if (!port) throw new Error('finetune.worker.ts must run in a worker thread');
const { job, cancelFlag } = workerData as { job: FinetuneJob; cancelFlag: Int32Array };
const send = (m: FinetuneWorkerMessage) => port.postMessage(m);

const db = openDatabase(job.dbPath);
try {
  const result = await runFinetune({
    ...job,
    db,
    isCancelled: () => Atomics.load(cancelFlag, 0) === 1,
    onProgress: (progress) => send({ type: 'progress', progress }),
    onEpoch: (info) => send({ type: 'epoch', info }),
  });
  send({ type: 'done', result });
} catch (error) {
  send({ type: 'error', code: error instanceof DomainError ? error.code : 'internal', message: errorMessage(error) });
} finally {
  db.close();
}
