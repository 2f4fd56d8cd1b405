/**
 * Writes the screening features of generated fields (negatives and positives over the generator's
 * whole titer range) as JSON lines, for fitting the generic screening weights and for the ROC
 * benchmark.  npx tsx test/integration/quality/screening-features.ts OUT.jsonl [count=400] [seed=1]
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { generateField, MIN_POSITIVE_INTENSITY } from '../../../electron/core/synth';
import { analyseField } from '../../../electron/core/quality/analyse-field';
import { fieldQuality } from '../../../electron/core/quality/readability';

const [out, countArg, seedArg] = process.argv.slice(2);
const count = Number(countArg ?? 400);
const seed = Number(seedArg ?? 1);
writeFileSync(out!, '');
for (let k = 0; k < count; k++) {
  const negative = k % 2 === 0;
  // Positives: the generator's own titer draw (log-uniform 0.12..1), weak ones included.
  const field = generateField({ widthPx: 768, heightPx: 576, ...(negative ? { labels: [] } : {}) }, seed * 100_000 + k);
  if (!negative && field.labels.length === 0) continue;
  const a = analyseField(field.fitc, field.widthPx, field.heightPx, field.pixelSizeUm);
  const q = fieldQuality(a);
  appendFileSync(out!, JSON.stringify({ labels: field.labels, intensity: field.intensity, level: field.intensityLevel, verdict: q.verdict, reason: q.reason, cells: a.cells, focus: a.focusPerUm, sat: a.saturatedFraction, features: a.features }) + '\n');
}
