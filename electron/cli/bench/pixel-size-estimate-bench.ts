/**
 * How well the cells suggest the pixel size (electron/core/quality/pixel-size-estimate.ts), on the
 * held-out styles of the domain-shift benchmark: for each style and each kind of day (sampled
 * labels, or negatives only, as most of a real lab's day is), generated fields are split into
 * disjoint sets of k; each set's suggestion is compared with the median true size of its fields.
 * Prints, per style, kind and k, the ratios and how many sets land within 20 %.
 *
 *   npx tsx electron/cli/bench/pixel-size-estimate-bench.ts [--fields 80] [--sets 10,20,40 (10 at least: fewer is refused)] [--size 1024x768] [--seed 7700]
 *
 * Generated fields in memory, nothing written; the model's reference from native-models/ana-default.
 */
import { parseArgs } from 'node:util';
import { loadModelPackage } from '../../core/models/model-package';
import { defaultModelDir } from '../../core/paths';
import { loadFamiliarityReference } from '../../core/quality/familiarity';
import { estimatePixelSize, referenceCellAreaUm2 } from '../../core/quality/pixel-size-estimate';
import { DEFAULT_HELD_OUT_STYLES } from './shift-bench';
import { generateField } from '../../core/synth';

const { values } = parseArgs({ options: { fields: { type: 'string', default: '80' }, sets: { type: 'string', default: '10,20,40' }, size: { type: 'string', default: '1024x768' }, seed: { type: 'string', default: '7700' } } });
const count = Number(values.fields);
const setSizes = values.sets.split(',').map(Number);
const [widthPx, heightPx] = values.size.split('x').map(Number) as [number, number];
const seed = Number(values.seed);

const referenceArea = referenceCellAreaUm2(await loadFamiliarityReference(await loadModelPackage(defaultModelDir())));
if (referenceArea === null) throw new Error('the shipped model holds no cell-size reference');
console.log(`reference median cell area ${referenceArea.toFixed(0)} µm²; ${count} fields of ${widthPx}x${heightPx} per style and kind, seeds from ${seed}`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
for (const style of DEFAULT_HELD_OUT_STYLES) {
  for (const kind of ['sampled labels', 'negatives only'] as const) {
    const fields = Array.from({ length: count }, (_, i) => generateField({ widthPx, heightPx, style, labels: kind === 'negatives only' ? [] : undefined }, seed + i));
    for (const k of setSizes) {
      const ratios: number[] = [];
      for (let at = 0; at + k <= fields.length; at += k) {
        const set = fields.slice(at, at + k);
        try {
          const e = await estimatePixelSize(k, async (i) => set[i]!, referenceArea);
          ratios.push(e.pixelSizeUm / median(set.map((f) => f.pixelSizeUm)));
        } catch {
          ratios.push(Number.NaN); // refused (too few fields with cells): counted as a miss
        }
      }
      const within = ratios.filter((r) => Math.abs(Math.log(r)) < Math.log(1.2)).length;
      console.log(`${style.padEnd(26)} ${kind.padEnd(15)} k=${String(k).padStart(2)}: within 20 % ${within}/${ratios.length}; ratios ${ratios.map((r) => r.toFixed(2)).join(' ')}`);
    }
  }
}
