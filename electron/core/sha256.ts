import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The sha256 of text (UTF-8) or bytes, as lowercase hex: the one digest helper of the core. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The sha256 of a file's bytes, streamed (fields are megabytes; a slide's identity in the record). */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
