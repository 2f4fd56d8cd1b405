/** Handlers for the worklist and case detail channels. */
import type { CaseDetail, CaseListItem, ReadingSummary } from '../../contract';
import type { ReadableDb } from '../db/connection';
import { getCaseById, listCases } from '../db/case.repo';
import { listSlidesOfCase } from '../db/slide.repo';
import { latestReadingsOfCase, type ReadingRow } from '../db/reading.repo';
import { DomainError } from '../errors';
import type { HandlersFor } from '../handler';

export function casesHandlers(db: ReadableDb): HandlersFor<'cases/list' | 'cases/get'> {
  return {
    'cases/list': (request) =>
      listCases(db, { status: request.status }).map(
        (row): CaseListItem => ({
          id: row.id,
          accessionId: row.accessionId,
          status: row.status,
          receivedAtMs: row.receivedAtMs,
          slideCount: listSlidesOfCase(db, row.id).length,
          suggestedLabels: caseSuggestion(latestReadingsOfCase(db, row.id)),
        }),
      ),
    'cases/get': (request): CaseDetail => {
      const row = getCaseById(db, request.caseId);
      if (!row) throw new DomainError('not-found', `Case ${request.caseId} does not exist`);
      return {
        id: row.id,
        accessionId: row.accessionId,
        status: row.status,
        receivedAtMs: row.receivedAtMs,
        slides: listSlidesOfCase(db, row.id).map((s) => ({
          id: s.id,
          caseId: s.caseId,
          fileName: s.fileName,
          sha256: s.sha256,
          widthPx: s.widthPx,
          heightPx: s.heightPx,
          pixelSizeUm: s.pixelSizeUm,
          format: s.format,
        })),
        readings: latestReadingsOfCase(db, row.id).map(toReadingSummary),
      };
    },
  };
}

export function toReadingSummary(r: ReadingRow): ReadingSummary {
  return {
    id: r.id,
    slideId: r.slideId,
    modelId: r.modelId,
    modelVersion: r.modelVersion,
    provider: r.provider,
    status: r.status,
    error: r.error,
    probabilities: r.labels.map((key, k) => ({ key, probability: r.probabilities[k]! })),
    predictedLabels: r.predicted,
    patchCount: r.patchCount,
    createdAtMs: r.createdAtMs,
  };
}

/** A case's suggestion: per label, the highest probability over its slides' latest readings. */
export function caseSuggestion(readings: ReadingRow[]): { key: string; probability: number }[] {
  const best = new Map<string, number>();
  for (const r of readings) r.labels.forEach((key, k) => best.set(key, Math.max(best.get(key) ?? 0, r.probabilities[k]!)));
  return [...best].map(([key, probability]) => ({ key, probability })).sort((a, b) => b.probability - a.probability);
}
