/**
 * Slide pixels: loaded once per slide and channel from `slideImagePath` (never over JSON) and
 * shared by the viewer and the evidence gallery. The cache keeps the last few images so "next
 * case" and going back do not refetch.
 */
import { slideImagePath, type SlideImageChannel } from '../../../../electron/contract';
import { ApiError } from './api';

const CACHE_SIZE = 4;
const cache = new Map<string, Promise<HTMLImageElement>>();

export function loadSlideImage(slideId: number, channel: SlideImageChannel = 'fitc'): Promise<HTMLImageElement> {
  const key = `${slideId}:${channel}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const loading = new Promise<HTMLImageElement>((resolve, reject) => {
    const img = new Image();
    img.decoding = 'async';
    img.onload = () => img.decode().then(() => resolve(img), () => resolve(img));
    img.onerror = () => reject(new ApiError('slide-unreadable', `Slide ${slideId}: its ${channel === 'fitc' ? 'image' : 'DAPI channel'} could not be loaded; check that the file is still in its folder.`));
    img.src = slideImagePath(slideId, channel);
  });
  loading.catch(() => cache.delete(key));
  cache.set(key, loading);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return loading;
}
