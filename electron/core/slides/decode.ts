/**
 * Slide decoding: the only module (besides synthetic data generation) that imports sharp.
 * Returns the FITC signal as Float32 in [0, 1] at full dynamic range: 16-bit data is read as
 * 16-bit (`toColourspace('grey16'|'rgb16')` + `raw({ depth: 'ushort' })`; plain `raw()` would
 * silently truncate to 8 bits) and divided by 65535, or by the camera's maximum from the
 * microscope profile. RGB fields carry the signal in green; grey fields are used as they are; a
 * DAPI page of a multi-page TIFF is kept as a second channel. BMP is parsed by ./bmp because
 * sharp's libvips cannot read it.
 */
import sharp, { type Metadata } from 'sharp';
import { constants, type Stats } from 'node:fs';
import { lstat, open, readlink, realpath } from 'node:fs/promises';
import { DomainError } from '../errors';
import { BmpError, bmpSize, decodeBmp, isBmp } from './bmp';
import type { MicroscopeProfile } from './microscope-profile';
import { describedPixelSizeUm, type ByteReader } from './tiff-description';
import { displayStretch } from './rendition';

export interface DecodedSlide {
  widthPx: number;
  heightPx: number;
  /** FITC signal, row-major, 0..1. */
  fitc: Float32Array;
  /** DAPI counterstain (same size, 0..1) when the file has a DAPI page; else null. */
  dapi: Float32Array | null;
  bitDepth: 8 | 16;
  format: 'png' | 'jpeg' | 'tiff' | 'bmp';
  pages: number;
  /** From the file's resolution tags, else from the microscope profile, else null. */
  pixelSizeUm: number | null;
  pixelSizeSource: 'file' | 'profile' | null;
}

/**
 * What a slide file may cost before it is refused, checked before decoding. The defaults fit real
 * fluorescence microscope cameras with room to spare (sCMOS 4-6 Mpx, colour CCD/CMOS 12-21 Mpx,
 * pixel-shift modes about 20-50 Mpx; a 64 Mpx 16-bit RGB TIFF with a DAPI page is about 500 MB
 * uncompressed) while a decompression bomb (a 97 KB PNG declaring 100 Mpx) is refused from its
 * header. A lab with a bigger camera raises them in its microscope profile (maxMegapixels,
 * maxFileMb, fileTimeLimitS).
 */
export interface SlideFileLimits {
  maxBytes: number;
  maxPixels: number;
  /** Per stage (reading the file, decoding it); a stalled share or a pathological file is refused. */
  timeLimitMs: number;
}

export const DEFAULT_SLIDE_LIMITS: Readonly<SlideFileLimits> = { maxBytes: 512 * 1024 * 1024, maxPixels: 64_000_000, timeLimitMs: 120_000 };
export const MAX_SLIDE_PIXELS = DEFAULT_SLIDE_LIMITS.maxPixels;

/** The limits in force: explicit options, else the microscope profile, else the defaults. */
export function slideFileLimits(profile: MicroscopeProfile | null | undefined, overrides: Partial<SlideFileLimits> = {}): SlideFileLimits {
  return {
    maxBytes: overrides.maxBytes ?? (profile?.maxFileMb ? profile.maxFileMb * 1024 * 1024 : DEFAULT_SLIDE_LIMITS.maxBytes),
    maxPixels: overrides.maxPixels ?? (profile?.maxMegapixels ? profile.maxMegapixels * 1_000_000 : DEFAULT_SLIDE_LIMITS.maxPixels),
    timeLimitMs: overrides.timeLimitMs ?? (profile?.fileTimeLimitS ? profile.fileTimeLimitS * 1000 : DEFAULT_SLIDE_LIMITS.timeLimitMs),
  };
}

export interface DecodeOptions extends Partial<SlideFileLimits> {
  profile?: MicroscopeProfile | null;
}

/** Resolution tags outside this range are defaults (72 dpi) or nonsense, not a microscope's pixel. */
const PLAUSIBLE_PIXEL_UM = { min: 0.02, max: 20 } as const;

const SUPPORTED = ['png', 'jpeg', 'tiff'] as const;
type SharpFormat = (typeof SUPPORTED)[number];

/** Why a slide file could not be decoded, from decodeSlide's error (which names the file: the path is taken off); null for any other error. */
export function slideFileProblem(error: unknown, path: string): string | null {
  if (!(error instanceof DomainError) || !error.code.startsWith('slide-')) return null;
  return error.message.startsWith(`${path}: `) ? error.message.slice(path.length + 2) : error.message;
}

export async function decodeSlide(path: string, options: DecodeOptions = {}): Promise<DecodedSlide> {
  return decodeSlideBytes(path, await readSlideBytes(path, slideFileLimits(options.profile, options)), options);
}

/** What a non-regular file is, for the error line. */
function fileKind(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

const notRegular = (path: string, what: string) => new DomainError('slide-unreadable', `${path}: ${what}, not an image file; only regular files are read`);

/**
 * The real path of a slide file, refused unless it is a regular file: lstat first (a FIFO would
 * block the read forever, a device such as /dev/zero never ends), a symbolic link resolved and
 * its target checked the same way.
 */
async function regularFilePath(path: string): Promise<string> {
  let info: Stats;
  try {
    info = await lstat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DomainError('slide-unreadable', `${path}: ${code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? (error as Error).message})`}`, { cause: error });
  }
  if (info.isFile()) return path;
  if (!info.isSymbolicLink()) throw notRegular(path, `is ${fileKind(info)}`);
  let target: string;
  try {
    target = await realpath(path);
  } catch (error) {
    const link = await readlink(path).catch(() => '?');
    throw new DomainError('slide-unreadable', `${path}: is a symbolic link to ${link}, which does not exist or cannot be reached`, { cause: error });
  }
  const targetInfo = await lstat(target);
  if (!targetInfo.isFile()) throw notRegular(path, `is a symbolic link to ${target}, which is ${fileKind(targetInfo)}`);
  return target;
}

/**
 * Reads a slide file's bytes, with errors that name the file: missing, a folder, a FIFO, a device,
 * a socket or a link to one of them, empty, over the size limit, or too slow to read. The file is
 * opened non-blocking and without following links and checked again on the open descriptor, so
 * swapping it for a pipe or link between the check and the open is refused too.
 */
export async function readSlideBytes(path: string, limits: Partial<SlideFileLimits> = {}): Promise<Uint8Array> {
  const { maxBytes, timeLimitMs } = { ...DEFAULT_SLIDE_LIMITS, ...limits };
  const real = await regularFilePath(path);
  let bytes: Uint8Array;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: `real` has no links left. (0 where the OS lacks them.)
    const handle = await open(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0));
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw notRegular(path, `is ${fileKind(info)}`);
      if (info.size > maxBytes) throw tooLargeFile(path, info.size, maxBytes);
      bytes = await handle.readFile({ signal: AbortSignal.timeout(timeLimitMs) });
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const name = (error as Error).name;
    const reason =
      name === 'TimeoutError' || name === 'AbortError'
        ? `reading took longer than the ${timeLimitMs / 1000} s limit per file`
        : code === 'EISDIR'
          ? 'is a folder, not an image file'
          : code === 'ENXIO'
            ? 'is a socket or device, not an image file; only regular files are read'
            : `cannot read file (${code ?? (error as Error).message})`;
    throw new DomainError('slide-unreadable', `${path}: ${reason}`, { cause: error });
  }
  if (bytes.length === 0) throw new DomainError('slide-unreadable', `${path}: file is empty`);
  if (bytes.length > maxBytes) throw tooLargeFile(path, bytes.length, maxBytes);
  return bytes;
}

function tooLargeFile(path: string, sizeBytes: number, maxBytes: number): DomainError {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
  return new DomainError('slide-too-large', `${path}: ${mb(sizeBytes)} exceeds the ${mb(maxBytes)} file size limit (raise maxFileMb in the microscope profile for a larger camera)`);
}

function tooManyPixels(path: string, width: number, height: number, maxPixels: number): DomainError {
  return new DomainError(
    'slide-too-large',
    `${path}: ${width}×${height} px (${((width * height) / 1e6).toFixed(0)} megapixels) exceeds the ${maxPixels / 1e6} megapixel limit (raise maxMegapixels in the microscope profile for a larger camera)`,
  );
}

/** Decodes bytes already read (the reader hashes and decodes from one read). `path` names the file in errors. */
export async function decodeSlideBytes(path: string, bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedSlide> {
  if (bytes.length === 0) throw new DomainError('slide-unreadable', `${path}: file is empty`);
  const limits = slideFileLimits(options.profile, options);
  const { maxPixels } = limits;
  if (isBmp(bytes)) return decodeBmpSlide(path, bytes, maxPixels, options.profile ?? null);

  const sniffed = sniffFormat(bytes);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    if (sniffed) throw new DomainError('slide-unreadable', `${path}: ${sniffed.toUpperCase()} file is damaged or truncated (${firstLine(error)})`, { cause: error });
    throw new DomainError('slide-unsupported', `${path}: not a supported image file (PNG, JPEG, TIFF or BMP expected)`, { cause: error });
  }
  const format = meta.format as string;
  if (!(SUPPORTED as readonly string[]).includes(format)) {
    throw new DomainError('slide-unsupported', `${path}: ${format.toUpperCase()} is not a slide format (PNG, JPEG, TIFF or BMP expected)`);
  }
  const pages = meta.pages ?? 1;
  const profile = options.profile ?? null;
  const fitcPage = pages > 1 ? (profile?.fitcPage ?? 0) : 0;
  if (fitcPage >= pages) throw new DomainError('slide-unreadable', `${path}: the microscope profile puts FITC on page ${fitcPage}, but the file has ${pages} page(s)`);
  const dapiPageWanted = profile ? profile.dapiPage : 1;
  const dapiPage = pages > 1 && dapiPageWanted !== null && dapiPageWanted < pages && dapiPageWanted !== fitcPage ? dapiPageWanted : null;

  const fitcMeta = fitcPage === 0 ? meta : await pageMetadata(path, bytes, fitcPage);
  const { width, height } = fitcMeta;
  if (!width || !height) throw new DomainError('slide-unreadable', `${path}: image has no pixels`);
  // From the header, before a single pixel is decoded (sharp's own limit below is the backstop).
  if (width * height > maxPixels) throw tooManyPixels(path, width, height, maxPixels);
  const fitcPlane = await decodePlane(path, bytes, format as SharpFormat, fitcPage, fitcMeta, profile, limits);
  let dapi: Float32Array | null = null;
  if (dapiPage !== null) {
    const dapiMeta = await pageMetadata(path, bytes, dapiPage);
    // A page of another size is a thumbnail or pyramid level, not a counterstain of this field.
    if (dapiMeta.width === width && dapiMeta.height === height) dapi = (await decodePlane(path, bytes, format as SharpFormat, dapiPage, dapiMeta, profile, limits)).values;
  }
  const fromFile = await filePixelSizeUm(fitcMeta, (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)));
  return {
    widthPx: width,
    heightPx: height,
    fitc: fitcPlane.values,
    dapi,
    bitDepth: fitcPlane.bitDepth,
    format: format as SharpFormat,
    pages,
    ...resolvePixelSize(fromFile, profile),
  };
}

async function pageMetadata(path: string, bytes: Uint8Array, page: number): Promise<Metadata> {
  try {
    return await sharp(bytes, { limitInputPixels: false, page }).metadata();
  } catch (error) {
    throw new DomainError('slide-unreadable', `${path}: page ${page} is damaged (${firstLine(error)})`, { cause: error });
  }
}

async function decodePlane(
  path: string,
  bytes: Uint8Array,
  format: SharpFormat,
  page: number,
  meta: Metadata,
  profile: MicroscopeProfile | null,
  limits: SlideFileLimits,
): Promise<{ values: Float32Array; bitDepth: 8 | 16 }> {
  const depth = meta.depth ?? 'uchar';
  if (depth !== 'uchar' && depth !== 'char' && depth !== 'ushort' && depth !== 'short') {
    throw new DomainError('slide-unsupported', `${path}: ${depth} samples are not supported (8- or 16-bit integer images expected)`);
  }
  const sixteen = depth === 'ushort' || depth === 'short';
  const inputChannels = meta.channels ?? 1;
  const grey = inputChannels <= 2;
  if (!grey && meta.space === 'cmyk') throw new DomainError('slide-unsupported', `${path}: CMYK images are not microscope fields`);
  const width = meta.width!;
  const height = meta.height!;
  let data: Buffer;
  let channels: number;
  try {
    const pipeline = sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'truncated', page })
      .timeout({ seconds: Math.max(1, Math.ceil(limits.timeLimitMs / 1000)) })
      .toColourspace(grey ? (sixteen ? 'grey16' : 'b-w') : sixteen ? 'rgb16' : 'srgb');
    // Green carries FITC in an RGB field: only that channel leaves libvips (a third of the bytes to
    // copy out and convert; docs/results.md, "The shipped 0.5.0 meets it").
    if (!grey) pipeline.extractChannel(1);
    pipeline.raw({ depth: sixteen ? 'ushort' : 'uchar' });
    const out = await pipeline.toBuffer({ resolveWithObject: true });
    data = out.data;
    channels = out.info.channels;
  } catch (error) {
    if (/timeout/i.test(firstLine(error))) throw new DomainError('slide-unreadable', `${path}: decoding took longer than the ${limits.timeLimitMs / 1000} s limit per file`, { cause: error });
    throw new DomainError('slide-unreadable', `${path}: ${format.toUpperCase()} pixel data is damaged or truncated (${firstLine(error)})`, { cause: error });
  }
  const pixels = width * height;
  if (data.length < pixels * channels * (sixteen ? 2 : 1)) throw new DomainError('slide-unreadable', `${path}: decoded fewer pixels than the header states`);
  const containerMax = sixteen ? 65535 : 255;
  const scale = 1 / Math.min(profile?.maxValue ?? containerMax, containerMax);
  const values = new Float32Array(pixels);
  // The first channel: grey, or the green extracted above (a grey image's second channel is alpha).
  if (sixteen) {
    const samples = new Uint16Array(data.buffer, data.byteOffset, pixels * channels);
    for (let i = 0, j = 0; i < pixels; i++, j += channels) values[i] = Math.min(1, samples[j]! * scale);
  } else {
    const level = Float32Array.from({ length: 256 }, (_, v) => Math.min(1, v * scale));
    for (let i = 0, j = 0; i < pixels; i++, j += channels) values[i] = level[data[j]!]!;
  }
  return { values, bitDepth: sixteen ? 16 : 8 };
}

function decodeBmpSlide(path: string, bytes: Uint8Array, maxPixels: number, profile: MicroscopeProfile | null): DecodedSlide {
  try {
    const { widthPx, heightPx } = bmpSize(bytes);
    if (widthPx * heightPx > maxPixels) throw tooManyPixels(path, widthPx, heightPx, maxPixels);
    const image = decodeBmp(bytes);
    const pixels = image.widthPx * image.heightPx;
    const fitc = new Float32Array(pixels);
    const pick = image.channels === 1 ? 0 : 1;
    const scale = 1 / Math.min(profile?.maxValue ?? 255, 255);
    for (let i = 0, j = pick; i < pixels; i++, j += image.channels) fitc[i] = Math.min(1, image.data[j]! * scale);
    return { widthPx: image.widthPx, heightPx: image.heightPx, fitc, dapi: null, bitDepth: 8, format: 'bmp', pages: 1, ...resolvePixelSize(null, profile) };
  } catch (error) {
    if (error instanceof DomainError) throw error;
    if (error instanceof BmpError) {
      const code = /unsupported/.test(error.message) ? 'slide-unsupported' : 'slide-unreadable';
      throw new DomainError(code, `${path}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** File tags first (they travel with the image), then the lab's profile, else unknown. */
function resolvePixelSize(fromFile: number | null, profile: MicroscopeProfile | null): Pick<DecodedSlide, 'pixelSizeUm' | 'pixelSizeSource'> {
  if (fromFile !== null) return { pixelSizeUm: fromFile, pixelSizeSource: 'file' };
  if (profile) return { pixelSizeUm: profile.pixelSizeUm, pixelSizeSource: 'profile' };
  return { pixelSizeUm: null, pixelSizeSource: null };
}

/**
 * The pixel size a slide file states in its resolution tags or, for a TIFF, its description, from
 * its header alone (no pixel is decoded); null when it states none or an implausible one. A file
 * sharp cannot open (BMP, whose decoder reads no size; a damaged file, which decoding refuses with
 * its own error) states none.
 */
export async function statedPixelSizeUm(path: string): Promise<number | null> {
  try {
    const meta = await sharp(path, { limitInputPixels: false }).metadata();
    if (meta.format !== 'tiff') return pixelSizeFromDensity(meta.density);
    const file = await open(path, 'r');
    try {
      return await filePixelSizeUm(meta, async (offset, length) => {
        const buffer = new Uint8Array(length);
        return buffer.subarray(0, (await file.read(buffer, 0, length, offset)).bytesRead);
      });
    } finally {
      await file.close();
    }
  } catch {
    return null;
  }
}

/**
 * The resolution tags (sharp's density), else, for a TIFF, the scale microscopy software writes
 * into its description (ImageJ/Fiji, OME-TIFF: ./tiff-description.ts); null when neither states
 * a plausible size.
 */
async function filePixelSizeUm(meta: Pick<Metadata, 'format' | 'density'>, read: ByteReader): Promise<number | null> {
  return pixelSizeFromDensity(meta.density) ?? (meta.format === 'tiff' ? plausiblePixelSizeUm(await describedPixelSizeUm(read)) : null);
}

/**
 * sharp reports density in pixels per inch whatever the file's unit (TIFF inch/cm, PNG pHYs per
 * metre); 72/96/300 dpi defaults map to tens of micrometres and are ignored as implausible.
 */
export function pixelSizeFromDensity(density: number | undefined): number | null {
  if (!density || !(density > 0)) return null;
  return plausiblePixelSizeUm(25_400 / density);
}

function plausiblePixelSizeUm(um: number | null): number | null {
  if (um === null || !(um >= PLAUSIBLE_PIXEL_UM.min && um <= PLAUSIBLE_PIXEL_UM.max)) return null;
  return Math.round(um * 1e6) / 1e6;
}

function sniffFormat(bytes: Uint8Array): SharpFormat | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 4 && ((bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 0x2a) || (bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[3] === 0x2a))) return 'tiff';
  return null;
}

function firstLine(error: unknown): string {
  return ((error as Error).message ?? String(error)).split('\n')[0]!.trim();
}

/**
 * The display renditions of a slide for the viewer: each channel (FITC, and DAPI when the file
 * has a counterstain page) as an 8-bit grey PNG, contrast-stretched by the display rule
 * (./rendition.ts) so dim fluorescence is visible. Colour (the FITC green LUT) and
 * brightness/contrast/gamma are applied on screen (contract/display.ts). Rendering costs a full
 * decode; the app keeps renditions in a cache (viewer/display-cache.ts).
 */
export async function renderDisplayPngs(path: string, options: DecodeOptions = {}): Promise<{ fitc: Uint8Array; dapi: Uint8Array | null }> {
  const slide = await decodeSlide(path, options);
  return displayPngsOf(slide);
}

/** The FITC rendition alone (see renderDisplayPngs). */
export async function renderDisplayPng(path: string, options: DecodeOptions = {}): Promise<Uint8Array> {
  return (await renderDisplayPngs(path, options)).fitc;
}

/** The renditions of an already decoded slide. */
export async function displayPngsOf(slide: Pick<DecodedSlide, 'fitc' | 'dapi' | 'widthPx' | 'heightPx'>): Promise<{ fitc: Uint8Array; dapi: Uint8Array | null }> {
  const [fitc, dapi] = await Promise.all([
    displayPngFromSignal(slide.fitc, slide.widthPx, slide.heightPx),
    slide.dapi ? displayPngFromSignal(slide.dapi, slide.widthPx, slide.heightPx) : null,
  ]);
  return { fitc, dapi };
}

/** The display rendition from an already decoded plane (0..1, row-major). */
export async function displayPngFromSignal(signal: Float32Array, widthPx: number, heightPx: number): Promise<Uint8Array> {
  const stretch = displayStretch(signal);
  const out = Buffer.alloc(signal.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(255 * stretch(signal[i]!));
  // 'b-w' keeps the PNG one channel: libvips would otherwise write raw single-band input as RGB,
  // three times the bytes to encode, send and decode. Level 2 measured about as small as 3 and faster.
  return sharp(out, { raw: { width: widthPx, height: heightPx, channels: 1 } }).toColourspace('b-w').png({ compressionLevel: 2 }).toBuffer();
}

/** The grey levels of a display rendition PNG (the report thumbnail starts from the viewer's cached rendition). */
export async function decodeDisplayPng(png: Uint8Array): Promise<{ grey: Uint8Array; widthPx: number; heightPx: number }> {
  const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new DomainError('slide-unreadable', `display rendition: expected one grey channel, got ${info.channels}`);
  return { grey: new Uint8Array(data.buffer, data.byteOffset, data.length), widthPx: info.width, heightPx: info.height };
}
