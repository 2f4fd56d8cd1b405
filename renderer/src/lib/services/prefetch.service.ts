/**
 * Background prefetch of the case the reviewer will open next (the next case in the worklist, or
 * a row under the pointer), so "accept and next" opens without waiting for the slide image. Work
 * is best-effort and lower priority than what is on screen: it starts only after the current view
 * has its data, and failures are ignored here (the real open reports them).
 */
import { getCase } from './cases.service';
import { loadSlideImage } from './slide-image';

const started = new Set<number>();

export function prefetchCase(caseId: number): void {
  if (started.has(caseId)) return;
  started.add(caseId);
  getCase(caseId)
    .then((detail) => Promise.all(detail.slides.map((s) => loadSlideImage(s.id))))
    .then(() => performance.mark(`prefetch:done:${caseId}`))
    .catch(() => started.delete(caseId));
}
