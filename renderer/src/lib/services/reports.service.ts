/** Report actions: a case's stored reports, making them again, fetching one, and the lab's report wording. */
import type { ReportMetaSummary, RequestOf, ResponseOf } from '../../../../electron/contract';
import { call } from './api';

export function listReports(caseId: number): Promise<ReportMetaSummary[]> {
  return call('reports/list', { caseId });
}

export function generateReports(caseId: number): Promise<ReportMetaSummary[]> {
  return call('reports/generate', { caseId });
}

export function getReport(reportId: number): Promise<ResponseOf<'reports/get'>> {
  return call('reports/get', { reportId });
}

export function reportSettings(): Promise<ResponseOf<'reports/settings'>> {
  return call('reports/settings', {});
}

export function updateReportSettings(settings: RequestOf<'reports/update-settings'>): Promise<ResponseOf<'reports/update-settings'>> {
  return call('reports/update-settings', settings);
}
