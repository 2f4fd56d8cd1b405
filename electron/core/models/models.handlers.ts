/**
 * Handlers for the Models page's registry: list, promote, roll back. Promotion and rollback wait
 * while a fine-tuning run is in progress (training/finetune/finetune.handlers.ts says so through
 * `isFinetuning`), so the gate's verdict is never judged against a version swapped under it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GateVerdict, ModelVersionSummary } from '../../contract';
import type { WritableDb } from '../db/connection';
import { actorOf, type SessionStore } from '../auth/session-store';
import { learningCurve } from './learning-curve';
import { DomainError } from '../errors';
import type { HandlersFor } from '../handler';
import type { ModelVersionRow } from '../db/model-version.repo';
import { listRegistry, promoteModel, rollbackModel, untrainedCallsOf, untrainedOf } from './model-registry';

export interface ModelsHandlerOptions {
  /** The active version changed (promotion, rollback): new readings must use it. */
  onActiveModelChanged?: () => Promise<unknown> | void;
  /** True while a fine-tuning run is in progress. */
  isFinetuning?: () => boolean;
}

type Channels = 'models/list' | 'models/curve' | 'models/promote' | 'models/rollback';

const MAX_CARD_CHARS = 20_000;

export function gateOf(validation: unknown): GateVerdict | null {
  type Metrics = { f1_macro?: unknown; map?: unknown };
  const g = (validation as { gate?: { passed?: unknown; reasons?: unknown; candidate?: Metrics; active?: Metrics; n_images?: unknown; unjudgedClasses?: unknown; spread?: Metrics | null } } | null)?.gate;
  if (!g || typeof g.passed !== 'boolean') return null;
  const metrics = (m: Metrics | undefined) => ({ f1Macro: Number(m?.f1_macro ?? Number.NaN), map: Number(m?.map ?? Number.NaN) });
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  // Records written before the gate measured its spread (2026-12-07) have none.
  const spread = g.spread ? metrics(g.spread) : null;
  return { passed: g.passed, reasons: strings(g.reasons), candidate: metrics(g.candidate), active: metrics(g.active), validationCases: Number(g.n_images ?? 0), unjudged: strings(g.unjudgedClasses), spread };
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
    untrained: untrainedOf(row.manifest),
    untrainedCalls: untrainedCallsOf(row.manifest),
  };
}

export function modelsHandlers(db: WritableDb, sessions: SessionStore, options: ModelsHandlerOptions = {}): HandlersFor<Channels> {
  const finetuning = () => options.isFinetuning?.() ?? false;
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
    'models/curve': (_request, ctx) => {
      sessions.require(ctx, "see the lab's learning curve");
      return learningCurve(db);
    },
    'models/promote': async (request, ctx) => {
      const user = sessions.require(ctx, 'promote a model version', ['admin']);
      if (finetuning()) throw new DomainError('conflict', 'a fine-tuning run is in progress; promote after it has finished');
      const row = promoteModel(db, request.versionId, actorOf(user), { justification: request.justification });
      await options.onActiveModelChanged?.();
      return summaryById(row.id);
    },
    'models/rollback': async (request, ctx) => {
      const user = sessions.require(ctx, 'roll back the model', ['admin']);
      if (finetuning()) throw new DomainError('conflict', 'a fine-tuning run is in progress; roll back after it has finished');
      const { from, to } = rollbackModel(db, actorOf(user), request.reason);
      await options.onActiveModelChanged?.();
      return { from: summaryById(from.id), to: summaryById(to.id) };
    },
  };
}
