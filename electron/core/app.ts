/**
 * The composition root: builds the services and one handler per contract channel (each domain
 * module contributes a handler map). Transports — Electron IPC in electron/main, HTTP on the
 * loopback test host — call `handle()`, which validates the request with the channel's schema and
 * turns thrown errors into result envelopes.
 */
import { channels, fail, ok, type Channel, type EventName, type EventPayload, type Result } from '../contract';
import { DomainError, errorMessage } from './errors';
import { openDatabase, type WritableDb } from './db/connection';
import { getSlideById } from './db/slide.repo';
import type { ProviderName } from './inference/providers';
import { createReadingService } from './reading/reading.service';
import { readingHandlers } from './reading/reading.handlers';
import { renderDisplayPng } from './slides/decode';
import type { CallContext, HandlersFor } from './handler';
import { casesHandlers } from './review/cases.handlers';
import { reviewHandlers } from './review/review.handlers';
import { SessionStore } from './auth/session-store';
import { authHandlers } from './auth/auth.handlers';
import { usersHandlers } from './auth/users.handlers';
import { viewerHandlers } from './slides/viewer.handlers';
import { modelsHandlers } from './models/models.handlers';
import { reportsHandlers, withReportsOnSignOff } from './reports/reports.handlers';
import { resolveDataLocations } from './app-paths';

export type { CallContext } from './handler';

export interface AppOptions {
  dbPath: string;
  modelDir: string;
  version: string;
  providers?: ProviderName[];
  log?: (message: string) => void;
  /** The LIS outbox for day exports; default: the data-locations outbox (ANA_OUTBOX_DIR, locations.json). */
  outboxDir?: string;
}

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface App {
  readonly db: WritableDb;
  /** Logged-in users per CallContext.sessionId; handlers call `sessions.require(ctx, what, roles)`. */
  readonly sessions: SessionStore;
  handle(channel: string, request: unknown, ctx: CallContext): Promise<Result<unknown>>;
  /** The display rendition of a slide (8-bit PNG), served at `slideImagePath(id)` by both transports. */
  slideImage(slideId: number): Promise<{ contentType: string; bytes: Uint8Array }>;
  /** Reads files into the record (used by the CLI and the import channel). */
  readFiles(paths: string[]): Promise<void>;
  onEvent(listener: EventListener): () => void;
  close(): Promise<void>;
}

export async function createApp(options: AppOptions): Promise<App> {
  const log = options.log ?? ((m: string) => console.warn(m));
  const db = openDatabase(options.dbPath);
  const sessions = new SessionStore(db);
  // The model and its inference worker start on first use (reading, or app/info after it).
  const reading = createReadingService({ db, modelDir: options.modelDir, providers: options.providers, log });
  const listeners = new Set<EventListener>();
  const emit: EventListener = (event, payload) => listeners.forEach((l) => l(event, payload));

  const handlers: HandlersFor<Channel> = {
    'app/info': () => ({
      version: options.version,
      activeModel: reading.model ? { id: reading.model.manifest.id, version: reading.model.manifest.version } : null,
      executionProvider: reading.provider,
    }),
    ...casesHandlers(db, sessions),
    ...authHandlers(db, sessions),
    ...usersHandlers(db, sessions),
    ...withReportsOnSignOff(db, reviewHandlers(db, sessions), sessions, { log }),
    ...reportsHandlers(db, sessions, { log, outboxDir: () => options.outboxDir ?? resolveDataLocations().outboxDir }),
    ...viewerHandlers(db, sessions),
    ...modelsHandlers(db, sessions, { dbPath: options.dbPath, fallbackModelDir: options.modelDir, emit, log }),
    ...readingHandlers(db, reading, sessions, emit, log),
  };

  return {
    db,
    sessions,
    async handle(channel, request, ctx) {
      if (!Object.hasOwn(channels, channel)) return fail('bad-request', `Unknown channel '${channel}'`);
      const name = channel as Channel;
      const parsed = channels[name].request.safeParse(request ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return fail('bad-request', `Invalid request for '${name}': ${issue.path.join('.') || 'request'}: ${issue.message}`);
      }
      try {
        const handler = handlers[name] as (req: unknown, ctx: CallContext) => unknown;
        return ok(await handler(parsed.data, ctx));
      } catch (error) {
        if (error instanceof DomainError) return fail(error.code, error.message);
        log(`Handler '${name}' failed: ${(error as Error).stack ?? errorMessage(error)}`);
        return fail('internal', `Unexpected error in '${name}': ${errorMessage(error)}`);
      }
    },
    async slideImage(slideId) {
      const slide = getSlideById(db, slideId);
      if (!slide) throw new DomainError('not-found', `Slide ${slideId} does not exist`);
      return { contentType: 'image/png', bytes: await renderDisplayPng(slide.path) };
    },
    async readFiles(paths) {
      await reading.read(paths, {
        onItem: (item) => {
          if (item.status === 'done' && item.caseId !== null) emit('cases/changed', { caseIds: [item.caseId] });
        },
        onProgress: (p) => emit('reading/progress', { batchId: p.batchId, done: p.done, failed: p.failed, total: p.total, etaMs: p.etaMs, currentFile: p.currentFile }),
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await reading.close();
      db.close();
    },
  };
}
