// How each rare pattern's fields fell between rule 8's training and early-stopping cases, as `ana train` splits a CSV
// (the split follows `--seed`: SEEDS=1,2,3 prints each; default 1). Rule 21 weighs such a pattern's positives by sqrt((N - P) / P).
import { datasetSplits } from '../../../electron/core/training/heads/train-model';
import { readDatasetCsv } from '../../../electron/core/synth';
const work = process.env.WORK ?? '/tmp/rare8';
for (const seed of (process.env.SEEDS ?? '1').split(',').map(Number)) {
  for (const style of ['routine-20x-colour-jpeg', 'mercury-hotspot-12bit', 'research-40x-mono16']) {
    const csv = `${work}/${style}.csv`;
    const { train, val } = datasetSplits(await readDatasetCsv(csv), csv, seed);
    const n = (rows: typeof train, k: string) => rows.filter((r) => r.labels.includes(k)).length;
    const weight = (k: string) => Math.sqrt((train.length - n(train, k)) / n(train, k)).toFixed(1);
    console.log(`seed ${seed}`, style, `training ${train.length}: nuclear dots ${n(train, 'nuclear_dots')}, mitochondrial ${n(train, 'mitochondrial')} (rule 21's weights ${weight('nuclear_dots')}, ${weight('mitochondrial')}); early-stopping ${val.length}: ${n(val, 'nuclear_dots')}, ${n(val, 'mitochondrial')}`);
  }
}
