/** Handlers for login, logout, first-run admin and own password change. */
import type { WritableDb } from '../db/connection';
import { appendAudit } from '../db/audit.repo';
import { countUsers } from '../db/user.repo';
import type { HandlersFor } from '../handler';
import { changePassword, checkLogin, confirmPassword, createFirstAdmin, endSessionsIfLocked, toSessionUser } from './auth.service';
import { DEFAULT_COST, type ScryptCost } from './password';
import { actorOf, type SessionStore } from './session-store';

export interface AuthOptions {
  /** The scrypt cost for new hashes and login upgrades; default DEFAULT_COST (tests lower it). */
  passwordCost?: ScryptCost;
}

export function authHandlers(db: WritableDb, sessions: SessionStore, options: AuthOptions = {}): HandlersFor<'auth/status' | 'auth/login' | 'auth/logout' | 'auth/create-first-admin' | 'auth/change-password'> {
  const cost = options.passwordCost ?? DEFAULT_COST;
  return {
    'auth/status': (_request, ctx) => ({ user: sessions.current(ctx), needsFirstAdmin: countUsers(db) === 0 }),
    'auth/login': async (request, ctx) => {
      const user = await checkLogin(db, request.username, request.password, Date.now(), cost);
      sessions.login(ctx, user.id);
      return user;
    },
    'auth/logout': (_request, ctx) => {
      const user = sessions.current(ctx);
      if (user) appendAudit(db, { actor: actorOf(user), action: 'logout', entity: 'session' });
      return { loggedOut: sessions.logout(ctx) };
    },
    'auth/create-first-admin': async (request, ctx) => {
      const admin = await createFirstAdmin(db, request, { userId: null, name: `first-run:${request.username}`.slice(0, 200) }, Date.now(), cost);
      sessions.login(ctx, admin.id);
      return toSessionUser(admin);
    },
    'auth/change-password': async (request, ctx) => {
      const user = sessions.require(ctx, 'change a password');
      await endSessionsIfLocked(db, sessions, user, () => confirmPassword(db, user, request.currentPassword, 'changing the password'));
      await changePassword(db, user.id, request.newPassword, actorOf(user), Date.now(), cost);
      return { changed: true as const };
    },
  };
}
