/**
 * The unfamiliar-flag rate on in-distribution fields against deliberately shifted ones. Fields of
 * a generated set are decoded, shifted in memory, written as 16-bit TIFF (or 8-bit JPEG) and read
 * as the reading does (prepareSlide, embeddings of patches with cells, the package's reference).
 *   npx tsx test/integration/quality/familiarity-bench.ts DATASET/labels.csv [count=40] [--model DIR]
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModelPackage } from '../../../electron/core/models/model-package';
import { defaultModelDir } from '../../../electron/core/paths';
import { familiarity, loadFamiliarityReference } from '../../../electron/core/quality/familiarity';
import { decodeSlideBytes } from '../../../electron/core/slides/decode';
import { readDatasetCsv } from '../../../electron/core/synth';
import { gaussianBlur } from '../../../electron/core/synth/raster';
import { Random } from '../../../electron/core/random';
import { meanEmbeddingsOf } from '../../../native-models/recipes/familiarity-embeddings';
import { writeGrey16Tiff, writeRgb8 } from '../../fixtures/slide-images';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { model: { type: 'string' } } });
const rows = (await readDatasetCsv(resolve(positionals[0]!))).slice(0, Number(positionals[1] ?? 40));
const model = await loadModelPackage(values.model ? resolve(values.model) : defaultModelDir());
const reference = await loadFamiliarityReference(model);
if (!reference) throw new Error(`${model.dir} ships no familiarity reference`);
const dir = await mkdtemp(join(tmpdir(), 'ana-familiarity-'));

type Shift = { name: string; apply: (v: Float32Array, w: number, h: number, px: number, rng: Random) => Float32Array; pixelSizeUm?: (px: number) => number; jpeg?: boolean };
const shifts: Shift[] = [
  { name: 'in-distribution (as generated, 16-bit TIFF)', apply: (v) => v },
  { name: 'other pixel size (file says half the true size)', apply: (v) => v, pixelSizeUm: (px) => px / 2 },
  { name: 'blur 1.5 µm', apply: (v, w, h, px) => { const b = v.slice(); gaussianBlur(b, w, h, 1.5 / px); return b; } },
  { name: 'strong noise (σ 0.04 of full scale)', apply: (v, _w, _h, _px, rng) => v.map((x) => Math.min(1, Math.max(0, x + rng.normal(0, 0.04)))) },
  { name: 'haze (out-of-plane light: + 60 % of a 6 µm blur)', apply: (v, w, h, px) => { const b = v.slice(); gaussianBlur(b, w, h, 6 / px); return v.map((x, i) => Math.min(1, x + 0.6 * b[i]!)); } },
  { name: '8-bit JPEG (sharp default quality)', apply: (v) => v, jpeg: true },
];
try {
  for (const shift of shifts) {
    const paths: string[] = [];
    for (const [i, row] of rows.entries()) {
      const decoded = await decodeSlideBytes(row.absolutePath, await readFile(row.absolutePath));
      const px = decoded.pixelSizeUm ?? 0.5;
      const shifted = shift.apply(decoded.fitc, decoded.widthPx, decoded.heightPx, px, new Random(1000 + i));
      const path = join(dir, `${i}.${shift.jpeg ? 'jpg' : 'tif'}`);
      if (shift.jpeg) await writeRgb8(path, Uint8Array.from(shifted, (x) => Math.round(x * 255)), decoded.widthPx, decoded.heightPx, 'jpeg');
      else await writeGrey16Tiff(path, Uint16Array.from(shifted, (x) => Math.round(x * 65535)), decoded.widthPx, decoded.heightPx, shift.pixelSizeUm ? shift.pixelSizeUm(px) : px);
      paths.push(path);
    }
    const fields = await meanEmbeddingsOf(model, paths);
    const judged = fields.map((f) => familiarity(f.embedding, reference));
    const flagged = judged.filter((f) => f.unfamiliar).length;
    const distances = judged.map((f) => f.distance).sort((a, b) => a - b);
    console.log(`${shift.name}: unfamiliar ${flagged}/${judged.length} (${((100 * flagged) / Math.max(1, judged.length)).toFixed(1)} %), median distance ${distances[distances.length >> 1]?.toFixed(2)}; not readable ${rows.length - fields.length}`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
