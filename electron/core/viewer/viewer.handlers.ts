/** Handlers for the slide viewer's channels: display channels, patch grid and per-patch scores, segmented cells and the field's verdict. */
import type { ReadingCells, ReadingPatches, SlideDisplay } from '../../contract';
import { getSlideById } from '../db/slide.repo';
import type { DisplayCache } from './display-cache';
import type { ReadableDb } from '../db/connection';
import { getReadingById, getReadingCells } from '../db/reading.repo';
import { DomainError } from '../errors';
import type { HandlersFor } from '../handler';
import type { SessionStore } from '../auth/session-store';

export function viewerHandlers(db: ReadableDb, sessions: SessionStore, displayCache: DisplayCache): HandlersFor<'viewer/slide-display' | 'viewer/reading-patches' | 'viewer/reading-cells'> {
  return {
    'viewer/slide-display': async (request, ctx): Promise<SlideDisplay> => {
      sessions.require(ctx, 'see a slide');
      const slide = getSlideById(db, request.slideId);
      if (!slide) throw new DomainError('not-found', `Slide ${request.slideId} does not exist`);
      return { slideId: slide.id, dapi: (await displayCache.channels(slide)).dapi };
    },
    'viewer/reading-patches': (request, ctx): ReadingPatches => {
      sessions.require(ctx, 'see a reading\'s patch scores');
      const row = getReadingById(db, request.readingId);
      if (!row) throw new DomainError('not-found', `Reading ${request.readingId} does not exist`);
      if (row.status !== 'done') throw new DomainError('not-found', `Reading ${request.readingId} failed and has no patch scores: ${row.error ?? 'no error recorded'}`);
      const stored = (row as { thresholds?: Record<string, number> | null }).thresholds;
      return {
        readingId: row.id,
        slideId: row.slideId,
        labels: row.labels,
        patches: row.patches,
        // Four decimals are far below what a reviewer can see and keep the JSON small.
        scores: Array.from(row.patchScores, (v) => Math.round(v * 1e4) / 1e4),
        thresholds: stored ?? null,
      };
    },
    'viewer/reading-cells': (request, ctx): ReadingCells => {
      sessions.require(ctx, 'see a reading\'s cells');
      const row = getReadingById(db, request.readingId);
      if (!row) throw new DomainError('not-found', `Reading ${request.readingId} does not exist`);
      return {
        readingId: row.id,
        slideId: row.slideId,
        quality: row.quality,
        screening: row.screening,
        familiarity: row.familiarity,
        cells: getReadingCells(db, row.id),
      };
    },
  };
}
