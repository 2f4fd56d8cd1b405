/**
 * Evidence for the lab's own verification of each model version (ISO 15189 §7.3.2): over every
 * signed case whose suggestion that version made, suggestion vs signed result per pattern. A case
 * whose fields were read by different versions belongs to none (counted apart), so each table
 * speaks for one version only. Registered versions come first, newest first; versions found only in readings follow.
 */
import type { ModelEvidence } from '../../contract';
import type { ReadableDb } from '../db/connection';
import { listModelVersions } from '../db/model-version.repo';
import { confusionTable, type SignedOutcome } from './confusion';
import { currentSignedResults } from './qc-record';

export function modelEvidence(db: ReadableDb): ModelEvidence[] {
  const byVersion = new Map<string, { modelId: string; version: string; outcomes: SignedOutcome[] }>();
  let mixed = 0;
  // Registered versions appear even before they have signed cases (an empty table says so).
  for (const v of listModelVersions(db).reverse()) byVersion.set(`${v.modelId}\u0000${v.version}`, { modelId: v.modelId, version: v.version, outcomes: [] });
  for (const result of currentSignedResults(db)) {
    const models = result.suggestion.models;
    if (models.length !== 1) {
      if (models.length > 1) mixed++;
      continue;
    }
    const { modelId, modelVersion } = models[0]!;
    const key = `${modelId}\u0000${modelVersion}`;
    const entry = byVersion.get(key) ?? { modelId, version: modelVersion, outcomes: [] };
    entry.outcomes.push({ suggested: result.suggestion.predicted, signed: result.signed });
    byVersion.set(key, entry);
  }
  return [...byVersion.values()].map((v) => ({ modelId: v.modelId, version: v.version, mixedVersionCases: mixed, ...confusionTable(v.outcomes) }));
}
