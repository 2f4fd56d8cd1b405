/**
 * A fine-tuning run whose process stopped before the run ended (the workstation was closed,
 * crashed or lost power) would stay 'running' in the record for ever. Each run records the process
 * running it (`runner`: host and pid); a new run first closes, as failed with the reason, every
 * unfinished run whose process is gone from this host. A run recorded before runners were (no
 * `runner`), or by another host, is closed once older than a day: far longer than any run takes.
 */
import { hostname } from 'node:os';
import type { Actor } from '../../db/audit.repo';
import type { WritableDb } from '../../db/connection';
import { listUnfinishedTrainingRuns, updateTrainingRun } from '../../db/training-run.repo';

export interface Runner {
  host: string;
  pid: number;
}

export const thisRunner = (): Runner => ({ host: hostname(), pid: process.pid });

const A_DAY_MS = 24 * 3_600_000;

/** True while a process with this id exists (EPERM: it does, under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Closes the unfinished runs whose process is gone; returns their ids. */
export function closeInterruptedRuns(db: WritableDb, actor: Actor, nowMs: number, alive: (pid: number) => boolean = processAlive, host = hostname()): number[] {
  const closed: number[] = [];
  for (const run of listUnfinishedTrainingRuns(db)) {
    const runner = (run.config as { runner?: Runner } | null)?.runner;
    const started = run.startedAtMs ?? run.createdAtMs;
    const gone = runner && runner.host === host ? !alive(runner.pid) : nowMs - started > A_DAY_MS;
    if (!gone) continue;
    const by = runner ? `process ${runner.pid} on ${runner.host}` : 'the process running it';
    updateTrainingRun(db, run.id, { status: 'failed', finishedAtMs: nowMs, error: `interrupted: ${by} stopped before the run ended (the workstation was closed, crashed or lost power); found by the next run` }, actor, nowMs);
    closed.push(run.id);
  }
  return closed;
}
