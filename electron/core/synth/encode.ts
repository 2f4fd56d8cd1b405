/**
 * Writes a field in the file formats a lab meets: 8-bit RGB with the signal in green (PNG, JPEG),
 * 8/16-bit grey (PNG, TIFF) and a two-page 16-bit TIFF whose second page is DAPI. Pixel size is
 * written as resolution metadata (PNG pHYs, TIFF resolution tags) where the format can hold it,
 * unless the field is written as many real exports are, stating none.
 */
import sharp, { type Sharp } from 'sharp';
import { DomainError } from '../errors';
import { SYNTH_FORMATS, type SynthField, type SynthFormat } from './synth.types';

export { SYNTH_FORMATS, type SynthFormat } from './synth.types';

export function isSynthFormat(value: string): value is SynthFormat {
  return (SYNTH_FORMATS as readonly string[]).includes(value);
}

export function formatExtension(format: SynthFormat): string {
  if (format.startsWith('png')) return 'png';
  if (format.startsWith('jpeg')) return 'jpg';
  return 'tif';
}

export function formatNeedsDapi(format: SynthFormat): boolean {
  return format === 'tiff-fitc-dapi16';
}

/** Fluorescein seen through an RGB camera: mostly green, a little bleed into red and blue. */
const RGB_BLEED = { red: 0.22, blue: 0.12 };

export async function encodeField(field: SynthField, format: SynthFormat, options: { statesPixelSize?: boolean } = {}): Promise<Buffer> {
  const { widthPx: width, heightPx: height, fitc } = field;
  const states = options.statesPixelSize ?? true;
  const dpi = 25_400 / field.pixelSizeUm;
  const pxPerMm = 1000 / field.pixelSizeUm;
  // Unstated: PNG and JPEG get no density, TIFF libvips' default (1 px/mm, which decoding ignores as implausible).
  const density = (image: Sharp) => (states ? image.withDensity(dpi) : image);
  const tiff = { compression: 'deflate' as const, ...(states ? { xres: pxPerMm, yres: pxPerMm, resolutionUnit: 'cm' as const } : {}) };
  switch (format) {
    case 'png-rgb8':
    case 'jpeg-rgb8': {
      const rgb = Buffer.alloc(width * height * 3);
      const colour = field.colour;
      for (let i = 0; i < fitc.length; i++) {
        const g = fitc[i]! * 255;
        // A styled colour camera brings its own red and blue (own noise); classic fields a fixed bleed.
        rgb[3 * i] = Math.round(colour ? colour.red[i]! * 255 : g * RGB_BLEED.red);
        rgb[3 * i + 1] = Math.round(g);
        rgb[3 * i + 2] = Math.round(colour ? colour.blue[i]! * 255 : g * RGB_BLEED.blue);
      }
      const image = sharp(rgb, { raw: { width, height, channels: 3 } });
      const jpeg = field.jpegQuality === undefined ? { quality: 92, chromaSubsampling: '4:4:4' } : { quality: field.jpegQuality, chromaSubsampling: '4:2:0' };
      return format === 'png-rgb8'
        ? density(image).png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer()
        // JFIF density is a 16-bit field; above 65535 dpi (below ~0.39 µm/px) it cannot be stated.
        : (dpi <= 65_535 ? density(image) : image).jpeg(jpeg).toBuffer();
    }
    case 'png-grey8':
      return density(sharp(to8(fitc), { raw: { width, height, channels: 1 } })).png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer();
    case 'png-grey16':
      return density(sharp(to16(fitc), { raw: { width, height, channels: 1 } }).toColourspace('grey16')).png({ compressionLevel: 6 }).toBuffer();
    case 'tiff-grey8':
      return sharp(to8(fitc), { raw: { width, height, channels: 1 } }).tiff(tiff).toBuffer();
    case 'tiff-grey16':
      return sharp(to16(fitc), { raw: { width, height, channels: 1 } }).toColourspace('grey16').tiff(tiff).toBuffer();
    case 'tiff-fitc-dapi16': {
      if (!field.dapi) throw new DomainError('bad-request', 'synthetic field: format tiff-fitc-dapi16 needs a field generated with dapi: true');
      const pages = new Uint16Array(width * height * 2);
      pages.set(to16(fitc), 0);
      pages.set(to16(field.dapi), width * height);
      return sharp(pages, { raw: { width, height: height * 2, channels: 1, pageHeight: height } })
        .toColourspace('grey16')
        .tiff(tiff)
        .toBuffer();
    }
  }
}

function to8(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round(values[i]! * 255);
  return out;
}

function to16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round(values[i]! * 65535);
  return out;
}
