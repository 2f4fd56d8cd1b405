/**
 * The unfamiliar-flag rate on in-distribution fields against deliberately shifted ones. Fields of
 * a generated set are decoded, shifted in memory, written as 16-bit TIFF (or 8-bit JPEG) and read
 * as the reading does (prepareSlide, embeddings of patches with cells, the package's reference).
 * Each condition is judged by the package's reference as shipped and, with `--acquisition-from`,
 * by the same reference plus acquisition statistics (core/quality/acquisition.ts) fitted on those
 * fields (training-like, disjoint from DATASET), as the recipe build-familiarity-reference.ts
 * now writes them; the package itself is not changed.
 * `--acquisition-only` judges the acquisition statistics alone, without running the model (fast;
 * the field's distance is the larger of the two, so a field flagged here is flagged by both), and
 * says how many fields each statistic alone would flag.
 * `--cost` also scores each condition's fields with the model (`ana eval`'s metrics, every patch):
 * what the shift costs the reading, i.e. whether a statistic that catches it should be judged.
 * `--judged cellAreaUm2,blockiness` fits the combined acquisition reference on those statistics only
 * (default: the ones the recipe judges, JUDGED_ACQUISITION_STATISTICS).
 *   npx tsx test/integration/quality/familiarity-bench.ts DATASET/labels.csv [count=40] [--model DIR] [--cost] [--acquisition-from REF/labels.csv [--acquisition-count 80] [--acquisition-only] [--judged LIST]]
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModelPackage } from '../../../electron/core/models/model-package';
import { defaultModelDir } from '../../../electron/core/paths';
import { analyseField } from '../../../electron/core/quality/analyse-field';
import { fieldQuality } from '../../../electron/core/quality/readability';
import { ACQUISITION_STATISTICS, type AcquisitionStatistic, type AcquisitionStatistics } from '../../../electron/core/quality/acquisition';
import { acquisitionDistance, familiarity, fitAcquisitionReference, JUDGED_ACQUISITION_STATISTICS, loadFamiliarityReference, type FamiliarityReference } from '../../../electron/core/quality/familiarity';
import { decodeSlideBytes } from '../../../electron/core/slides/decode';
import { readDatasetCsv } from '../../../electron/core/synth';
import { gaussianBlur } from '../../../electron/core/synth/raster';
import { Random } from '../../../electron/core/random';
import { meanEmbeddingsOf } from '../../../native-models/recipes/familiarity-embeddings';
import { evaluateModelOnCsv } from '../../../electron/core/training/heads/train-model';
import { writeGreenJpeg, writeGrey16Tiff, writeRgb8 } from '../../fixtures/slide-images';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { model: { type: 'string' }, cost: { type: 'boolean', default: false }, judged: { type: 'string' }, 'acquisition-from': { type: 'string' }, 'acquisition-count': { type: 'string', default: '80' }, 'acquisition-only': { type: 'boolean', default: false } },
});
const rows = (await readDatasetCsv(resolve(positionals[0]!))).slice(0, Number(positionals[1] ?? 40));
const model = await loadModelPackage(values.model ? resolve(values.model) : defaultModelDir());
const reference = await loadFamiliarityReference(model);
if (!reference) throw new Error(`${model.dir} ships no familiarity reference`);
const judged = values.judged ? (values.judged.split(',').filter(Boolean) as AcquisitionStatistic[]) : JUDGED_ACQUISITION_STATISTICS;
const referenceStatistics = values['acquisition-from'] ? await acquisitionStatisticsOf(values['acquisition-from'], Number(values['acquisition-count'])) : null;
const withAcquisition = referenceStatistics ? { ...reference, acquisition: fitted(referenceStatistics, judged) } : null;
/** Each statistic alone, with its own threshold: which shifts it would catch if it were the only one judged. */
const eachAlone = referenceStatistics ? ACQUISITION_STATISTICS.map((k) => ({ k, ref: fitAcquisitionReference(referenceStatistics, reference.quantile, [k]) })) : [];
const dir = await mkdtemp(join(tmpdir(), 'ana-familiarity-'));

type Shift = { name: string; apply: (v: Float32Array, w: number, h: number, px: number, rng: Random) => Float32Array; pixelSizeUm?: (px: number) => number; format?: 'jpeg' | 'png8' };
const shifts: Shift[] = [
  { name: 'in-distribution (as generated, 16-bit TIFF)', apply: (v) => v },
  { name: 'other pixel size (file says half the true size)', apply: (v) => v, pixelSizeUm: (px) => px / 2 },
  { name: 'blur 1.5 µm', apply: (v, w, h, px) => { const b = v.slice(); gaussianBlur(b, w, h, 1.5 / px); return b; } },
  { name: 'strong noise (σ 0.04 of full scale)', apply: (v, _w, _h, _px, rng) => v.map((x) => Math.min(1, Math.max(0, x + rng.normal(0, 0.04)))) },
  { name: 'haze (out-of-plane light: + 60 % of a 6 µm blur)', apply: (v, w, h, px) => { const b = v.slice(); gaussianBlur(b, w, h, 6 / px); return v.map((x, i) => Math.min(1, x + 0.6 * b[i]!)); } },
  { name: '8-bit PNG (the JPEG\'s bit depth, lossless)', apply: (v) => v, format: 'png8' },
  { name: '8-bit JPEG (quality 80, green on black)', apply: (v) => v, format: 'jpeg' },
];
try {
  for (const shift of shifts) {
    const paths: string[] = [];
    for (const [i, row] of rows.entries()) {
      const decoded = await decodeSlideBytes(row.absolutePath, await readFile(row.absolutePath));
      const px = decoded.pixelSizeUm ?? 0.5;
      const shifted = shift.apply(decoded.fitc, decoded.widthPx, decoded.heightPx, px, new Random(1000 + i));
      const path = join(dir, `${shifts.indexOf(shift)}-${i}.${shift.format === 'jpeg' ? 'jpg' : shift.format === 'png8' ? 'png' : 'tif'}`);
      const bytes8 = () => Uint8Array.from(shifted, (x) => Math.round(x * 255));
      if (shift.format === 'jpeg') await writeGreenJpeg(path, bytes8(), decoded.widthPx, decoded.heightPx);
      else if (shift.format === 'png8') await writeRgb8(path, bytes8(), decoded.widthPx, decoded.heightPx, 'png');
      else await writeGrey16Tiff(path, Uint16Array.from(shifted, (x) => Math.round(x * 65535)), decoded.widthPx, decoded.heightPx, shift.pixelSizeUm ? shift.pixelSizeUm(px) : px);
      paths.push(path);
    }
    const cost = values.cost ? `; model on every patch: ${await costOf(paths)}` : '';
    if (values['acquisition-only'] && withAcquisition) {
      const distances: number[] = [];
      const byStatistic = Object.fromEntries(ACQUISITION_STATISTICS.map((k) => [k, 0]));
      const medians = Object.fromEntries(ACQUISITION_STATISTICS.map((k) => [k, [] as number[]]));
      for (const path of paths) {
        const decoded = await decodeSlideBytes(path, await readFile(path));
        const a = analyseField(decoded.fitc, decoded.widthPx, decoded.heightPx, decoded.pixelSizeUm ?? model.manifest.patch.defaultPixelSizeUm);
        if (fieldQuality(a).verdict !== 'readable' || !a.acquisition) continue;
        const { statistics, threshold } = withAcquisition.acquisition;
        distances.push(acquisitionDistance(a.acquisition, { statistics }) / threshold);
        for (const { k, ref } of eachAlone) {
          if (acquisitionDistance(a.acquisition, ref) > ref.threshold) byStatistic[k]!++;
          if (a.acquisition[k] !== null) medians[k]!.push(a.acquisition[k]!);
        }
      }
      const flagged = distances.filter((d) => d > 1).length;
      const median = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1]?.toPrecision(3);
      const each = ACQUISITION_STATISTICS.map((k) => `${k} ${byStatistic[k]} (median value ${median(medians[k]!)})`).join(', ');
      console.log(`${shift.name}: acquisition statistics (${judged.join(', ')}): unfamiliar ${flagged}/${distances.length} (${((100 * flagged) / Math.max(1, distances.length)).toFixed(1)} %), median distance ${median(distances)}; each alone: ${each}; not readable ${rows.length - distances.length}${cost}`);
      continue;
    }
    const fields = await meanEmbeddingsOf(model, paths);
    const rate = (ref: FamiliarityReference) => {
      const judged = fields.map((f) => familiarity(f.embedding, ref, f.acquisition));
      const flagged = judged.filter((f) => f.unfamiliar).length;
      const distances = judged.map((f) => f.distance).sort((a, b) => a - b);
      return `unfamiliar ${flagged}/${judged.length} (${((100 * flagged) / Math.max(1, judged.length)).toFixed(1)} %), median distance ${distances[distances.length >> 1]?.toFixed(2)}`;
    };
    console.log(`${shift.name}: shipped reference ${rate(reference)}${withAcquisition ? `; with acquisition statistics ${rate(withAcquisition)}` : ''}; not readable ${rows.length - fields.length}${cost}`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

/** Macro-F1 / mAP of the model on the shifted fields, every patch scored (as `ana eval`). */
async function costOf(paths: string[]): Promise<string> {
  const csv = join(dir, `cost-${paths.length}-${Date.now()}.csv`);
  await writeFile(csv, ['path,labels,split', ...paths.map((p, i) => `${p},${rows[i]!.labels.join(' ')},test`)].join('\n') + '\n');
  const r = await evaluateModelOnCsv({ dataCsv: csv, modelDir: model.dir, split: null, cacheDir: join(dir, 'cache') });
  return `macro-F1 ${r.f1_macro.toFixed(3)}, mAP ${r.map?.toFixed(3)}`;
}

/** Acquisition statistics of training-like fields, analysed as the reading does (no model needed). */
async function acquisitionStatisticsOf(labelsCsv: string, count: number): Promise<AcquisitionStatistics[]> {
  const stats = [];
  for (const row of (await readDatasetCsv(resolve(labelsCsv))).slice(0, count)) {
    const decoded = await decodeSlideBytes(row.absolutePath, await readFile(row.absolutePath));
    const { acquisition } = analyseField(decoded.fitc, decoded.widthPx, decoded.heightPx, decoded.pixelSizeUm ?? model.manifest.patch.defaultPixelSizeUm);
    if (acquisition) stats.push(acquisition);
  }
  console.log(`acquisition statistics of ${stats.length} fields of ${labelsCsv}`);
  return stats;
}

function fitted(stats: AcquisitionStatistics[], statistics: readonly AcquisitionStatistic[]) {
  const ref = fitAcquisitionReference(stats, reference!.quantile, statistics);
  console.log(`acquisition reference (${statistics.join(', ')}): ${JSON.stringify(ref)}`);
  return ref;
}
