/**
 * The 'qc' contract domain: the day's figures (Today page), their PDF, and the per-version model
 * evidence (Models page). Any logged-in user may see them: they hold no patient identifiers.
 */
import type { SessionStore } from '../auth/session-store';
import type { ReadableDb } from '../db/connection';
import type { HandlersFor } from '../handler';
import { loadReportSettings } from '../reports/report-record';
import { dayQc } from './day-qc';
import { renderDayQcPdf } from './day-qc-pdf';
import { modelEvidence } from './model-evidence';

export function qcHandlers(db: ReadableDb, sessions: SessionStore, nowMs: () => number = Date.now): HandlersFor<'qc/day' | 'qc/day-pdf' | 'qc/model-evidence'> {
  return {
    'qc/day': (request, ctx) => {
      sessions.require(ctx, "see the day's figures");
      return dayQc(db, { date: request.date, nowMs: nowMs() });
    },
    'qc/day-pdf': async (request, ctx) => {
      sessions.require(ctx, "print the day's figures");
      const qc = dayQc(db, { date: request.date, nowMs: nowMs() });
      const bytes = await renderDayQcPdf(qc, loadReportSettings(db).lab.name);
      return { fileName: `day-qc-${qc.date}.pdf`, base64: Buffer.from(bytes).toString('base64') };
    },
    'qc/model-evidence': (_request, ctx) => {
      sessions.require(ctx, 'see the model evidence');
      return modelEvidence(db);
    },
  };
}
