/**
 * Handlers for local fine-tuning: one background run at a time. The run lives in a worker thread
 * (finetune-worker.ts); this module keeps its latest state (phase progress, every epoch's loss and
 * validation score, the gate's verdict or the error) so a window opened mid-run can catch up, and
 * pushes each change as the 'finetune/state' event.
 */
import { dirname, join } from 'node:path';
import type { EventName, EventPayload, FinetuneState } from '../../../contract';
import type { WritableDb } from '../../db/connection';
import { actorOf, type SessionStore } from '../../auth/session-store';
import { DomainError, errorMessage } from '../../errors';
import type { HandlersFor } from '../../handler';
import { gateOf } from '../../models/models.handlers';
import { closeRunsOfThisProcess } from './interrupted-runs';
import { removeLeftoverCandidates } from './leftover-candidates';
import { latestRuns } from './run-history';
import { finetuneReadiness } from './signed-cases';
import { startFinetuneWorker, type FinetuneHandle } from './finetune-worker';

export interface FinetuneHandlerOptions {
  dbPath: string;
  /** The shipped package, registered as the first version on the first run. */
  fallbackModelDir: string;
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  log: (message: string) => void;
  /** A fine-tuned candidate the gate promoted is now active: new readings must use it. */
  onActiveModelChanged?: () => Promise<unknown> | void;
  /** The worker script; default the build's (a test starts one that dies mid-run). */
  workerPath?: string;
}

type Channels = 'finetune/start' | 'finetune/status' | 'finetune/cancel' | 'finetune/readiness' | 'finetune/runs';

/** Left-out slide files the page names; the rest are counted (the training run's record has all). */
const LEFT_OUT_SHOWN = 20;
/** Runs the Models page lists. */
const RUNS_LISTED = 20;

const IDLE: FinetuneState = { status: 'idle', startedAtMs: null, finishedAtMs: null, progress: null, epochs: [], result: null, error: null };

export interface FinetuneRun {
  handlers: HandlersFor<Channels>;
  /** True while a run is in progress (the registry's promote and rollback wait for it). */
  isRunning(): boolean;
}

export function finetuneRun(db: WritableDb, sessions: SessionStore, options: FinetuneHandlerOptions): FinetuneRun {
  let state: FinetuneState = IDLE;
  let handle: FinetuneHandle | null = null;

  const publish = (next: FinetuneState): FinetuneState => {
    state = next;
    options.emit('finetune/state', state);
    return state;
  };

  const handlers: HandlersFor<Channels> = {
    'finetune/start': (request, ctx) => {
      const user = sessions.require(ctx, 'start fine-tuning', ['admin']);
      if (state.status === 'running') throw new DomainError('conflict', 'a fine-tuning run is already in progress');
      const dataDir = dirname(options.dbPath);
      const modelsDir = join(dataDir, 'models');
      const started: FinetuneState = { ...IDLE, status: 'running', startedAtMs: Date.now(), progress: { phase: 'start', done: 0, total: 0 } };
      publish(started);
      handle = startFinetuneWorker(
        {
          dbPath: options.dbPath,
          fallbackModelDir: options.fallbackModelDir,
          modelsDir,
          cacheDir: join(dataDir, 'embedding-cache'),
          actor: actorOf(user),
          mode: request.mode,
        },
        {
          onProgress: (p) => publish({ ...state, progress: { phase: p.phase, done: p.done, total: p.total } }),
          onEpoch: (e) => publish({ ...state, epochs: [...state.epochs, { epoch: e.epoch, loss: e.loss, validationScore: e.validationScore, best: e.best }] }),
        },
        options.workerPath,
      );
      handle.result.then(
        (r) => {
          if (r.promoted) void options.onActiveModelChanged?.();
          publish({
            ...state,
            status: 'succeeded',
            finishedAtMs: Date.now(),
            result: {
              runId: r.runId,
              candidateId: r.candidate.id,
              candidateVersion: r.candidate.version,
              promoted: r.promoted,
              mode: r.mode,
              gate: gateOf({ gate: r.gate })!,
              leftOut: { slides: r.counts.leftOut.slides.length, cases: r.counts.leftOut.cases, files: r.counts.leftOut.slides.slice(0, LEFT_OUT_SHOWN) },
            },
          });
        },
        (error: unknown) => {
          const message = errorMessage(error);
          // A worker that died (out of memory, a crash) could not close its run in the record, nor remove the candidate folder it may have written.
          closeRunsOfThisProcess(db, actorOf(user), Date.now(), message);
          removeLeftoverCandidates(db, modelsDir);
          publish({ ...state, status: /cancel/i.test(message) ? 'cancelled' : 'failed', finishedAtMs: Date.now(), error: message });
          if (!/cancel/i.test(message)) options.log(`fine-tuning failed: ${message}`);
        },
      );
      return started;
    },
    'finetune/status': (_request, ctx) => {
      sessions.require(ctx, 'see the fine-tuning run');
      return state;
    },
    'finetune/readiness': (_request, ctx) => {
      sessions.require(ctx, 'see what fine-tuning can use');
      return finetuneReadiness(db);
    },
    'finetune/runs': (_request, ctx) => {
      sessions.require(ctx, 'see the fine-tuning runs');
      return latestRuns(db, RUNS_LISTED);
    },
    'finetune/cancel': (_request, ctx) => {
      sessions.require(ctx, 'cancel fine-tuning', ['admin']);
      if (state.status !== 'running' || !handle) throw new DomainError('conflict', 'no fine-tuning run is in progress');
      handle.cancel();
      return state;
    },
  };
  return { handlers, isRunning: () => state.status === 'running' };
}
