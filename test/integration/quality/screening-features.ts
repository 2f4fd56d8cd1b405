/**
 * Writes the screening features of generated data sets' fields, read from their files as the
 * reading decodes them, as JSON lines: the input of screening-fit.ts and of the per-pattern tables.
 *   npx tsx test/integration/quality/screening-features.ts OUT.jsonl DATASET_DIR...
 * DATASET_DIR is an `ana synth` output (truth.jsonl beside the images); e.g. the fitting set
 * `ana synth --out DIR --count 300 --seed 91 --splits test=1 --negative-rate 0.5`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analyseField } from '../../../electron/core/quality/analyse-field';
import { fieldQuality } from '../../../electron/core/quality/readability';
import { decodeSlideBytes } from '../../../electron/core/slides/decode';

const [out, ...dirs] = process.argv.slice(2);
const lines: string[] = [];
for (const dir of dirs) {
  const truth = readFileSync(join(dir, 'truth.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { path: string; labels: string[]; intensity: number; intensityLevel: string; pixelSizeUm: number; style?: string });
  for (const t of truth) {
    const path = join(dir, t.path);
    const decoded = await decodeSlideBytes(path, await readFile(path));
    const a = analyseField(decoded.fitc, decoded.widthPx, decoded.heightPx, decoded.pixelSizeUm ?? t.pixelSizeUm);
    const q = fieldQuality(a);
    lines.push(JSON.stringify({ path, style: t.style ?? 'classic', labels: t.labels, intensity: t.intensity, level: t.intensityLevel, verdict: q.verdict, reason: q.reason, cells: a.cells, areaUm2: a.areaUm2, focus: a.focusPerUm, sat: a.saturatedFraction, features: a.features, acquisition: a.acquisition }));
  }
}
writeFileSync(out!, lines.join('\n') + '\n');
