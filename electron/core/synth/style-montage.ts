/**
 * A montage of one lab style (docs/styles.md): a whole small field per pattern, plus a negative
 * and a mixed serum, each at the style's own pixel size with its optics, camera and artefacts.
 * Colour cameras are shown as their RGB file is; monochrome ones through a green look-up table
 * with one display range for the whole montage (so a negative still looks dimmer than a positive).
 * The PNG is palette-quantised to stay small enough for the docs.
 */
import sharp, { type OverlayOptions } from 'sharp';
import { LABEL_KEYS, findLabel } from '../../contract/labels';
import { escapeXml } from './montage';
import { generateField } from './styled-field';
import { DomainError } from '../errors';
import { findStyle } from './styles';
import type { SynthField } from './synth.types';

export interface StyleMontageOptions {
  style: string;
  seed: number;
  tileWidthPx?: number;
  tileHeightPx?: number;
  columns?: number;
}

export async function renderStyleMontage(options: StyleMontageOptions): Promise<Buffer> {
  const style = findStyle(options.style);
  if (!style) throw new DomainError('bad-request', `style montage: '${options.style}' is the classic look; use renderMontage`);
  const tileW = options.tileWidthPx ?? 256;
  const tileH = options.tileHeightPx ?? 192;
  const columns = options.columns ?? 5;
  const specs: { title: string; labels: string[] }[] = [
    { title: 'negative', labels: [] },
    ...LABEL_KEYS.map((key) => ({ title: `${findLabel(key)!.displayName} ${findLabel(key)!.icapCodes.join('/')}`, labels: [key] })),
    { title: 'mixed: speckled + nucleolar', labels: ['speckled', 'nucleolar'] },
  ];
  // Tiles cycle through the style's export formats (random mode: colour and monochrome cameras).
  // A 40× tile would show one or two cells: render a larger field and show it at about 0.4 µm/px.
  const pixelSizeUm = Math.round(((style.optics.pixelSizeUm[0] + style.optics.pixelSizeUm[1]) / 2) * 1000) / 1000;
  const zoom = Math.max(1, Math.round(0.4 / pixelSizeUm));
  const fields: SynthField[] = specs.map((spec, t) =>
    downsample(generateField({ widthPx: tileW * zoom, heightPx: tileH * zoom, pixelSizeUm, labels: spec.labels, intensity: spec.labels.length ? 0.6 : undefined, mitoticRate: 0.05, style: options.style, format: style.camera.formats[t % style.camera.formats.length] }, options.seed + t), zoom),
  );
  // Monochrome tiles share one auto-contrast range (random mode mixes colour and monochrome cameras).
  const mono = fields.filter((f) => !f.colour);
  const [low, high] = mono.length ? displayRange(mono) : [0, 1];
  const gap = 4;
  const composites: OverlayOptions[] = [];
  fields.forEach((field, t) => {
    const rgb = Buffer.alloc(tileW * tileH * 3);
    for (let i = 0; i < tileW * tileH; i++) {
      if (field.colour) {
        rgb[3 * i] = Math.round(field.colour.red[i]! * 255);
        rgb[3 * i + 1] = Math.round(field.fitc[i]! * 255);
        rgb[3 * i + 2] = Math.round(field.colour.blue[i]! * 255);
      } else {
        const g = Math.round(255 * Math.max(0, Math.min(1, (field.fitc[i]! - low) / (high - low))));
        rgb[3 * i] = Math.round(g * 0.2);
        rgb[3 * i + 1] = g;
        rgb[3 * i + 2] = Math.round(g * 0.12);
      }
    }
    const left = (t % columns) * (tileW + gap);
    const top = Math.floor(t / columns) * (tileH + gap);
    composites.push({ input: rgb, raw: { width: tileW, height: tileH, channels: 3 }, left, top });
    const title = `${specs[t]!.title} · ${pixelSizeUm} µm/px${zoom > 1 ? ` (shown 1:${zoom})` : ''}`;
    const label = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${tileW}" height="20"><rect width="100%" height="100%" fill="black" fill-opacity="0.6"/>` +
        `<text x="5" y="14" font-family="DejaVu Sans, sans-serif" font-size="12" fill="white">${escapeXml(title)}</text></svg>`,
    );
    composites.push({ input: label, left, top: top + tileH - 20 });
  });
  const rows = Math.ceil(fields.length / columns);
  const width = columns * tileW + (columns - 1) * gap;
  const height = rows * tileH + (rows - 1) * gap;
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(composites)
    .png({ compressionLevel: 9, palette: true, colours: 64, dither: 0 })
    .toBuffer();
}

/** Area average over zoom×zoom blocks (fitc and colour planes); pixel size scales with it. */
function downsample(field: SynthField, zoom: number): SynthField {
  if (zoom === 1) return field;
  const w = Math.floor(field.widthPx / zoom);
  const h = Math.floor(field.heightPx / zoom);
  const shrink = (plane: Float32Array): Float32Array => {
    const out = new Float32Array(w * h);
    for (let y = 0; y < h * zoom; y++) for (let x = 0; x < w * zoom; x++) out[Math.floor(y / zoom) * w + Math.floor(x / zoom)]! += plane[y * field.widthPx + x]! / (zoom * zoom);
    return out;
  };
  const colour = field.colour ? { red: shrink(field.colour.red), blue: shrink(field.colour.blue) } : undefined;
  return { ...field, widthPx: w, heightPx: h, pixelSizeUm: Math.round(field.pixelSizeUm * zoom * 1000) / 1000, fitc: shrink(field.fitc), colour };
}

/** 0.5th to 99.8th percentile over all tiles: auto-contrast as imaging software shows a mono file. */
function displayRange(fields: SynthField[]): [number, number] {
  const histogram = new Uint32Array(4096);
  let total = 0;
  for (const f of fields) {
    for (const v of f.fitc) histogram[Math.min(4095, Math.floor(v * 4095))]!++;
    total += f.fitc.length;
  }
  const quantile = (q: number): number => {
    let seen = 0;
    for (let b = 0; b < 4096; b++) {
      seen += histogram[b]!;
      if (seen >= q * total) return b / 4095;
    }
    return 1;
  };
  const low = quantile(0.005);
  return [low, Math.max(low + 0.01, quantile(0.998))];
}
