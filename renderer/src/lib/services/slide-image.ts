/**
 * Slide pixels: loaded once per slide from `slideImagePath` (never over JSON) and shared by the
 * viewer and the evidence gallery. The cache keeps the last few slides so "next case" and going
 * back do not refetch.
 */
import { slideImagePath } from '../../../../electron/contract';
import { ApiError } from './api';

const CACHE_SIZE = 4;
const cache = new Map<number, Promise<HTMLImageElement>>();

export function loadSlideImage(slideId: number): Promise<HTMLImageElement> {
  const hit = cache.get(slideId);
  if (hit) return hit;
  const loading = new Promise<HTMLImageElement>((resolve, reject) => {
    const img = new Image();
    img.decoding = 'async';
    img.onload = () => img.decode().then(() => resolve(img), () => resolve(img));
    img.onerror = () => reject(new ApiError('slide-unreadable', `Slide ${slideId}: its image could not be loaded; check that the file is still in its folder.`));
    img.src = slideImagePath(slideId);
  });
  loading.catch(() => cache.delete(slideId));
  cache.set(slideId, loading);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return loading;
}
