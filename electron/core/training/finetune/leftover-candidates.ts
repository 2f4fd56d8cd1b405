/**
 * A run writes its candidate's package folder into models/ before scoring and registering it, so
 * a run that fails, is cancelled or is cut off (a crash, a power cut) after that point leaves a
 * folder of a few MB that no version in the record points to: nobody can see, use or delete it
 * from the app. The next run, and the app when a fine-tuning worker dies, remove such folders.
 * Only a folder named as an ended run's candidate, and pointed to by no model version, is removed:
 * a run still going (in this process or another) and every registered package are left alone.
 */
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FinetuneMode } from '../../../contract';
import type { ReadableDb } from '../../db/connection';
import { getModelVersionById, listModelVersions } from '../../db/model-version.repo';
import { listEndedRunsWithoutResult } from '../../db/training-run.repo';
import { candidateDir, candidateVersion } from './candidate';

/** Removes the candidate folders ended runs left behind; returns those removed (one that cannot be removed now is kept for the next run). */
export function removeLeftoverCandidates(db: ReadableDb, modelsDir: string): string[] {
  // Compared without case (Windows paths may differ in it): a false match only keeps a folder.
  const registered = new Set(listModelVersions(db).map((v) => resolve(v.dirPath).toLowerCase()));
  const removed: string[] = [];
  for (const run of listEndedRunsWithoutResult(db)) {
    const mode = (run.config as { mode?: FinetuneMode } | null)?.mode;
    const base = run.baseModelVersionId === null ? undefined : getModelVersionById(db, run.baseModelVersionId);
    if (!mode || !base) continue;
    const dir = candidateDir(resolve(modelsDir), base.modelId, candidateVersion(base.version, mode, run.id));
    if (registered.has(dir.toLowerCase()) || !existsSync(dir)) continue;
    try {
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Housekeeping only (a file held open on Windows, say): the next run tries again, and no run fails for it.
    }
  }
  return removed;
}
