/** The viewer's data besides pixels (those come from slide-image.ts): a slide's display channels, a reading's patch evidence. */
import type { ResponseOf } from '../../../../electron/contract';
import { call } from './api';

export function readingPatches(readingId: number): Promise<ResponseOf<'viewer/reading-patches'>> {
  return call('viewer/reading-patches', { readingId });
}

/** Whether the slide has a DAPI counterstain channel to show. */
export async function slideHasDapi(slideId: number): Promise<boolean> {
  return (await call('viewer/slide-display', { slideId })).dapi;
}
