/** Case actions: list the worklist's cases, open a case, correct its identifiers (audited by the core until sign-off). */
import type { CaseDetail, CaseListItem, RequestOf } from '../../../../electron/contract';
import { call } from './api';

export function getCase(caseId: number): Promise<CaseDetail> {
  return call('cases/get', { caseId });
}

export function updateCaseDetails(details: RequestOf<'cases/update-details'>): Promise<unknown> {
  return call('cases/update-details', details);
}

export function listCases(filter: RequestOf<'cases/list'>): Promise<CaseListItem[]> {
  return call('cases/list', filter);
}
