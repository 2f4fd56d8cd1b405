/**
 * Time of the cell analysis on one generated 2048×1536 field at 0.5 µm/px: repeated runs, the
 * minimum is the figure least disturbed by other processes.  npx tsx test/integration/quality/analysis-speed.ts [runs=15]
 */
import { generateField } from '../../../electron/core/synth';
import { analyseField } from '../../../electron/core/quality/analyse-field';

const field = generateField({ widthPx: 2048, heightPx: 1536, pixelSizeUm: 0.5 }, 5);
const times: number[] = [];
for (let i = 0; i < Number(process.argv[2] ?? 15); i++) times.push(analyseField(field.fitc, field.widthPx, field.heightPx, field.pixelSizeUm).timingsMs.analyse);
times.sort((a, b) => a - b);
console.log(`analysis of a 2048×1536 field: min ${times[0]!.toFixed(1)} ms, median ${times[times.length >> 1]!.toFixed(1)} ms over ${times.length} runs (first runs include JIT warm-up)`);
