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
import { createReadingService, type ShutdownOutcome } from './reading/reading.service';
import { activeRegisteredModel } from './reading/model-source';
import { listSlideFiles } from './reading/batch-reader';
import { getActiveModelVersion } from './db/model-version.repo';
import { readingHandlers } from './reading/reading.handlers';
import { createDisplayCache, defaultDisplayCacheDir } from './viewer/display-cache';
import type { SlideImageChannel } from '../contract';
import type { CallContext, HandlersFor } from './handler';
import { casesHandlers } from './cases/cases.handlers';
import { reviewHandlers } from './review/review.handlers';
import { SessionStore } from './auth/session-store';
import { authHandlers } from './auth/auth.handlers';
import type { ScryptCost } from './auth/password';
import { usersHandlers } from './users/users.handlers';
import { viewerHandlers } from './viewer/viewer.handlers';
import { microscopeSettingsHandlers } from './settings/settings.handlers';
import { microscopeProfileOf } from './settings/microscope-profile-setting';
import { modelsHandlers } from './models/models.handlers';
import { finetuneRun } from './training/finetune/finetune.handlers';
import { makeReportsOnSignature, reportsHandlers } from './reports/reports.handlers';
import { DomainEventBus } from './domain-events';
import { qcHandlers } from './qc/qc.handlers';
import { resolveDataLocations } from './app-paths';

export type { CallContext } from './handler';

export interface AppOptions {
  dbPath: string;
  /** The shipped model package: registered and made active on a fresh record; later readings use the registry's active version. */
  modelDir: string;
  /** The inference worker's entry (the built `inference.worker.js`, unpacked in an installed app). */
  workerPath?: string;
  version: string;
  providers?: ProviderName[];
  log?: (message: string) => void;
  /** Routine operational messages for the log file (warnings go to `log`). */
  info?: (message: string) => void;
  /** Display renditions of slides; default: `display-cache` beside the database (never beside the user's images). */
  displayCacheDir?: string;
  /** The LIS outbox for day exports; default: the data-locations outbox (ANA_OUTBOX_DIR, locations.json). */
  outboxDir?: string;
  /** scrypt cost for new password hashes and login upgrades; default the OWASP cost (tests pass a lower one). */
  passwordCost?: ScryptCost;
}

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface App {
  readonly db: WritableDb;
  /** Logged-in users per CallContext.sessionId; handlers call `sessions.require(ctx, what, roles)`. */
  readonly sessions: SessionStore;
  handle(channel: string, request: unknown, ctx: CallContext): Promise<Result<unknown>>;
  /** A display rendition of a slide (8-bit grey PNG per channel), served at `slideImagePath(id, channel)` by both transports. */
  slideImage(slideId: number, channel?: SlideImageChannel): Promise<{ contentType: string; bytes: Uint8Array }>;
  /** Reads files into the record, after any batch already queued (tests, the CLI). */
  readFiles(paths: string[]): Promise<void>;
  /**
   * Reads the slide files in these files/folders through the same reading service (menu import,
   * demo slides, the watched import folder); failures are reported as 'app/error', never thrown.
   */
  importPaths(paths: string[], source?: string): Promise<void>;
  /** Stops reading (the current slide finishes within `graceMs` or is abandoned), then closes the record. */
  shutdown(graceMs: number): Promise<ShutdownOutcome>;
  onEvent(listener: EventListener): () => void;
  /** Pushes an event to every listener (the shell's background services report through it). */
  emit: EventListener;
  close(): Promise<void>;
}

export async function createApp(options: AppOptions): Promise<App> {
  const log = options.log ?? ((m: string) => console.warn(m));
  const db = openDatabase(options.dbPath);
  const sessions = new SessionStore(db);
  const listeners = new Set<EventListener>();
  const emit: EventListener = (event, payload) => listeners.forEach((l) => l(event, payload));
  const reportError = (source: string, message: string) => emit('app/error', { source, message, atMs: Date.now() });
  const displayCache = createDisplayCache(options.displayCacheDir ?? defaultDisplayCacheDir(options.dbPath), () => ({ profile: microscopeProfileOf(db) }));
  // The registry's active version and its inference worker start on first use (a reading).
  const activeModel = activeRegisteredModel(db, options.modelDir);
  const reading = createReadingService({
    // The slide is decoded for reading anyway: its display rendition costs only a stretch and a PNG encode now.
    onDecoded: (sha256, decoded) =>
      displayCache.storeFromDecoded(sha256, decoded).catch((error: unknown) => log(`display rendition of ${sha256} not stored: ${errorMessage(error)}`)),
    db,
    modelSource: activeModel,
    // The lab's microscope profile (Settings) as in force when each batch starts.
    profileSource: () => microscopeProfileOf(db),
    providers: options.providers,
    workerPath: options.workerPath,
    log,
    info: options.info,
    onError: (message) => reportError('reading', message),
  });
  const onActiveModelChanged = () =>
    reading.reload().catch((error: unknown) => log(`switching the reading model failed: ${errorMessage(error)}`));

  // Between domains: a recorded signature gets its reports (review emits, reports subscribes).
  const domainEvents = new DomainEventBus();
  makeReportsOnSignature(db, domainEvents, { log, displayRendition: (slide) => displayCache.get(slide) });
  const finetune = finetuneRun(db, sessions, { dbPath: options.dbPath, fallbackModelDir: options.modelDir, emit, log, onActiveModelChanged });

  const handlers: HandlersFor<Channel> = {
    'app/info': () => ({
      version: options.version,
      activeModel: activeModelOf(),
      executionProvider: reading.provider,
    }),
    ...casesHandlers(db, sessions),
    ...authHandlers(db, sessions, { passwordCost: options.passwordCost }),
    ...usersHandlers(db, sessions, { passwordCost: options.passwordCost }),
    ...reviewHandlers(db, sessions, domainEvents),
    ...reportsHandlers(db, sessions, { log, displayRendition: (slide) => displayCache.get(slide), outboxDir: () => options.outboxDir ?? resolveDataLocations().outboxDir }),
    ...viewerHandlers(db, sessions, displayCache),
    ...microscopeSettingsHandlers(db, sessions, activeModel),
    ...modelsHandlers(db, sessions, { onActiveModelChanged, isFinetuning: finetune.isRunning }),
    ...finetune.handlers,
    ...readingHandlers(db, reading, sessions, emit, log),
    ...qcHandlers(db, sessions),
  };

  /** The version new readings use: the registry's active one (before the first reading, possibly none yet). */
  function activeModelOf(): { id: string; version: string } | null {
    const active = getActiveModelVersion(db);
    if (active) return { id: active.modelId, version: active.version };
    return reading.model ? { id: reading.model.manifest.id, version: reading.model.manifest.version } : null;
  }
  const readFiles = async (paths: string[]) => {
    await reading.read(paths, {
      onItem: (item) => {
        if (item.status === 'done' && item.caseId !== null) emit('cases/changed', { caseIds: [item.caseId] });
      },
      onProgress: (p) => emit('reading/progress', { batchId: p.batchId, done: p.done, failed: p.failed, total: p.total, etaMs: p.etaMs, currentFile: p.currentFile }),
    });
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
    async slideImage(slideId, channel = 'fitc') {
      const slide = getSlideById(db, slideId);
      if (!slide) throw new DomainError('not-found', `Slide ${slideId} does not exist`);
      return { contentType: 'image/png', bytes: await displayCache.get(slide, channel) };
    },
    readFiles,
    emit,
    async importPaths(paths, source = 'import') {
      try {
        const files = await listSlideFiles(paths);
        if (files.length === 0) {
          log(`No slide images (PNG, TIFF, JPEG, BMP) in ${paths.join(', ')}`);
          reportError(source, `No slide images (PNG, TIFF, JPEG, BMP) in ${paths.join(', ')}`);
          return;
        }
        await readFiles(files);
      } catch (error) {
        log(`Import of ${paths.join(', ')} failed: ${errorMessage(error)}`);
        reportError(source, `Import of ${paths.join(', ')} failed: ${errorMessage(error)}`);
      }
    },
    async shutdown(graceMs) {
      const outcome = await reading.shutdown(graceMs);
      // An abandoned slide still holds the record: the process exit ends both.
      if (outcome !== 'abandoned') db.close();
      return outcome;
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
