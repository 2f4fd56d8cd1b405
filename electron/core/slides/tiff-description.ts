/**
 * The pixel size a TIFF states in its ImageDescription, where microscopy software puts it instead
 * of the standard resolution tags: ImageJ/Fiji (`ImageJ=…` with `unit=micron`, the XResolution tag
 * then in pixels per micron with ResolutionUnit 1, "none"; sharp reads that as an implausible
 * density) and OME-TIFF (OME-XML's `PhysicalSizeX`, in µm unless `PhysicalSizeXUnit` says
 * otherwise). Only the first IFD's tags are read, through `read`, so a file need not be loaded.
 */

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
export type ByteReader = (offset: number, length: number) => Promise<Uint8Array>;

const IMAGE_DESCRIPTION = 270;
const X_RESOLUTION = 282;
const RESOLUTION_UNIT = 296;
/** Entries read from the first IFD at most; a real one has a few dozen. */
const MAX_ENTRIES = 512;
/** Longer descriptions (OME-XML of a large plate) are read up to this many bytes. */
const MAX_DESCRIPTION_BYTES = 1 << 20;

/** Micrometres per unit of length as the description names it. */
const UNIT_UM: Record<string, number> = { micron: 1, microns: 1, um: 1, 'µm': 1, 'μm': 1, '\\u00b5m': 1, nm: 1e-3, mm: 1e3 };

export async function describedPixelSizeUm(read: ByteReader): Promise<number | null> {
  const tags = await firstIfdTags(read);
  const description = tags?.description;
  if (!description) return null;
  if (description.startsWith('ImageJ=')) {
    const unit = /^unit=(.+)$/m.exec(description)?.[1]?.trim().toLowerCase();
    if (!unit || !(unit in UNIT_UM) || !tags.xResolution || (tags.resolutionUnit ?? 1) !== 1) return null;
    return UNIT_UM[unit]! / tags.xResolution;
  }
  const pixels = /<Pixels\b[^>]*>/.exec(description)?.[0];
  if (pixels) {
    const size = Number(/\bPhysicalSizeX="([^"]+)"/.exec(pixels)?.[1]);
    const unit = (/\bPhysicalSizeXUnit="([^"]+)"/.exec(pixels)?.[1] ?? 'µm').toLowerCase();
    if (!(size > 0) || !(unit in UNIT_UM)) return null;
    return size * UNIT_UM[unit]!;
  }
  return null;
}

interface ScaleTags {
  description: string | null;
  /** XResolution: pixels per ResolutionUnit. */
  xResolution: number | null;
  resolutionUnit: number | null;
}

/** The scale tags of the first IFD of a classic TIFF (not BigTIFF); null for anything else. */
async function firstIfdTags(read: ByteReader): Promise<ScaleTags | null> {
  const header = await read(0, 8);
  if (header.length < 8) return null;
  const order = String.fromCharCode(header[0]!, header[1]!);
  if (order !== 'II' && order !== 'MM') return null;
  const le = order === 'II';
  const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (view(header).getUint16(2, le) !== 42) return null;
  const at = view(header).getUint32(4, le);
  const countBytes = await read(at, 2);
  if (countBytes.length < 2) return null;
  const count = Math.min(MAX_ENTRIES, view(countBytes).getUint16(0, le));
  const entries = await read(at + 2, count * 12);
  const e = view(entries);
  const entry = new Map<number, { type: number; count: number; field: number }>();
  for (let i = 0; (i + 1) * 12 <= entries.length; i++) entry.set(e.getUint16(i * 12, le), { type: e.getUint16(i * 12 + 2, le), count: e.getUint32(i * 12 + 4, le), field: i * 12 + 8 });

  let description: string | null = null;
  const d = entry.get(IMAGE_DESCRIPTION);
  if (d && d.type === 2 && d.count > 0) {
    const length = Math.min(d.count, MAX_DESCRIPTION_BYTES);
    const bytes = length <= 4 ? entries.subarray(d.field, d.field + length) : await read(e.getUint32(d.field, le), length);
    description = new TextDecoder().decode(bytes).replace(/\0+$/, '');
  }
  let xResolution: number | null = null;
  const x = entry.get(X_RESOLUTION);
  if (x && x.type === 5) {
    const r = await read(e.getUint32(x.field, le), 8);
    if (r.length === 8 && view(r).getUint32(4, le) > 0) xResolution = view(r).getUint32(0, le) / view(r).getUint32(4, le);
  }
  const u = entry.get(RESOLUTION_UNIT);
  return { description, xResolution, resolutionUnit: u && u.type === 3 ? e.getUint16(u.field, le) : null };
}
