/**
 * A small Windows BMP decoder. sharp's bundled libvips cannot read BMP, yet some microscope
 * cameras export it, so we parse the common uncompressed layouts ourselves: 8-bit palette,
 * 24-bit BGR and 32-bit BGRA/BGRX (BI_RGB or BI_BITFIELDS with the standard masks), bottom-up or
 * top-down. Anything else (RLE, 1/4/16-bit) is refused with a message saying what was found.
 */
export interface BmpImage {
  widthPx: number;
  heightPx: number;
  /** 1 for palette images whose palette is grey, else 3 (RGB). */
  channels: 1 | 3;
  /** Row-major, top row first, `channels` bytes per pixel (RGB order). */
  data: Uint8Array;
}

export class BmpError extends Error {}

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/** Width and height from the header alone, so oversize files are refused before decoding. */
export function bmpSize(bytes: Uint8Array): { widthPx: number; heightPx: number } {
  if (bytes.length < 26) throw new BmpError('file ends inside the BMP header (truncated)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) throw new BmpError(`unsupported BMP header of ${headerSize} bytes (OS/2 BMP)`);
  return { widthPx: view.getInt32(18, true), heightPx: Math.abs(view.getInt32(22, true)) };
}

export function decodeBmp(bytes: Uint8Array): BmpImage {
  if (!isBmp(bytes)) throw new BmpError('not a BMP file');
  if (bytes.length < 54) throw new BmpError('file ends inside the BMP header (truncated)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) throw new BmpError(`unsupported BMP header of ${headerSize} bytes (OS/2 BMP)`);
  const widthPx = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const heightPx = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  if (widthPx <= 0 || heightPx === 0) throw new BmpError(`BMP states an empty image (${widthPx}×${heightPx})`);

  const BI_RGB = 0;
  const BI_BITFIELDS = 3;
  if (![8, 24, 32].includes(bitsPerPixel)) throw new BmpError(`unsupported BMP bit depth ${bitsPerPixel} (8, 24 and 32 are read)`);
  if (compression === BI_BITFIELDS && bitsPerPixel === 32) {
    const masks = bytes.length >= 66 ? [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)] : [];
    if (masks[0] !== 0x00ff0000 || masks[1] !== 0x0000ff00 || masks[2] !== 0x000000ff) {
      throw new BmpError('unsupported BMP channel masks (only the standard BGRA layout is read)');
    }
  } else if (compression !== BI_RGB) {
    throw new BmpError(`unsupported BMP compression ${compression} (only uncompressed BMP is read)`);
  }

  let palette: Uint8Array | null = null;
  let greyPalette = false;
  if (bitsPerPixel === 8) {
    const colours = view.getUint32(46, true) || 256;
    const start = 14 + headerSize;
    if (start + colours * 4 > bytes.length) throw new BmpError('file ends inside the BMP palette (truncated)');
    palette = new Uint8Array(256 * 3);
    greyPalette = true;
    for (let i = 0; i < colours && i < 256; i++) {
      const b = bytes[start + i * 4]!;
      const g = bytes[start + i * 4 + 1]!;
      const r = bytes[start + i * 4 + 2]!;
      palette.set([r, g, b], i * 3);
      if (r !== g || g !== b) greyPalette = false;
    }
  }

  const rowBytes = Math.ceil((widthPx * bitsPerPixel) / 32) * 4;
  if (dataOffset + rowBytes * heightPx > bytes.length) {
    throw new BmpError(`pixel data ends early: ${bytes.length - dataOffset} of ${rowBytes * heightPx} bytes present (truncated)`);
  }
  const channels = greyPalette ? 1 : 3;
  const data = new Uint8Array(widthPx * heightPx * channels);
  const bytesPerPixel = bitsPerPixel / 8;
  for (let y = 0; y < heightPx; y++) {
    const src = dataOffset + (topDown ? y : heightPx - 1 - y) * rowBytes;
    let dst = y * widthPx * channels;
    for (let x = 0; x < widthPx; x++) {
      const at = src + x * bytesPerPixel;
      if (palette) {
        const index = bytes[at]! * 3;
        if (channels === 1) data[dst++] = palette[index]!;
        else {
          data[dst++] = palette[index]!;
          data[dst++] = palette[index + 1]!;
          data[dst++] = palette[index + 2]!;
        }
      } else {
        data[dst++] = bytes[at + 2]!;
        data[dst++] = bytes[at + 1]!;
        data[dst++] = bytes[at]!;
      }
    }
  }
  return { widthPx, heightPx, channels, data };
}

/** Encodes an 8-bit grey or RGB image as BMP (8-bit grey palette or 24-bit): for fixtures and exports. */
export function encodeBmp(widthPx: number, heightPx: number, channels: 1 | 3, data: Uint8Array): Uint8Array {
  const bitsPerPixel = channels === 1 ? 8 : 24;
  const rowBytes = Math.ceil((widthPx * bitsPerPixel) / 32) * 4;
  const paletteBytes = channels === 1 ? 256 * 4 : 0;
  const dataOffset = 54 + paletteBytes;
  const out = new Uint8Array(dataOffset + rowBytes * heightPx);
  const view = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  view.setUint32(2, out.length, true);
  view.setUint32(10, dataOffset, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, widthPx, true);
  view.setInt32(22, heightPx, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, bitsPerPixel, true);
  view.setUint32(34, rowBytes * heightPx, true);
  if (channels === 1) {
    view.setUint32(46, 256, true);
    for (let i = 0; i < 256; i++) out.set([i, i, i, 0], 54 + i * 4);
  }
  for (let y = 0; y < heightPx; y++) {
    const dst = dataOffset + (heightPx - 1 - y) * rowBytes;
    for (let x = 0; x < widthPx; x++) {
      const src = (y * widthPx + x) * channels;
      if (channels === 1) out[dst + x] = data[src]!;
      else out.set([data[src + 2]!, data[src + 1]!, data[src]!], dst + x * 3);
    }
  }
  return out;
}
