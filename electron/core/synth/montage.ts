/**
 * A montage of synthetic fields, one tile per pattern (plus negative, a mixed serum, a weak
 * positive and a DAPI channel), shown as a microscope shows FITC: black to green. It lets a
 * reader of the docs see what the generator makes.
 */
import sharp, { type OverlayOptions } from 'sharp';
import { LABEL_KEYS, findLabel } from '../../contract/labels';
import { generateField } from './styled-field';
import type { FieldOptions } from './synth.types';

export interface MontageOptions {
  seed: number;
  /** Side of one square tile in pixels (a crop of the field at full resolution). */
  tilePx?: number;
  columns?: number;
  pixelSizeUm?: number;
}

interface Tile {
  title: string;
  options: Partial<FieldOptions>;
  channel?: 'dapi';
}

export async function renderMontage(options: MontageOptions): Promise<Buffer> {
  const tile = options.tilePx ?? 360;
  const columns = options.columns ?? 4;
  const pixelSizeUm = options.pixelSizeUm ?? 0.45;
  const tiles: Tile[] = [
    { title: 'negative (AC-0)', options: { labels: [] } },
    ...LABEL_KEYS.map((key) => ({ title: `${findLabel(key)!.displayName} (${findLabel(key)!.icapCodes.join('/')})`, options: { labels: [key], intensity: 0.75, subtypes: { speckled: 'fine' as const } } })),
    { title: 'mixed: homogeneous + mitochondrial', options: { labels: ['homogeneous', 'mitochondrial'], intensity: 0.75 } },
    { title: 'weak positive: speckled', options: { labels: ['speckled'], intensity: 0.14 } },
    { title: 'DAPI page (nuclei)', options: { labels: ['centromere'], dapi: true }, channel: 'dapi' },
  ];
  const rows = Math.ceil(tiles.length / columns);
  const gap = 4;
  const composites: OverlayOptions[] = [];
  for (let t = 0; t < tiles.length; t++) {
    const spec = tiles[t]!;
    // Large enough to hold one tile in its centre; mitotic rate raised a little so metaphases show.
    const field = generateField({ widthPx: tile * 2, heightPx: tile * 2, pixelSizeUm, mitoticRate: 0.04, ...spec.options }, options.seed + t);
    const values = spec.channel === 'dapi' ? field.dapi! : field.fitc;
    const rgb = Buffer.alloc(tile * tile * 3);
    const off = Math.floor(tile / 2);
    // Fixed display range so brightness differences stay visible (a weak positive looks weak).
    for (let y = 0; y < tile; y++) {
      for (let x = 0; x < tile; x++) {
        const v = Math.max(0, Math.min(1, (values[(y + off) * field.widthPx + x + off]! - 0.03) / 0.55));
        const g = Math.round(255 * v ** 0.75);
        const i = 3 * (y * tile + x);
        if (spec.channel === 'dapi') {
          rgb[i] = Math.round(g * 0.35);
          rgb[i + 1] = Math.round(g * 0.45);
          rgb[i + 2] = g;
        } else {
          rgb[i] = Math.round(g * 0.25);
          rgb[i + 1] = g;
          rgb[i + 2] = Math.round(g * 0.15);
        }
      }
    }
    const left = (t % columns) * (tile + gap);
    const top = Math.floor(t / columns) * (tile + gap);
    composites.push({ input: rgb, raw: { width: tile, height: tile, channels: 3 }, left, top });
    const label = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${tile}" height="26"><rect width="100%" height="100%" fill="black" fill-opacity="0.55"/>` +
        `<text x="6" y="18" font-family="DejaVu Sans, sans-serif" font-size="14" fill="white">${escapeXml(spec.title)}</text></svg>`,
    );
    composites.push({ input: label, left, top });
  }
  const width = columns * tile + (columns - 1) * gap;
  const height = rows * tile + (rows - 1) * gap;
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(composites)
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** Text for an SVG label: the three characters XML text may not hold as they are. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
