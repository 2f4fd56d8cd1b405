/**
 * The command line as a third transport over the app's channel handlers (beside Electron's IPC
 * and the loopback host): the user logs in with the same `auth/login` (failed attempts count
 * toward the lockout), and every call is checked, audited and answered exactly as for the UI —
 * including the PDF and HL7 reports made on sign-off.
 */
import type { Channel, RequestOf, ResponseOf } from '../contract';
import { createApp, type App } from '../core/app';
import { DomainError, type ErrorCode } from '../core/errors';
import { appVersion, defaultModelDir } from '../core/paths';
import { existsSync } from 'node:fs';
import { UsageError } from './command';
import { missingDatabaseError } from './database';
import { readSecrets } from './secret-input';

export interface AppSession {
  readonly app: App;
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  close(): Promise<void>;
}

const CONTEXT = { sessionId: 'cli' };

/** Opens an existing record as the app does and logs `username` in. */
export async function openAppSession(dbPath: string, login: { username: string; password: string }): Promise<AppSession> {
  if (!existsSync(dbPath)) throw missingDatabaseError(dbPath);
  const app = await createApp({ dbPath, modelDir: defaultModelDir(), version: appVersion(), log: (m) => console.error(m) });
  const session: AppSession = {
    app,
    async call(channel, request) {
      const result = await app.handle(channel, request, CONTEXT);
      if (!result.ok) throw new DomainError(result.code as ErrorCode, result.message);
      return result.value as ResponseOf<typeof channel>;
    },
    close: () => app.close(),
  };
  try {
    await session.call('auth/login', login);
  } catch (error) {
    await app.close();
    throw error;
  }
  return session;
}

/** The options of every command that acts as a logged-in user: `--db FILE` (else the data folder's record) and `--as USER`. */
export const SESSION_OPTIONS = { db: { type: 'string' }, as: { type: 'string' } } as const;

/** `--as USER` with the password asked on the terminal (no echo) or read from standard input. */
export async function loginFromCli(dbPath: string, username: string | undefined): Promise<AppSession & { password: string }> {
  if (!username) throw new UsageError('--as USER is required: the account that does this (its password is asked next, or read from standard input)');
  if (!existsSync(dbPath)) throw missingDatabaseError(dbPath);
  const [password] = await readSecrets([`Password of ${username}:`]);
  // Signing asks for the password again, as the UI's signature dialog does: the same one is used.
  return Object.assign(await openAppSession(dbPath, { username, password: password! }), { password: password! });
}

/** A case by numeric id or accession number. */
export async function findCase(session: AppSession, ref: string | undefined): Promise<ResponseOf<'cases/get'>> {
  if (!ref) throw new UsageError('--case ID|ACCESSION is required');
  let id = /^\d+$/.test(ref) ? Number(ref) : null;
  if (id === null) {
    const matches = await session.call('cases/list', { search: ref });
    id = matches.find((c) => c.accessionId === ref)?.id ?? null;
    if (id === null) throw new DomainError('not-found', `No case with accession '${ref}'`);
  }
  return session.call('cases/get', { caseId: id });
}
