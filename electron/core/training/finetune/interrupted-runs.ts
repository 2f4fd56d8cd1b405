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
import { listUnfinishedTrainingRuns, updateTrainingRun, type TrainingRunRow } from '../../db/training-run.repo';

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
  const gone = listUnfinishedTrainingRuns(db).filter((run) => {
    const runner = runnerOf(run);
    return runner && runner.host === host ? !alive(runner.pid) : nowMs - (run.startedAtMs ?? run.createdAtMs) > A_DAY_MS;
  });
  for (const run of gone) {
    const runner = runnerOf(run);
    close(db, run.id, actor, nowMs, `interrupted: ${runner ? `process ${runner.pid} on ${runner.host}` : 'the process running it'} stopped before the run ended (the workstation was closed, crashed or lost power); found by the next run`);
  }
  return gone.map((run) => run.id);
}

/**
 * After this process's fine-tuning worker died without ending its run (out of memory, a crash:
 * `why`), the run it recorded is closed at once; the process lives on, so the next run would not
 * find it gone. One run at a time per process, so any unfinished run of this process is that one.
 */
export function closeRunsOfThisProcess(db: WritableDb, actor: Actor, nowMs: number, why: string): number[] {
  const me = thisRunner();
  const mine = listUnfinishedTrainingRuns(db).filter((run) => runnerOf(run)?.host === me.host && runnerOf(run)?.pid === me.pid);
  for (const run of mine) close(db, run.id, actor, nowMs, `interrupted: ${why}`);
  return mine.map((run) => run.id);
}

const runnerOf = (run: TrainingRunRow): Runner | undefined => (run.config as { runner?: Runner } | null)?.runner;

function close(db: WritableDb, id: number, actor: Actor, nowMs: number, error: string): void {
  updateTrainingRun(db, id, { status: 'failed', finishedAtMs: nowMs, error }, actor, nowMs);
}
