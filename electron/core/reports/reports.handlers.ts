/** Handlers for stored reports, the day export and report settings; plus reports made when a signature is recorded. */
import type { ReportMetaSummary } from '../../contract/channels/reports.channels';
import { ReportSettingsPatch } from '../../contract/channels/reports.channels';
import type { SessionStore } from '../auth/session-store';
import { actorOf } from '../auth/session-store';
import type { WritableDb } from '../db/connection';
import { getReport, listReportsOfCase, type ReportMeta } from '../db/report.repo';
import { getSetting, setSetting } from '../db/settings.repo';
import { getCaseById } from '../db/case.repo';
import { DomainError, errorMessage } from '../errors';
import type { HandlersFor } from '../handler';
import type { DomainEventBus } from '../domain-events';
import { exportDay } from './day-export';
import { loadReportSettings, REPORT_SETTINGS_KEY } from './report-record';
import { localDate } from './report-time';
import { ensureCaseReports, ensureSignatureReports, type ReportServiceOptions } from './report.service';

type ReportChannel = 'reports/list' | 'reports/generate' | 'reports/get' | 'reports/export-day' | 'reports/settings' | 'reports/update-settings';

export interface ReportsHandlerOptions extends ReportServiceOptions {
  /** Where day exports go; resolved when first needed (the data-locations outbox by default). */
  outboxDir: () => string;
}

const READERS = ['technologist', 'physician', 'admin'] as const;

function toSummary(r: ReportMeta): ReportMetaSummary {
  return {
    id: r.id,
    caseId: r.caseId,
    signatureId: r.signatureId,
    format: r.format,
    fileName: r.fileName,
    sha256: r.sha256,
    sizeBytes: r.sizeBytes,
    createdAtMs: r.createdAtMs,
    supersededById: r.supersededById,
  };
}

export function reportsHandlers(db: WritableDb, sessions: SessionStore, options: ReportsHandlerOptions): HandlersFor<ReportChannel> {
  return {
    'reports/list': (request, ctx) => {
      sessions.require(ctx, 'see reports', READERS);
      if (!getCaseById(db, request.caseId)) throw new DomainError('not-found', `Case ${request.caseId} does not exist`);
      return listReportsOfCase(db, request.caseId).map(toSummary);
    },
    'reports/generate': async (request, ctx) => {
      const user = sessions.require(ctx, 'make a report', READERS);
      return Object.values(await ensureCaseReports(db, request.caseId, actorOf(user), options)).map(toSummary);
    },
    'reports/get': (request, ctx) => {
      sessions.require(ctx, 'open a report', READERS);
      const report = getReport(db, request.reportId);
      if (!report) throw new DomainError('not-found', `Report ${request.reportId} does not exist`);
      const { bytes, ...meta } = report;
      return { ...toSummary(meta), base64: Buffer.from(bytes).toString('base64') };
    },
    'reports/export-day': async (request, ctx) => {
      const user = sessions.require(ctx, 'export results to the lab system', ['physician', 'admin']);
      return exportDay(db, { date: request.date, format: request.format, outboxDir: options.outboxDir() }, actorOf(user), options);
    },
    'reports/settings': (_request, ctx) => {
      sessions.require(ctx, 'see report settings', READERS);
      return { settings: loadReportSettings(db) };
    },
    'reports/update-settings': (request, ctx) => {
      const user = sessions.require(ctx, 'change report settings', ['admin']);
      const merged = mergePatch(getSetting<ReportSettingsPatch>(db, REPORT_SETTINGS_KEY) ?? {}, request.patch);
      const checked = ReportSettingsPatch.parse(merged);
      if (checked.timeZone) localDate(0, checked.timeZone); // throws a clear error for an unknown zone
      setSetting(db, REPORT_SETTINGS_KEY, checked, actorOf(user));
      return { settings: loadReportSettings(db) };
    },
  };
}

function mergePatch(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? mergePatch(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

/**
 * Renders and stores a signature's reports as soon as it is recorded (the 'signature/recorded'
 * event). The signature is already committed then: a rendering failure is logged and made good by
 * 'reports/generate' later, never turned into a failed sign-off.
 */
export function makeReportsOnSignature(db: WritableDb, events: DomainEventBus, options: ReportServiceOptions): void {
  const log = options.log ?? ((m: string) => console.warn(m));
  events.on('signature/recorded', async ({ signatureId, actor }) => {
    try {
      await ensureSignatureReports(db, signatureId, actor, options);
    } catch (error) {
      log(`Signature ${signatureId}: the report could not be made now (${errorMessage(error)}); 'reports/generate' will retry`);
    }
  });
}
