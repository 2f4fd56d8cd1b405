/**
 * Diagnostic recipe: writes the weights of a whole-network training run's *last completed epoch*
 * (its checkpoint's optimiser state), not the epoch the trainer kept, as a package beside the run,
 * so that an epoch the trainer passed over can be scored as the package reads (compare-pooling.ts).
 * Copy the run directory at the end of a stage to keep that stage's last epoch. Such a package is
 * for measurement only: no command rebuilds it (`ana train-network --select-epoch` chooses the
 * epoch a shipped package keeps).
 *
 *   npx tsx native-models/recipes/package-last-epoch.ts --run NET --to NET-last
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModelPackage } from '../../electron/core/models/model-package';
import { loadCheckpoint } from '../../electron/core/training/network/checkpoint';
import { writeNetworkPackage } from '../../electron/core/training/network/network-package';

const { values } = parseArgs({ options: { run: { type: 'string' }, to: { type: 'string' } } });
if (!values.run || !values.to) throw new Error('usage: --run TRAINING_DIR (its package and training.checkpoint.json) --to DIR');
const run = resolve(values.run);
const checkpointPath = join(run, 'training.checkpoint.json');
const checkpoint = await loadCheckpoint(checkpointPath);
if (!checkpoint) throw new Error(`${checkpointPath}: no training checkpoint`);
const trained = await loadModelPackage(run);
const epoch = checkpoint.epoch;
await writeNetworkPackage(trained.manifest, values.to, {
  spec: checkpoint.spec,
  params: checkpoint.stepper.params,
  version: `${trained.manifest.version}-epoch${epoch}`,
  displayName: `${trained.manifest.displayName}, epoch ${epoch}`,
  thresholds: trained.manifest.thresholds,
  provenance: { from: run, epoch, keptByTrainer: checkpoint.bestEpoch },
  metrics: {},
  card: `# ${trained.manifest.id} ${trained.manifest.version}, epoch ${epoch}\n\nThe weights after epoch ${epoch} of the run in ${run} (the trainer kept epoch ${checkpoint.bestEpoch}), with that package's thresholds. For measurement only: no command rebuilds it.\n`,
});
console.log(`${values.to}: epoch ${epoch} of ${run} (the trainer kept ${checkpoint.bestEpoch})`);
