/**
 * A minimal PNG encoder (8-bit RGB, no interlace, filter 0) for report thumbnails. sharp may
 * only be imported by slides/decode.ts; this keeps the report's image bytes deterministic and
 * dependency-free (zlib and crc32 are in node:zlib).
 */
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
}

/** rgb: widthPx × heightPx × 3 bytes, row-major. */
export function encodeRgbPng(rgb: Uint8Array, widthPx: number, heightPx: number): Uint8Array {
  if (rgb.length !== widthPx * heightPx * 3) throw new Error(`encodeRgbPng: ${rgb.length} bytes for ${widthPx}×${heightPx} RGB`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(widthPx, 0);
  header.writeUInt32BE(heightPx, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB
  const stride = widthPx * 3;
  const raw = Buffer.alloc((stride + 1) * heightPx);
  for (let y = 0; y < heightPx; y++) raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}
