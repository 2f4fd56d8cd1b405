// The training cases (fit) of the shift benchmark's network +100, +200 and +300 runs, per style: each pattern's count against casesToTrain.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { hashSplit } from '../../../electron/core/training/heads/train-model';
import { casesToTrain } from '../../../electron/core/training/finetune/finetune-network';
for (const style of ['routine-20x-colour-jpeg', 'mercury-hotspot-12bit', 'research-40x-mono16']) {
  const rows = readFileSync(`${process.env.WORK ?? '/tmp/rare8'}/data/${style}/bench/labels.csv`, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')).filter((r) => r[2] === 'signed');
  for (const n of [100, 200, 300]) {
    const { train } = hashSplit(Array.from({ length: n }, (_, i) => i), (i) => basename(rows[i]![0]!), 0.2, 1);
    const counts: Record<string, number> = {};
    for (const i of train) for (const k of rows[i]![1]!.split(' ').filter(Boolean)) counts[k] = (counts[k] ?? 0) + 1;
    const need = casesToTrain(train.length);
    const least = Object.entries(counts).sort((a, b) => a[1] - b[1]).slice(0, 2);
    console.log(style, `+${n}: ${train.length} training cases, ${need} needed; fewest: ${least.map(([k, v]) => `${k} ${v}`).join(', ')}; left out: ${Object.entries(counts).filter(([, v]) => v < need).map(([k]) => k).join(', ') || 'none'}`);
  }
}
