/**
 * Measures the cell segmentation on generated fields with known cells: count error, detection
 * (a truth nucleus centre lying in a found cell, one-to-one), mitosis recall, and time per field.
 * With and without splitting touching cells, to justify the split (docs/field-quality.md).
 *   npx tsx test/integration/quality/segmentation-bench.ts [fields=24] [pixelSizeUm=0.5]
 */
import { generateField } from '../../../electron/core/synth';
import { analyseField } from '../../../electron/core/quality/analyse-field';
import { DEFAULT_SEGMENTATION } from '../../../electron/core/quality/segment';

const fields = Number(process.argv[2] ?? 24);
const pixelSizeUm = Number(process.argv[3] ?? 0.5);

for (const split of [false, true]) {
  let truthCells = 0;
  let foundCells = 0;
  let matched = 0;
  let truthMitoses = 0;
  let foundMitoses = 0;
  let mitosesMatched = 0;
  let absErrorSum = 0;
  const times: number[] = [];
  for (let k = 0; k < fields; k++) {
    const field = generateField({ widthPx: 2048, heightPx: 1536, pixelSizeUm, mitoticRate: 0.03 }, 1000 + k);
    const a = analyseField(field.fitc, field.widthPx, field.heightPx, field.pixelSizeUm, { segmentation: DEFAULT_SEGMENTATION, splitTouching: split });
    times.push(a.timingsMs.analyse);
    const { labels, widthPx: w, factor } = a.cellMask;
    const truth = field.cells.filter((c) => c.centreXPx >= 0 && c.centreYPx >= 0 && c.centreXPx < field.widthPx && c.centreYPx < field.heightPx);
    const taken = new Set<number>();
    for (const c of truth) {
      const label = labels[Math.floor(c.centreYPx / factor) * w + Math.floor(c.centreXPx / factor)] ?? 0;
      if (label && !taken.has(label)) {
        taken.add(label);
        matched++;
        if (c.mitotic && a.outlines[label - 1]?.mitotic) mitosesMatched++;
      }
      if (c.mitotic) truthMitoses++;
    }
    const found = a.cells + a.mitoses;
    truthCells += truth.length;
    foundCells += found;
    foundMitoses += a.mitoses;
    absErrorSum += Math.abs(found - truth.length) / Math.max(1, truth.length);
  }
  times.sort((x, y) => x - y);
  console.log(
    `${split ? 'split touching cells' : 'connected regions only'}: truth ${truthCells} cells, found ${foundCells} (${(((foundCells - truthCells) / truthCells) * 100).toFixed(1)} %),` +
      ` mean |count error| per field ${((absErrorSum / fields) * 100).toFixed(1)} %, detected ${((matched / truthCells) * 100).toFixed(1)} % one-to-one;` +
      ` mitoses truth ${truthMitoses}, called ${foundMitoses}, of them on a true mitosis ${mitosesMatched};` +
      ` analysis median ${times[times.length >> 1]!.toFixed(1)} ms, max ${times[times.length - 1]!.toFixed(1)} ms (${fields} fields 2048×1536 at ${pixelSizeUm} µm/px)`,
  );
}
