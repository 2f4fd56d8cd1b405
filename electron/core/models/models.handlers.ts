/**
 * Handlers for the Models page: the registry (list, promote, roll back) and one background
 * fine-tuning run at a time. The run lives in a worker thread (training/finetune-worker); this
 * module keeps its latest state (phase progress, every epoch's loss and validation score, the
 * gate's verdict or the error) so a window opened mid-run can catch up, and pushes each change as
 * the 'finetune/state' event.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EventName, EventPayload, FinetuneState, GateVerdict, ModelVersionSummary } from '../../contract';
import type { WritableDb } from '../db/connection';
import { actorOf, type SessionStore } from '../auth/session-store';
import { DomainError, errorMessage } from '../errors';
import type { HandlersFor } from '../handler';
import type { ModelVersionRow } from '../db/model-version.repo';
import { listRegistry, promoteModel, rollbackModel } from './model-registry';
import { startFinetuneWorker, type FinetuneHandle } from '../training/finetune/finetune-worker';

export interface ModelsHandlerOptions {
  dbPath: string;
  /** The shipped package, registered as the first version on the first run. */
  fallbackModelDir: string;
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  log: (message: string) => void;
  /** The active version changed (promotion, rollback, a fine-tuned candidate the gate promoted): new readings must use it. */
  onActiveModelChanged?: () => Promise<unknown> | void;
}

type Channels = 'models/list' | 'models/promote' | 'models/rollback' | 'finetune/start' | 'finetune/status' | 'finetune/cancel';

const MAX_CARD_CHARS = 20_000;

function gateOf(validation: unknown): GateVerdict | null {
  const g = (validation as { gate?: { passed?: unknown; reasons?: unknown; candidate?: { f1_macro?: unknown; map?: unknown }; active?: { f1_macro?: unknown; map?: unknown }; n_images?: unknown } } | null)?.gate;
  if (!g || typeof g.passed !== 'boolean') return null;
  const metrics = (m: { f1_macro?: unknown; map?: unknown } | undefined) => ({ f1Macro: Number(m?.f1_macro ?? Number.NaN), map: Number(m?.map ?? Number.NaN) });
  return { passed: g.passed, reasons: Array.isArray(g.reasons) ? g.reasons.map(String) : [], candidate: metrics(g.candidate), active: metrics(g.active), validationCases: Number(g.n_images ?? 0) };
}

function cardOf(row: ModelVersionRow): string | null {
  const files = (row.manifest as { files?: { path: string; role: string }[] }).files ?? [];
  const card = files.find((f) => f.role === 'card');
  if (!card) return null;
  try {
    return readFileSync(join(row.dirPath, card.path), 'utf8').slice(0, MAX_CARD_CHARS);
  } catch {
    return null;
  }
}

export function toModelVersionSummary(row: ModelVersionRow & { active: boolean }): ModelVersionSummary {
  const manifest = row.manifest as { labels?: { key: string }[]; displayName?: string };
  return {
    id: row.id,
    modelId: row.modelId,
    version: row.version,
    status: row.status,
    source: row.source,
    active: row.active,
    parentId: row.parentId,
    trainingRunId: row.trainingRunId,
    createdAtMs: row.createdAtMs,
    releasedAtMs: row.releasedAtMs,
    labels: (manifest.labels ?? []).map((l) => l.key),
    description: cardOf(row) ?? manifest.displayName ?? null,
    gate: gateOf(row.validation),
  };
}

const IDLE: FinetuneState = { status: 'idle', startedAtMs: null, finishedAtMs: null, progress: null, epochs: [], result: null, error: null };

export function modelsHandlers(db: WritableDb, sessions: SessionStore, options: ModelsHandlerOptions): HandlersFor<Channels> {
  let state: FinetuneState = IDLE;
  let handle: FinetuneHandle | null = null;

  const publish = (next: FinetuneState): FinetuneState => {
    state = next;
    options.emit('finetune/state', state);
    return state;
  };
  const summaryById = (id: number): ModelVersionSummary => {
    const row = listRegistry(db).find((r) => r.id === id);
    if (!row) throw new DomainError('not-found', `model version ${id} does not exist`);
    return toModelVersionSummary(row);
  };

  return {
    'models/list': (_request, ctx) => {
      sessions.require(ctx, 'see the model versions');
      return listRegistry(db).map(toModelVersionSummary);
    },
    'models/promote': async (request, ctx) => {
      const user = sessions.require(ctx, 'promote a model version', ['admin']);
      if (state.status === 'running') throw new DomainError('conflict', 'a fine-tuning run is in progress; promote after it has finished');
      const row = promoteModel(db, request.versionId, actorOf(user), { justification: request.justification });
      await options.onActiveModelChanged?.();
      return summaryById(row.id);
    },
    'models/rollback': async (request, ctx) => {
      const user = sessions.require(ctx, 'roll back the model', ['admin']);
      if (state.status === 'running') throw new DomainError('conflict', 'a fine-tuning run is in progress; roll back after it has finished');
      const { from, to } = rollbackModel(db, actorOf(user), request.reason);
      await options.onActiveModelChanged?.();
      return { from: summaryById(from.id), to: summaryById(to.id) };
    },
    'finetune/start': (request, ctx) => {
      const user = sessions.require(ctx, 'start fine-tuning', ['admin']);
      if (state.status === 'running') throw new DomainError('conflict', 'a fine-tuning run is already in progress');
      const dataDir = dirname(options.dbPath);
      const started: FinetuneState = { ...IDLE, status: 'running', startedAtMs: Date.now(), progress: { phase: 'start', done: 0, total: 0 } };
      publish(started);
      handle = startFinetuneWorker(
        {
          dbPath: options.dbPath,
          fallbackModelDir: options.fallbackModelDir,
          modelsDir: join(dataDir, 'models'),
          cacheDir: join(dataDir, 'embedding-cache'),
          actor: actorOf(user),
          mode: request.mode ?? 'head',
        },
        {
          onProgress: (p) => publish({ ...state, progress: { phase: p.phase, done: p.done, total: p.total } }),
          onEpoch: (e) => publish({ ...state, epochs: [...state.epochs, { epoch: e.epoch, loss: e.loss, validationScore: e.validationScore, best: e.best }] }),
        },
      );
      handle.result.then(
        (r) => {
          if (r.promoted) void options.onActiveModelChanged?.();
          publish({
            ...state,
            status: 'succeeded',
            finishedAtMs: Date.now(),
            result: { runId: r.runId, candidateId: r.candidate.id, candidateVersion: r.candidate.version, promoted: r.promoted, mode: r.mode, gate: gateOf({ gate: r.gate })! },
          });
        },
        (error: unknown) => {
          const message = errorMessage(error);
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
    'finetune/cancel': (_request, ctx) => {
      sessions.require(ctx, 'cancel fine-tuning', ['admin']);
      if (state.status !== 'running' || !handle) throw new DomainError('conflict', 'no fine-tuning run is in progress');
      handle.cancel();
      return state;
    },
  };
}
