/**
 * Accounts: login checks, password re-entry at sign-off, first-run admin, password changes. Every
 * outcome is audited.
 *
 * Lockout: every password check (login or re-entry) first records a `password-attempt` in the
 * audit log, in one write transaction with the count of attempts since the name's last success —
 * before the slow hash runs. So parallel guesses are counted as they start, not as they finish:
 * after LOGIN_LOCKOUT.failures open attempts within the window the name is locked, whichever way
 * the guesses arrive, and a restart does not reset the count.
 */
import type { SessionUser, UserRole } from '../../contract';
import { appendAudit, countAuditActionsAfter, lastAuditIdOfActor, lastPasswordChangeId, SYSTEM_ACTOR, type Actor } from '../db/audit.repo';
import { runWrite, type WritableDb } from '../db/connection';
import { countUsers, getUserWithHash, getUserWithHashById, insertUser, setPasswordHash, type UserRow } from '../db/user.repo';
import { DomainError } from '../errors';
import { DEFAULT_COST, hashPassword, needsRehash, verifyPassword, type ScryptCost } from './password';
import type { SessionStore } from './session-store';

export function toSessionUser(user: UserRow): SessionUser {
  return { id: user.id, username: user.username, displayName: user.displayName, role: user.role };
}

/** Per cost: the hash an unknown name is checked against. */
const dummyHashes = new Map<string, Promise<string>>();

/**
 * After this many wrong passwords for one name within the window (logins and sign-off re-entries
 * together), that name is locked for the window; a successful check or a password reset by an
 * administrator starts the count afresh.
 */
export const LOGIN_LOCKOUT = { failures: 5, windowMs: 15 * 60 * 1000 };

/** Audit actions that end a run of wrong passwords: a successful login or re-entry. */
const SUCCESSES = ['login', 'password-ok'] as const;

/** Attempts since the last success or password change, within the window; in-flight ones count. */
function openAttempts(db: WritableDb, actor: Actor, nowMs: number): number {
  const resetId = Math.max(lastAuditIdOfActor(db, actor.name, SUCCESSES), actor.userId === null ? 0 : lastPasswordChangeId(db, actor.userId));
  return countAuditActionsAfter(db, actor.name, 'password-attempt', resetId, nowMs - LOGIN_LOCKOUT.windowMs);
}

export function isLockedOut(db: WritableDb, actor: Actor, nowMs = Date.now()): boolean {
  return openAttempts(db, actor, nowMs) >= LOGIN_LOCKOUT.failures;
}

/**
 * Counts and records one password attempt atomically, before any hashing; false (and audited as
 * `login-locked`) when the name is locked.
 */
function startAttempt(db: WritableDb, actor: Actor, purpose: string, nowMs: number): boolean {
  return runWrite(db, `Checking the password of ${actor.name}`, () => {
    if (isLockedOut(db, actor, nowMs)) {
      appendAudit(db, { actor, action: 'login-locked', entity: 'session', newValue: { attempted: purpose }, atMs: nowMs });
      return false;
    }
    appendAudit(db, { actor, action: 'password-attempt', entity: 'session', newValue: { attempted: purpose }, atMs: nowMs });
    return true;
  });
}

function lockedMessage(name: string): string {
  return `Too many failed logins for ${name}; try again in ${LOGIN_LOCKOUT.windowMs / 60_000} minutes or ask an administrator to reset the password`;
}

/**
 * Checks a username and password; audits success and failure (without saying which part was
 * wrong). A hash made at a lower cost than `cost` is re-hashed at `cost` on success (audited as
 * `password-rehash`).
 */
export async function checkLogin(db: WritableDb, username: string, password: string, nowMs = Date.now(), cost: ScryptCost = DEFAULT_COST): Promise<SessionUser> {
  const name = username.slice(0, 200);
  const user = getUserWithHash(db, username);
  const actor = { userId: user?.id ?? null, name };
  if (!startAttempt(db, actor, 'login', nowMs)) throw new DomainError('unauthenticated', lockedMessage(name));
  // An unknown name costs the same hashing time as a known one, so timing does not reveal accounts.
  const costKey = `${cost.N}/${cost.r}/${cost.p}`;
  if (!dummyHashes.has(costKey)) dummyHashes.set(costKey, hashPassword('not a password', cost));
  const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyHashes.get(costKey)!));
  if (!user || !valid || !user.active) {
    appendAudit(db, {
      actor,
      action: 'login-failed',
      entity: 'session',
      newValue: { reason: !user || !valid ? 'wrong username or password' : 'account deactivated' },
      atMs: nowMs,
    });
    throw new DomainError('unauthenticated', user && valid ? `The account ${username} is deactivated` : 'Wrong username or password');
  }
  appendAudit(db, { actor: { userId: user.id, name: user.username }, action: 'login', entity: 'session', atMs: nowMs });
  if (needsRehash(user.passwordHash, cost)) await rehash(db, user.id, user.passwordHash, password, cost);
  return toSessionUser(user);
}

/** Stores the password at the current cost, unless the hash changed meanwhile (e.g. an admin reset it). */
async function rehash(db: WritableDb, userId: number, oldHash: string, password: string, cost: ScryptCost): Promise<void> {
  const newHash = await hashPassword(password, cost);
  runWrite(db, `Upgrading the password hash of user ${userId}`, () => {
    const now = getUserWithHashById(db, userId);
    if (now?.passwordHash === oldHash) setPasswordHash(db, userId, newHash, { userId: null, name: 'system:password-upgrade' }, Date.now(), 'password-rehash');
  });
}

/**
 * Re-entry of the password at signing (or before a password change): counted with the logins, so
 * wrong re-entries lock the account too. A mismatch is audited and refused; the caller ends the
 * user's sessions when the account is locked (`endSessionsIfLocked`).
 */
export async function confirmPassword(db: WritableDb, user: SessionUser, password: string, what: string, nowMs = Date.now()): Promise<void> {
  const actor = { userId: user.id, name: user.username };
  if (!startAttempt(db, actor, what, nowMs)) throw new DomainError('unauthenticated', `${lockedMessage(user.username)}: ${what} was not done`);
  const stored = getUserWithHashById(db, user.id);
  if (!stored || !(await verifyPassword(password, stored.passwordHash))) {
    appendAudit(db, { actor, action: 'password-check-failed', entity: 'session', newValue: { attempted: what }, atMs: nowMs });
    const locked = isLockedOut(db, actor, nowMs) ? `. ${lockedMessage(user.username)}; you have been logged out` : '';
    throw new DomainError('unauthenticated', `Password incorrect: ${what} was not done${locked}`);
  }
  appendAudit(db, { actor, action: 'password-ok', entity: 'session', newValue: { attempted: what }, atMs: nowMs });
}

/** Runs a step that re-checks `user`'s password; when that leaves the account locked, every session of the user ends. */
export async function endSessionsIfLocked<T>(db: WritableDb, sessions: SessionStore, user: SessionUser, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'unauthenticated' && isLockedOut(db, { userId: user.id, name: user.username })) sessions.endSessionsOf(user.id);
    throw error;
  }
}

export interface NewAccount {
  username: string;
  displayName: string;
  role: UserRole;
  password: string;
}

export async function createAccount(db: WritableDb, account: NewAccount, actor: Actor, nowMs = Date.now(), cost: ScryptCost = DEFAULT_COST): Promise<UserRow> {
  if (getUserWithHash(db, account.username)) throw new DomainError('conflict', `A user named '${account.username}' already exists`);
  const passwordHash = await hashPassword(account.password, cost);
  return insertUser(db, { username: account.username, displayName: account.displayName, role: account.role, passwordHash }, actor, nowMs);
}

/**
 * First run: creates the first administrator, only while the record has no users at all (so it
 * cannot be used to add an admin behind the back of an existing one).
 */
export async function createFirstAdmin(
  db: WritableDb,
  account: Omit<NewAccount, 'role'>,
  actor: Actor = SYSTEM_ACTOR,
  nowMs = Date.now(),
  cost: ScryptCost = DEFAULT_COST,
): Promise<UserRow> {
  const passwordHash = await hashPassword(account.password, cost);
  return runWrite(db, 'Creating the first administrator', () => {
    if (countUsers(db) > 0) throw new DomainError('forbidden', 'The workstation already has users; an administrator must create new accounts');
    return insertUser(db, { username: account.username, displayName: account.displayName, role: 'admin', passwordHash }, actor, nowMs);
  });
}

export async function changePassword(db: WritableDb, userId: number, newPassword: string, actor: Actor, nowMs = Date.now(), cost: ScryptCost = DEFAULT_COST): Promise<void> {
  setPasswordHash(db, userId, await hashPassword(newPassword, cost), actor, nowMs);
}
