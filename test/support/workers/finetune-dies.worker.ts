/**
 * The fine-tuning worker as the app starts it, except that its thread dies (exit code 3, as an
 * out-of-memory kill or a native crash ends it) once the candidate is written and its evaluation
 * begins: the run is then recorded as running, by this process, with its folder in models/.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../../electron/core/db/connection';
import { runFinetune } from '../../../electron/core/training/finetune/finetune';
import type { FinetuneJob } from '../../../electron/core/training/finetune/finetune-worker';

if (!parentPort) throw new Error('finetune-dies.worker.ts must run in a worker thread');
const { job } = workerData as { job: FinetuneJob };
await runFinetune({
  ...job,
  db: openDatabase(job.dbPath),
  onProgress: (progress) => {
    if (progress.phase === 'evaluate') process.exit(3);
  },
});
