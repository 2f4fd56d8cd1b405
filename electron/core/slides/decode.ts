/**
 * Slide decoding: the only module (besides synthetic data generation) that imports sharp.
 * Returns the FITC signal as Float32 in [0, 1] at full dynamic range (16-bit stays 16-bit:
 * values are divided by 65535, never truncated to 8 bits first).
 */
import sharp, { type Metadata } from 'sharp';
import { stat } from 'node:fs/promises';
import { DomainError } from '../errors';

export interface DecodedSlide {
  widthPx: number;
  heightPx: number;
  /** FITC signal, row-major, 0..1. */
  fitc: Float32Array;
  bitDepth: 8 | 16;
  format: string;
  /** From the file's resolution tags when it states one in a physical unit; else null. */
  pixelSizeUm: number | null;
}

export const MAX_SLIDE_PIXELS = 100_000_000;

export async function decodeSlide(path: string): Promise<DecodedSlide> {
  const size = await stat(path).then((s) => s.size, () => -1);
  if (size < 0) throw new DomainError('slide-unreadable', `${path}: file not found`);
  if (size === 0) throw new DomainError('slide-unreadable', `${path}: file is empty`);
  let meta: Metadata;
  try {
    meta = await sharp(path, { limitInputPixels: MAX_SLIDE_PIXELS }).metadata();
  } catch (error) {
    throw new DomainError('slide-unsupported', `${path}: not a supported image (${(error as Error).message})`, { cause: error });
  }
  const { width, height } = meta;
  if (!width || !height) throw new DomainError('slide-unreadable', `${path}: image has no pixels`);
  if (width * height > MAX_SLIDE_PIXELS) {
    throw new DomainError('slide-too-large', `${path}: ${width}×${height} px exceeds the ${MAX_SLIDE_PIXELS / 1e6} megapixel limit`);
  }
  const sixteenBit = meta.depth === 'ushort' || meta.depth === 'short';
  const channels = meta.channels ?? 1;
  try {
    let pipeline = sharp(path, { limitInputPixels: MAX_SLIDE_PIXELS, failOn: 'truncated' });
    // Signal is in the green channel of RGB images; grey images are used as they are.
    if (channels >= 3) pipeline = pipeline.extractChannel('green');
    if (sixteenBit) pipeline = pipeline.toColourspace('grey16');
    const { data } = await pipeline
      .raw({ depth: sixteenBit ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const fitc = new Float32Array(width * height);
    if (sixteenBit) {
      const values = new Uint16Array(data.buffer, data.byteOffset, width * height);
      for (let i = 0; i < fitc.length; i++) fitc[i] = values[i]! / 65535;
    } else {
      for (let i = 0; i < fitc.length; i++) fitc[i] = data[i]! / 255;
    }
    return { widthPx: width, heightPx: height, fitc, bitDepth: sixteenBit ? 16 : 8, format: meta.format ?? 'unknown', pixelSizeUm: pixelSizeFromMetadata(meta) };
  } catch (error) {
    throw new DomainError('slide-unreadable', `${path}: cannot decode pixels (${(error as Error).message})`, { cause: error });
  }
}

/** sharp reports density in pixels per inch; TIFF resolution tags in cm are converted by libvips. */
function pixelSizeFromMetadata(meta: Metadata): number | null {
  if (!meta.density || meta.resolutionUnit === undefined) return null;
  if (meta.density <= 100) return null; // 72/96 dpi defaults say nothing about the microscope
  return 25_400 / meta.density;
}

/**
 * The display rendition of a slide for the viewer: the FITC channel as an 8-bit grey PNG,
 * contrast-stretched between the 0.5th and 99.8th percentiles so dim fluorescence is visible
 * (brightness/contrast/gamma are then adjusted in the viewer).
 */
export async function renderDisplayPng(path: string): Promise<Uint8Array> {
  const slide = await decodeSlide(path);
  const { low, high } = percentiles(slide.fitc, 0.005, 0.998);
  const span = Math.max(high - low, 1e-6);
  const out = Buffer.alloc(slide.fitc.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(((slide.fitc[i]! - low) / span) * 255)));
  return sharp(out, { raw: { width: slide.widthPx, height: slide.heightPx, channels: 1 } }).png({ compressionLevel: 3 }).toBuffer();
}

function percentiles(values: Float32Array, lowQ: number, highQ: number): { low: number; high: number } {
  const histogram = new Uint32Array(4096);
  for (let i = 0; i < values.length; i++) histogram[Math.min(4095, Math.floor(values[i]! * 4095))]!++;
  const at = (q: number) => {
    const target = q * values.length;
    let seen = 0;
    for (let b = 0; b < histogram.length; b++) {
      seen += histogram[b]!;
      if (seen >= target) return b / 4095;
    }
    return 1;
  };
  return { low: at(lowQ), high: at(highQ) };
}
