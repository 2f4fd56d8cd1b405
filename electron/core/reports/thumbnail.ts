/**
 * The report's picture: the viewer's display rendition of the field (the cached grey PNG, already
 * stretched by slides/rendition.ts — the original slide is not decoded again), downsampled and
 * coloured by the viewer's default look-up table (FITC green, contract/display.ts), with the main
 * pattern's per-patch scores blended on top as a warm overlay (opacity proportional to the patch
 * score). Pure pixel arithmetic, so the PNG is deterministic.
 */
import { decodeDisplayPng } from '../slides/decode';
import { DEFAULT_DISPLAY_LUT, displayColourTable, type PatchEntry } from '../../contract';
import { encodeRgbPng } from './png-encode';

export interface OverlayInput {
  patches: PatchEntry[];
  /** One score in [0, 1] per patch for the main pattern. */
  scores: ArrayLike<number>;
}

export const THUMBNAIL_MAX_WIDTH_PX = 480;
const OVERLAY_MAX_ALPHA = 0.55;
const OVERLAY_RGB = [255, 64, 160] as const; // magenta reads well over green/grey fluorescence

/** `grey`: the display rendition's levels (0..255, row-major). */
export function renderThumbnailRgb(
  grey: Uint8Array,
  widthPx: number,
  heightPx: number,
  overlay: OverlayInput | null,
  maxWidthPx = THUMBNAIL_MAX_WIDTH_PX,
): { rgb: Uint8Array; widthPx: number; heightPx: number } {
  const scale = Math.min(1, maxWidthPx / widthPx);
  const outW = Math.max(1, Math.round(widthPx * scale));
  const outH = Math.max(1, Math.round(heightPx * scale));
  const small = new Uint8Array(outW * outH);
  // Box filter: each output pixel averages the source pixels it covers.
  for (let oy = 0; oy < outH; oy++) {
    const y0 = Math.floor((oy * heightPx) / outH);
    const y1 = Math.max(y0 + 1, Math.floor(((oy + 1) * heightPx) / outH));
    for (let ox = 0; ox < outW; ox++) {
      const x0 = Math.floor((ox * widthPx) / outW);
      const x1 = Math.max(x0 + 1, Math.floor(((ox + 1) * widthPx) / outW));
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += grey[y * widthPx + x]!;
      small[oy * outW + ox] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
    }
  }
  const colours = displayColourTable(DEFAULT_DISPLAY_LUT);

  const alpha = new Float32Array(outW * outH);
  if (overlay) {
    overlay.patches.forEach(([x, y, w, h, skipped], p) => {
      if (skipped) return;
      const a = Math.max(0, Math.min(1, Number(overlay.scores[p]))) * OVERLAY_MAX_ALPHA;
      const ox0 = Math.floor((x * outW) / widthPx);
      const oy0 = Math.floor((y * outH) / heightPx);
      const ox1 = Math.min(outW, Math.ceil(((x + w) * outW) / widthPx));
      const oy1 = Math.min(outH, Math.ceil(((y + h) * outH) / heightPx));
      for (let yy = oy0; yy < oy1; yy++) for (let xx = ox0; xx < ox1; xx++) alpha[yy * outW + xx] = Math.max(alpha[yy * outW + xx]!, a);
    });
  }

  const rgb = new Uint8Array(outW * outH * 3);
  for (let i = 0; i < small.length; i++) {
    const t = small[i]! * 3;
    const a = alpha[i]!;
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round(colours[t + c]! * (1 - a) + OVERLAY_RGB[c]! * a);
  }
  return { rgb, widthPx: outW, heightPx: outH };
}

/** Renders the thumbnail PNG from the field's display rendition (a grey PNG from the viewer's cache). */
export async function renderThumbnailPng(displayPng: Uint8Array, overlay: OverlayInput | null): Promise<Uint8Array> {
  const rendition = await decodeDisplayPng(displayPng);
  const t = renderThumbnailRgb(rendition.grey, rendition.widthPx, rendition.heightPx, overlay);
  return encodeRgbPng(t.rgb, t.widthPx, t.heightPx);
}
