/** Case actions: open a case, correct its identifiers (audited by the core until sign-off). */
import type { CaseDetail, RequestOf } from '../../../../electron/contract';
import { call } from './api';

export function getCase(caseId: number): Promise<CaseDetail> {
  return call('cases/get', { caseId });
}

export function updateCaseDetails(details: RequestOf<'cases/update-details'>): Promise<unknown> {
  return call('cases/update-details', details);
}
