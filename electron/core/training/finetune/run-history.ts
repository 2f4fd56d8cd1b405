/**
 * The record's fine-tuning runs as the Models page and `ana models runs` list them, whoever started
 * them: how each ended, with the candidate it registered and the fields it left out, or why it
 * failed (an interrupted run included).
 */
import type { FinetuneRunSummary } from '../../../contract';
import type { ReadableDb } from '../../db/connection';
import { getModelVersionById } from '../../db/model-version.repo';
import { listLatestTrainingRuns, type TrainingRunRow } from '../../db/training-run.repo';

/** The latest `limit` runs, newest first. */
export function latestRuns(db: ReadableDb, limit: number): FinetuneRunSummary[] {
  return listLatestTrainingRuns(db, limit).map((run) => runSummary(db, run));
}

function runSummary(db: ReadableDb, run: TrainingRunRow): FinetuneRunSummary {
  const mode = (run.config as { mode?: string } | null)?.mode ?? null;
  const leftOut = (run.metrics as { leftOutSlides?: { slides: unknown[] } } | null)?.leftOutSlides;
  return {
    id: run.id,
    mode,
    status: run.status,
    startedAtMs: run.startedAtMs,
    finishedAtMs: run.finishedAtMs,
    error: run.error,
    candidateVersion: run.resultModelVersionId === null ? null : (getModelVersionById(db, run.resultModelVersionId)?.version ?? null),
    leftOutSlides: leftOut?.slides.length ?? 0,
  };
}
