/**
 * What cutting a field's patches costs at each model input size (the reader's "tile" stage): a
 * 2048×1536 field at 0.5 µm/px (the read bench's fields), 100 µm patches, two patches in three
 * holding cells as in the read bench, timed after ten warm-up runs, with the resampling alone beside it.
 * Prints ms per slide with the load average. Usage:
 *   bash tools/run npx tsx test/bench/cut-patches-bench.ts [INPUT_PX,...=96,192]
 */
import { loadavg } from 'node:os';
import { cutPatches, patchRects, resamplePatch } from '../../electron/core/slides/patches';

const sizes = (process.argv[2] ?? '96,192').split(',').map(Number);
const W = 2048;
const H = 1536;
const PIXEL_UM = 0.5;
const field = new Float32Array(W * H).map(() => Math.random());
const rects = patchRects(W, H, PIXEL_UM, { patchSizeUm: 100 });
const wanted = rects.map((_, i) => i % 3 !== 0);
const cut = wanted.filter(Boolean).length;
const REPS = 30;

function msPerRun(run: () => void): number {
  for (let i = 0; i < 10; i++) run(); // the first runs are compiled code warming up, not the steady state
  const t = performance.now();
  for (let i = 0; i < REPS; i++) run();
  return (performance.now() - t) / REPS;
}

console.log(`field ${W}×${H} at ${PIXEL_UM} µm/px, ${rects.length} patches, ${cut} cut; load ${loadavg()[0]!.toFixed(2)}`);
for (const inputPx of sizes) {
  const spec = { patchSizeUm: 100, inputPx, mean: 0, std: 1, backgroundMax: 0 };
  const out = new Float32Array(inputPx * inputPx);
  const all = msPerRun(() => cutPatches(field, W, H, PIXEL_UM, spec, wanted));
  const resample = msPerRun(() => rects.forEach((r, i) => wanted[i] && resamplePatch(field, W, r, inputPx, out)));
  console.log(`${inputPx} px: cutPatches ${all.toFixed(1)} ms/slide, of which resampling ${resample.toFixed(1)} ms`);
}
