// How each rare pattern's fields fell between rule 8's training and early-stopping cases, as `ana train` splits a CSV.
import { datasetSplits } from '../../../electron/core/training/heads/train-model';
import { readDatasetCsv } from '../../../electron/core/synth';
const work = process.env.WORK ?? '/tmp/rare8';
for (const style of ['routine-20x-colour-jpeg', 'mercury-hotspot-12bit', 'research-40x-mono16']) {
  const csv = `${work}/${style}.csv`;
  const { train, val } = datasetSplits(await readDatasetCsv(csv), csv, 1);
  const n = (rows: typeof train, k: string) => rows.filter((r) => r.labels.includes(k)).length;
  console.log(style, `training ${train.length}: nuclear dots ${n(train, 'nuclear_dots')}, mitochondrial ${n(train, 'mitochondrial')}; early-stopping ${val.length}: ${n(val, 'nuclear_dots')}, ${n(val, 'mitochondrial')}`);
}
