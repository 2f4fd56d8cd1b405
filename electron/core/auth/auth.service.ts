/** Accounts: login checks, first-run admin, password changes. Every outcome is audited. */
import type { SessionUser, UserRole } from '../../contract';
import { appendAudit, countAuditActions, lastAuditAction, lastPasswordChange, SYSTEM_ACTOR, type Actor } from '../db/audit.repo';
import { runWrite, type WritableDb } from '../db/connection';
import { countUsers, getUserWithHash, getUserWithHashById, insertUser, setPasswordHash, type UserRow } from '../db/user.repo';
import { DomainError } from '../errors';
import { hashPassword, verifyPassword } from './password';

export function toSessionUser(user: UserRow): SessionUser {
  return { id: user.id, username: user.username, displayName: user.displayName, role: user.role };
}

let dummyHash: Promise<string> | undefined;

/** After this many failed logins for one name within the window, that name is locked for the window. */
export const LOGIN_LOCKOUT = { failures: 5, windowMs: 15 * 60 * 1000 };

/**
 * Failed logins are counted from the audit log (so a restart does not reset them), since the
 * window start, the name's last successful login or its last password change, whichever is later.
 */
function lockedOut(db: WritableDb, username: string, nowMs: number): boolean {
  const user = getUserWithHash(db, username);
  const reset = user ? lastPasswordChange(db, user.id) : null;
  const since = Math.max(nowMs - LOGIN_LOCKOUT.windowMs, (lastAuditAction(db, username, 'login') ?? 0) + 1, (reset ?? 0) + 1);
  return countAuditActions(db, username, 'login-failed', since) >= LOGIN_LOCKOUT.failures;
}

/** Checks a username and password; audits success and failure (without saying which part was wrong). */
export async function checkLogin(db: WritableDb, username: string, password: string, nowMs = Date.now()): Promise<SessionUser> {
  const name = username.slice(0, 200);
  if (lockedOut(db, name, nowMs)) {
    appendAudit(db, { actor: { userId: null, name }, action: 'login-locked', entity: 'session', atMs: nowMs });
    throw new DomainError('unauthenticated', `Too many failed logins for ${name}; try again in ${LOGIN_LOCKOUT.windowMs / 60_000} minutes or ask an administrator`);
  }
  const user = getUserWithHash(db, username);
  // An unknown name costs the same hashing time as a known one, so timing does not reveal accounts.
  dummyHash ??= hashPassword('not a password');
  const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyHash));
  if (!user || !valid || !user.active) {
    appendAudit(db, {
      actor: { userId: user?.id ?? null, name },
      action: 'login-failed',
      entity: 'session',
      newValue: { reason: !user || !valid ? 'wrong username or password' : 'account deactivated' },
      atMs: nowMs,
    });
    throw new DomainError('unauthenticated', user && valid ? `The account ${username} is deactivated` : 'Wrong username or password');
  }
  appendAudit(db, { actor: { userId: user.id, name: user.username }, action: 'login', entity: 'session', atMs: nowMs });
  return toSessionUser(user);
}

/** Re-entry of the password at signing: a mismatch is audited and refused. */
export async function confirmPassword(db: WritableDb, user: SessionUser, password: string, what: string): Promise<void> {
  const stored = getUserWithHashById(db, user.id);
  if (!stored || !(await verifyPassword(password, stored.passwordHash))) {
    appendAudit(db, { actor: { userId: user.id, name: user.username }, action: 'password-check-failed', entity: 'session', newValue: { attempted: what } });
    throw new DomainError('unauthenticated', `Password incorrect: ${what} was not done`);
  }
}

export interface NewAccount {
  username: string;
  displayName: string;
  role: UserRole;
  password: string;
}

export async function createAccount(db: WritableDb, account: NewAccount, actor: Actor, nowMs = Date.now()): Promise<UserRow> {
  if (getUserWithHash(db, account.username)) throw new DomainError('conflict', `A user named '${account.username}' already exists`);
  const passwordHash = await hashPassword(account.password);
  return insertUser(db, { username: account.username, displayName: account.displayName, role: account.role, passwordHash }, actor, nowMs);
}

/**
 * First run: creates the first administrator, only while the record has no users at all (so it
 * cannot be used to add an admin behind the back of an existing one).
 */
export async function createFirstAdmin(db: WritableDb, account: Omit<NewAccount, 'role'>, actor: Actor = SYSTEM_ACTOR, nowMs = Date.now()): Promise<UserRow> {
  const passwordHash = await hashPassword(account.password);
  return runWrite(db, 'Creating the first administrator', () => {
    if (countUsers(db) > 0) throw new DomainError('forbidden', 'The workstation already has users; an administrator must create new accounts');
    return insertUser(db, { username: account.username, displayName: account.displayName, role: 'admin', passwordHash }, actor, nowMs);
  });
}

export async function changePassword(db: WritableDb, userId: number, newPassword: string, actor: Actor, nowMs = Date.now()): Promise<void> {
  setPasswordHash(db, userId, await hashPassword(newPassword), actor, nowMs);
}
