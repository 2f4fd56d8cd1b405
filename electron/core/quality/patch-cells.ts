/**
 * Which patches of the grid hold cells: a patch without any segmented cell is background (glass,
 * an empty corner of the well) and is not scored; the image-level call aggregates over the
 * patches that do. Replaces the mean-intensity cut, which kept bright empty glass and dropped dim
 * negatives' cells alike.
 */
import type { SlideRect } from '../slides/grid';
import type { FieldAnalysis } from './analyse-field';

/** A patch needs at least this much cell area (µm²) to be scored: a fifth of a small cell. */
export const MIN_PATCH_CELL_AREA_UM2 = 30;

export function patchesWithCells(rects: SlideRect[], mask: FieldAnalysis['cellMask'], slidePixelSizeUm: number, minCellAreaUm2 = MIN_PATCH_CELL_AREA_UM2): boolean[] {
  const { labels, widthPx: w, heightPx: h, factor } = mask;
  const workingPixelAreaUm2 = (slidePixelSizeUm * factor) ** 2;
  const needed = Math.max(1, Math.ceil(minCellAreaUm2 / workingPixelAreaUm2));
  return rects.map((r) => {
    const x0 = Math.floor(r.x / factor);
    const y0 = Math.floor(r.y / factor);
    const x1 = Math.min(w, Math.ceil((r.x + r.width) / factor));
    const y1 = Math.min(h, Math.ceil((r.y + r.height) / factor));
    let n = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        if (labels[y * w + x] && ++n >= needed) return true;
      }
    }
    return false;
  });
}
