/** User administration: admins only. Accounts are deactivated, never deleted. */
import type { UserSummary } from '../../contract';
import type { WritableDb } from '../db/connection';
import { getUserById, listUsers, updateUser, type UserRow } from '../db/user.repo';
import { DomainError } from '../errors';
import type { HandlersFor } from '../handler';
import { changePassword, createAccount } from '../auth/auth.service';
import { actorOf, type SessionStore } from '../auth/session-store';
import type { AuthOptions } from '../auth/auth.handlers';
import { DEFAULT_COST } from '../auth/password';

const ADMIN = ['admin'] as const;

function toSummary(user: UserRow): UserSummary {
  return { ...user };
}

export function usersHandlers(db: WritableDb, sessions: SessionStore, options: AuthOptions = {}): HandlersFor<'users/list' | 'users/create' | 'users/update' | 'users/reset-password'> {
  const cost = options.passwordCost ?? DEFAULT_COST;
  function existing(userId: number): UserRow {
    const user = getUserById(db, userId);
    if (!user) throw new DomainError('not-found', `User ${userId} does not exist`);
    return user;
  }
  return {
    'users/list': (_request, ctx) => {
      sessions.require(ctx, 'list users', ADMIN);
      return listUsers(db).map(toSummary);
    },
    'users/create': async (request, ctx) => {
      const admin = sessions.require(ctx, 'create users', ADMIN);
      return toSummary(await createAccount(db, request, actorOf(admin), Date.now(), cost));
    },
    'users/update': (request, ctx) => {
      const admin = sessions.require(ctx, 'change users', ADMIN);
      const before = existing(request.userId);
      const losesAdmin = before.role === 'admin' && before.active && (request.active === false || (request.role !== undefined && request.role !== 'admin'));
      if (losesAdmin && listUsers(db).filter((u) => u.role === 'admin' && u.active).length <= 1) {
        throw new DomainError('conflict', `${before.username} is the last active administrator and cannot be deactivated or demoted`);
      }
      const after = updateUser(db, request.userId, { displayName: request.displayName, role: request.role, active: request.active }, actorOf(admin));
      if (!after.active || after.role !== before.role) sessions.endSessionsOf(after.id);
      return toSummary(after);
    },
    'users/reset-password': async (request, ctx) => {
      const admin = sessions.require(ctx, 'reset passwords', ADMIN);
      existing(request.userId);
      await changePassword(db, request.userId, request.newPassword, actorOf(admin), Date.now(), cost);
      sessions.endSessionsOf(request.userId);
      return { changed: true as const };
    },
  };
}
