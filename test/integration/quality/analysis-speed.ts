/**
 * Time of the cell analysis on one generated 2048×1536 field at 0.5 µm/px, against the time to
 * decode the same field from its file (sharp) in the same run, alternating, so that the load of a
 * shared machine weighs on both alike: the ratio is the figure that carries over between machines.
 * Prints min and median of each, the ratio of the medians and the load average, for the analysis
 * with the acquisition statistics (as `analyseField` runs by default) and without them (as the
 * reading pipeline runs it when the model's familiarity reference does not use them).
 *   npx tsx test/integration/quality/analysis-speed.ts [runs=15]
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { analyseField } from '../../../electron/core/quality/analyse-field';
import { decodeSlideBytes } from '../../../electron/core/slides/decode';
import { generateField } from '../../../electron/core/synth';
import { writeGrey16Tiff, writeRgb8 } from '../../fixtures/slide-images';

const runs = Number(process.argv[2] ?? 15);
const field = generateField({ widthPx: 2048, heightPx: 1536, pixelSizeUm: 0.5 }, 5);
const dir = await mkdtemp(join(tmpdir(), 'ana-analysis-speed-'));
try {
  const files = {
    'PNG RGB 8-bit': join(dir, 'field.png'),
    'TIFF grey 16-bit': join(dir, 'field.tif'),
  };
  await writeRgb8(files['PNG RGB 8-bit'], Uint8Array.from(field.fitc, (v) => Math.round(Math.min(1, v) * 255)), field.widthPx, field.heightPx, 'png');
  await writeGrey16Tiff(files['TIFF grey 16-bit'], Uint16Array.from(field.fitc, (v) => Math.round(Math.min(1, v) * 65535)), field.widthPx, field.heightPx, field.pixelSizeUm);
  const stats = (t: number[]) => { const s = [...t].sort((a, b) => a - b); return { min: s[0]!, median: s[s.length >> 1]! }; };
  const load = loadavg()[0]!;
  for (const [format, path] of Object.entries(files)) {
    const bytes = await readFile(path);
    const decodeMs: number[] = [];
    const analyseMs: number[] = [];
    const withoutAcquisitionMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const decoded = await decodeSlideBytes(path, bytes);
      decodeMs.push(performance.now() - t0);
      analyseMs.push(analyseField(decoded.fitc, decoded.widthPx, decoded.heightPx, decoded.pixelSizeUm ?? 0.5).timingsMs.analyse);
      withoutAcquisitionMs.push(analyseField(decoded.fitc, decoded.widthPx, decoded.heightPx, decoded.pixelSizeUm ?? 0.5, { acquisition: [] }).timingsMs.analyse);
    }
    const d = stats(decodeMs);
    const a = stats(analyseMs);
    const b = stats(withoutAcquisitionMs);
    console.log(`${format}, 2048×1536: decode min ${d.min.toFixed(0)} / median ${d.median.toFixed(0)} ms; analysis min ${a.min.toFixed(0)} / median ${a.median.toFixed(0)} ms, without the acquisition statistics ${b.min.toFixed(0)} / ${b.median.toFixed(0)} ms; analysis/decode (medians) ${(a.median / d.median).toFixed(2)}, without ${(b.median / d.median).toFixed(2)} over ${runs} runs`);
  }
  console.log(`load average at the start ${load.toFixed(1)}, at the end ${loadavg()[0]!.toFixed(1)} (${cpus().length} cores)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
