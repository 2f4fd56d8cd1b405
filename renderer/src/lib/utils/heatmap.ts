/**
 * The per-pattern confidence heatmap as pixels: one colour per patch, rendered at a reduced
 * resolution (`cellPx` slide pixels per heatmap pixel) and scaled up by the canvas without
 * smoothing, so changing opacity or toggling never recomputes it. A patch's alpha is its
 * probability, so cells stay visible where the model sees nothing and the overlay draws the eye
 * only where a pattern is likely; the opacity slider scales the whole layer. Skipped (background)
 * patches stay transparent. Patches are painted in stored order; where the shifted last row/column
 * overlaps its neighbour the later patch shows, matching `patchAtSlidePoint`.
 */
import { confidenceColor } from './colormap';
import type { PatchEntry } from '../../../../electron/contract';

export interface HeatmapPixels {
  width: number;
  height: number;
  /** slide pixels per heatmap pixel */
  cellPx: number;
  data: Uint8ClampedArray<ArrayBuffer>;
}

/** Score of patch `patchIndex` for label `labelIndex` in a row-major patchCount × labelCount array. */
export function patchScore(scores: ArrayLike<number>, labelCount: number, patchIndex: number, labelIndex: number): number {
  return scores[patchIndex * labelCount + labelIndex] ?? 0;
}

/** A heatmap pixel size that keeps about `perPatch` heatmap pixels across the smallest patch. */
export function heatmapCellPx(patches: readonly PatchEntry[], perPatch = 8): number {
  const smallest = patches.reduce((m, p) => Math.min(m, p[2], p[3]), Infinity);
  return Number.isFinite(smallest) ? Math.max(1, Math.floor(smallest / perPatch)) : 1;
}

export function heatmapPixels(
  slide: { widthPx: number; heightPx: number },
  patches: readonly PatchEntry[],
  scores: ArrayLike<number>,
  labelCount: number,
  labelIndex: number,
  cellPx = heatmapCellPx(patches),
): HeatmapPixels {
  const width = Math.max(1, Math.ceil(slide.widthPx / cellPx));
  const height = Math.max(1, Math.ceil(slide.heightPx / cellPx));
  const data = new Uint8ClampedArray(width * height * 4);
  patches.forEach((p, i) => {
    if (p[4]) return;
    const score = patchScore(scores, labelCount, i, labelIndex);
    const [r, g, b] = confidenceColor(score);
    const a = Math.round(255 * (Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0));
    const x0 = Math.floor(p[0] / cellPx);
    const y0 = Math.floor(p[1] / cellPx);
    const x1 = Math.min(width, Math.ceil((p[0] + p[2]) / cellPx));
    const y1 = Math.min(height, Math.ceil((p[1] + p[3]) / cellPx));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const o = (y * width + x) * 4;
        data[o] = r;
        data[o + 1] = g;
        data[o + 2] = b;
        data[o + 3] = a;
      }
    }
  });
  return { width, height, cellPx, data };
}

/** The `count` highest-scoring non-skipped patches for a label, best first (ties: lower index). */
export function topPatches(patches: readonly PatchEntry[], scores: ArrayLike<number>, labelCount: number, labelIndex: number, count: number): { patchIndex: number; score: number }[] {
  const ranked: { patchIndex: number; score: number }[] = [];
  patches.forEach((p, i) => {
    if (!p[4]) ranked.push({ patchIndex: i, score: patchScore(scores, labelCount, i, labelIndex) });
  });
  ranked.sort((a, b) => b.score - a.score || a.patchIndex - b.patchIndex);
  return ranked.slice(0, count);
}
