/**
 * Measures what a decompression bomb costs the slide decoder: a ~95 KB PNG declaring 10000×9990 px
 * (99.9 megapixels) of zeros. Prints the outcome, the time and the peak RSS.
 *   bash tools/run npx tsx test/integration/slides/decompression-bomb-measure.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSlide } from '../../../electron/core/slides/decode';
import { zeroPng } from '../../fixtures/slide-images';

const dir = mkdtempSync(join(tmpdir(), 'ana-bomb-'));
const path = join(dir, 'B_F1.png');
const png = zeroPng(10_000, 9_990);
writeFileSync(path, png);
const rssBefore = process.memoryUsage().rss;
let peak = rssBefore;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const started = performance.now();
const outcome = await decodeSlide(path).then(
  () => 'decoded',
  (error: Error) => `refused: ${error.message}`,
);
const ms = performance.now() - started;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ fileKB: Math.round(png.length / 1024), ms: Math.round(ms), rssBeforeMB: Math.round(rssBefore / 1e6), peakRssMB: Math.round(peak / 1e6), outcome }));
