/** The model registry: registered versions, promoting a candidate, rolling back to the previous model. */
import type { ModelVersionSummary } from '../../../../electron/contract';
import { call } from './api';

export function listModels(): Promise<ModelVersionSummary[]> {
  return call('models/list', {});
}

/** An empty justification is not sent (the core records none rather than ""). */
export function promoteModel(versionId: number, justification: string): Promise<unknown> {
  const trimmed = justification.trim();
  return call('models/promote', { versionId, ...(trimmed ? { justification: trimmed } : {}) });
}

export function rollbackModel(reason: string): Promise<unknown> {
  return call('models/rollback', { reason });
}
