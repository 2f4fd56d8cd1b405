/**
 * How a field was acquired, in three statistics that the model's mean patch embedding hardly moves
 * under (its extractor normalises every patch) but that say the field is not like the fields the
 * model was trained on (docs/field-quality.md, "The unfamiliar flag"):
 * - `cellAreaUm2`: the median cell area in µm². A pixel size that is wrong in the file or the
 *   profile scales it by the square of the error.
 * - `halo`: light just outside the cells (1–3 µm) above the glass far from them (≥ 8 µm), over the
 *   cells' own signal. Out-of-plane light (haze, a thick specimen, a dirty objective) raises it.
 * - `blockiness`: the mean step between neighbouring pixels across 8-pixel block borders over the
 *   mean step elsewhere: 1 for an uncompressed camera, above 1 for a JPEG.
 * Pure computation on the planes the cell analysis already has.
 */
import { distanceToBackground } from './segment';

export const ACQUISITION_STATISTICS = ['cellAreaUm2', 'halo', 'blockiness'] as const;
export type AcquisitionStatistic = (typeof ACQUISITION_STATISTICS)[number];
/** A statistic that could not be measured on this field (no glass far from the cells, too few pixels) or was not asked for is null. */
export type AcquisitionStatistics = Record<AcquisitionStatistic, number | null>;

/** Ring just outside the cells, and glass far from them, in working pixels (≈ µm). */
const NEAR_UM: [number, number] = [1, 3];
const FAR_UM = 8;
/** Fewest pixels in each ring for the halo to be measured. */
const MIN_RING_PX = 200;

/**
 * `labels`: the segmented cells on the working image (0 = none); `values` and `background` on the
 * same grid; `fitc` the full-resolution plane (for the JPEG blocks, which live on the file's pixels).
 * Only the statistics in `wanted` are measured, the others are null: the halo and the blocks cost
 * more than the rest of the cell analysis does without them (a distance transform of the field, a
 * pass over its full-resolution pixels), and a reader needs only those its reference judges.
 */
export function acquisitionStatistics(
  fitc: Float32Array, fullWidthPx: number, fullHeightPx: number,
  values: Float32Array, background: Float32Array, labels: Int32Array, w: number, h: number, workingPixelSizeUm: number,
  cellAreasPx: number[],
  wanted: readonly AcquisitionStatistic[] = ACQUISITION_STATISTICS,
): AcquisitionStatistics {
  const sortedAreas = [...cellAreasPx].sort((a, b) => a - b);
  const medianAreaPx = sortedAreas.length ? sortedAreas[sortedAreas.length >> 1]! : 0;
  return {
    cellAreaUm2: wanted.includes('cellAreaUm2') && medianAreaPx > 0 ? medianAreaPx * workingPixelSizeUm * workingPixelSizeUm : null,
    halo: wanted.includes('halo') ? haloShare(values, background, labels, w, h, workingPixelSizeUm) : null,
    blockiness: wanted.includes('blockiness') ? blockiness(fitc, fullWidthPx, fullHeightPx) : null,
  };
}

function haloShare(values: Float32Array, background: Float32Array, labels: Int32Array, w: number, h: number, pixelSizeUm: number): number | null {
  const glass = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) glass[i] = labels[i] ? 0 : 1;
  // Distance of each glass pixel to the nearest cell (the image border counts as a cell: unknown beyond it).
  const toCell = distanceToBackground(glass, w, h);
  let cellSum = 0;
  let cellN = 0;
  let nearSum = 0;
  let nearN = 0;
  let farSum = 0;
  let farN = 0;
  for (let i = 0; i < labels.length; i++) {
    const v = values[i]! - background[i]!;
    if (labels[i]) {
      cellSum += v;
      cellN++;
      continue;
    }
    const d = toCell[i]! * pixelSizeUm;
    if (d >= NEAR_UM[0] && d <= NEAR_UM[1]) {
      nearSum += v;
      nearN++;
    } else if (d >= FAR_UM) {
      farSum += v;
      farN++;
    }
  }
  if (cellN === 0 || nearN < MIN_RING_PX || farN < MIN_RING_PX) return null;
  const cellSignal = cellSum / cellN;
  return cellSignal > 0 ? (nearSum / nearN - farSum / farN) / cellSignal : null;
}

/** Mean |step| across 8-pixel block borders over the mean |step| inside blocks, both directions. */
export function blockiness(fitc: Float32Array, w: number, h: number): number | null {
  if (w < 32 || h < 32) return null;
  // Whole rows at a time without a branch per pixel: every horizontal step, then the steps across
  // the block borders taken back out; a row's vertical steps go to one side or the other.
  let across = 0;
  let acrossN = 0;
  let inside = 0;
  let insideN = 0;
  const bordersPerRow = (w - 1) >> 3;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let all = 0;
    let vertical = 0;
    let borders = 0;
    if (y + 1 < h) {
      for (let i = row, end = row + w - 1; i < end; i++) {
        const v = fitc[i]!;
        all += Math.abs(fitc[i + 1]! - v);
        vertical += Math.abs(fitc[i + w]! - v);
      }
    } else {
      for (let i = row, end = row + w - 1; i < end; i++) all += Math.abs(fitc[i + 1]! - fitc[i]!);
    }
    for (let i = row + 7, end = row + w - 1; i < end; i += 8) borders += Math.abs(fitc[i + 1]! - fitc[i]!);
    across += borders;
    acrossN += bordersPerRow;
    inside += all - borders;
    insideN += w - 1 - bordersPerRow;
    if (y + 1 === h) continue;
    if ((y & 7) === 7) {
      across += vertical;
      acrossN += w - 1;
    } else {
      inside += vertical;
      insideN += w - 1;
    }
  }
  return inside > 0 ? across / acrossN / (inside / insideN) : null;
}
