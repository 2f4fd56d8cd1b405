/**
 * Handlers for the worklist and case detail channels. Reading needs a logged-in user of any role
 * (they show patient identifiers); correcting details needs a technologist or physician.
 */
import type { CaseDetail, CaseListItem, ReadingSummary } from '../../contract';
import type { WritableDb } from '../db/connection';
import { getCaseById, listCases, updateCaseDetails } from '../db/case.repo';
import { listSlidesOfCase } from '../db/slide.repo';
import { latestReadingOutputsByCase, latestReadingsOfCase, type ReadingOutputsRow, type ReadingRow } from '../db/reading.repo';
import { listDecisionsOfCase } from '../db/decision.repo';
import { listSignaturesOfCase } from '../db/signature.repo';
import { listAuditOfCase } from '../db/audit.repo';
import { actorOf, type SessionStore } from '../auth/session-store';
import { REVIEWER_ROLES } from '../review/review.service';
import { DomainError } from '../errors';
import type { HandlersFor } from '../handler';
import { suggestionOf, uncertainMarginOf, uncertaintyMargin, type ReadingOutputs } from '../review/suggestion';
import { toAuditSummary, toDecisionSummary, toSignatureSummary } from '../review/summaries';
import { withheldByScreening } from '../reading/withheld';


export function casesHandlers(db: WritableDb, sessions: SessionStore): HandlersFor<'cases/list' | 'cases/get' | 'cases/update-details'> {
  return {
    'cases/update-details': (request, ctx) => {
      const user = sessions.require(ctx, 'correct case details', REVIEWER_ROLES);
      const before = getCaseById(db, request.caseId);
      if (!before) throw new DomainError('not-found', `Case ${request.caseId} does not exist`);
      if (before.status === 'signed' || before.status === 'amended') {
        throw new DomainError('conflict', `Case ${before.accessionId} is signed; its details cannot be changed`);
      }
      const { caseId, ...details } = request;
      const after = updateCaseDetails(db, caseId, details, actorOf(user));
      return { id: after.id, patientId: after.patientId, patientName: after.patientName, patientBirthDate: after.patientBirthDate, runId: after.runId };
    },
    'cases/list': (request, ctx) => {
      sessions.require(ctx, 'see the worklist');
      const outputs = latestReadingOutputsByCase(db);
      const slideCounts = new Map(
        (db.prepare('SELECT case_id AS caseId, count(*) AS n FROM slides GROUP BY case_id').all() as { caseId: number; n: number }[]).map((r) => [r.caseId, r.n]),
      );
      const threshold = uncertainMarginOf(db);
      let items = listCases(db, request).map((row): CaseListItem => {
        const readings = outputs.get(row.id) ?? [];
        const margin = uncertaintyMargin(readings);
        const suggestion = suggestionOf(readings);
        return {
          id: row.id,
          accessionId: row.accessionId,
          status: row.status,
          receivedAtMs: row.receivedAtMs,
          slideCount: slideCounts.get(row.id) ?? 0,
          suggestedLabels: caseSuggestion(readings),
          patientId: row.patientId,
          patientName: row.patientName,
          runId: row.runId,
          predictedLabels: suggestion.predicted,
          uncertaintyMargin: margin,
          uncertain: margin !== null && margin < threshold,
          ...fieldQualityOfCase(readings),
        };
      });
      if (request.predictedLabel) items = items.filter((c) => c.predictedLabels.includes(request.predictedLabel!));
      if (request.uncertainFirst) {
        // Stable sort: equal margins keep the newest-first order; cases without a reading go last.
        items = items
          .map((item, index) => ({ item, index }))
          .sort((a, b) => (a.item.uncertaintyMargin ?? Infinity) - (b.item.uncertaintyMargin ?? Infinity) || a.index - b.index)
          .map(({ item }) => item);
      }
      return items;
    },
    'cases/get': (request, ctx): CaseDetail => {
      sessions.require(ctx, 'open a case');
      const row = getCaseById(db, request.caseId);
      if (!row) throw new DomainError('not-found', `Case ${request.caseId} does not exist`);
      return {
        id: row.id,
        accessionId: row.accessionId,
        status: row.status,
        receivedAtMs: row.receivedAtMs,
        patientId: row.patientId,
        patientName: row.patientName,
        patientBirthDate: row.patientBirthDate,
        runId: row.runId,
        slides: listSlidesOfCase(db, row.id).map((s) => ({
          id: s.id,
          caseId: s.caseId,
          fileName: s.fileName,
          sha256: s.sha256,
          widthPx: s.widthPx,
          heightPx: s.heightPx,
          pixelSizeUm: s.pixelSizeUm,
          pixelSizeSource: s.pixelSizeSource,
          format: s.format,
        })),
        readings: latestReadingsOfCase(db, row.id).map(toReadingSummary),
        decisions: listDecisionsOfCase(db, row.id).map((d) => toDecisionSummary(db, d)),
        signatures: listSignaturesOfCase(db, row.id).map((s) => toSignatureSummary(db, s)),
        audit: listAuditOfCase(db, row.id).map(toAuditSummary),
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
    quality: r.quality,
    screening: r.screening,
    familiarity: r.familiarity,
    withheldLabels: withheldByScreening(r),
  };
}

/** The worklist's field-quality columns: not-readable slides, the case's screening, what screening withheld, unfamiliar fields. */
export function fieldQualityOfCase(
  readings: Pick<ReadingOutputsRow, 'slideId' | 'quality' | 'screening' | 'familiarity' | 'labels' | 'probabilities' | 'thresholds'>[],
): Pick<CaseListItem, 'notReadable' | 'screening' | 'withheldLabels' | 'unfamiliar'> {
  const notReadable = readings.flatMap((r) => (r.quality?.verdict === 'not-readable' ? [{ slideId: r.slideId, reason: r.quality.reason ?? ('no-cells' as const) }] : []));
  const calls = readings.flatMap((r) => (r.screening ? [r.screening.call] : []));
  return {
    notReadable,
    screening: calls.length === 0 ? null : calls.includes('positive') ? 'positive' : 'negative',
    withheldLabels: [...new Set(readings.flatMap(withheldByScreening))],
    unfamiliar: readings.some((r) => r.familiarity?.unfamiliar === true),
  };
}

/** A case's suggestion: per label, the highest probability over its slides' latest readings. */
export function caseSuggestion(readings: Pick<ReadingOutputs, 'labels' | 'probabilities'>[]): { key: string; probability: number }[] {
  const best = new Map<string, number>();
  for (const r of readings) r.labels.forEach((key, k) => best.set(key, Math.max(best.get(key) ?? 0, r.probabilities[k]!)));
  return [...best].map(([key, probability]) => ({ key, probability })).sort((a, b) => b.probability - a.probability);
}
