/** The model registry: registered versions, promoting a candidate, rolling back to the previous model. */
import type { LearningCurve, ModelVersionSummary } from '../../../../electron/contract';
import { call } from './api';

export function listModels(): Promise<ModelVersionSummary[]> {
  return call('models/list', {});
}

/** The lab's learning curve: candidates' validation figures against the signed cases they learned from. */
export function learningCurve(): Promise<LearningCurve> {
  return call('models/curve', {});
}

/** An empty justification is not sent (the core records none rather than ""). */
export function promoteModel(versionId: number, justification: string): Promise<unknown> {
  const trimmed = justification.trim();
  return call('models/promote', { versionId, ...(trimmed ? { justification: trimmed } : {}) });
}

export function rollbackModel(reason: string): Promise<unknown> {
  return call('models/rollback', { reason });
}
