import { createHash } from 'node:crypto';

/** The sha256 of text (UTF-8) or bytes, as lowercase hex: the one digest helper of the core. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
