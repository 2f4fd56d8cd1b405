/** The viewer's data besides pixels (those come from slide-image.ts): a reading's patch evidence. */
import type { ResponseOf } from '../../../../electron/contract';
import { call } from './api';

export function readingPatches(readingId: number): Promise<ResponseOf<'viewer/reading-patches'>> {
  return call('viewer/reading-patches', { readingId });
}
