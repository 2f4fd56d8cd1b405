import type { UserRole } from '../../contract';
import { appendAudit, type Actor } from './audit.repo';
import { sha256Hex } from './canonical-json';
import { runWrite, type ReadableDb, type WritableDb } from './connection';

export interface UserRow {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  active: boolean;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface UserWithHash extends UserRow {
  passwordHash: string;
}

const SELECT_USER = `SELECT id, username, display_name AS displayName, role, active, created_at_ms AS createdAtMs,
  updated_at_ms AS updatedAtMs, password_hash AS passwordHash FROM users`;

function fromRaw(raw: (Omit<UserWithHash, 'active'> & { active: number }) | undefined): UserWithHash | undefined {
  return raw && { ...raw, active: raw.active === 1 };
}

function publicUser(user: UserWithHash): UserRow {
  const { passwordHash: _hidden, ...rest } = user;
  return rest;
}

export function getUserById(db: ReadableDb, id: number): UserRow | undefined {
  const user = fromRaw(db.prepare(`${SELECT_USER} WHERE id = ?`).get(id) as never);
  return user && publicUser(user);
}

/** Includes the password hash: for the login and signing checks only. */
export function getUserWithHash(db: ReadableDb, username: string): UserWithHash | undefined {
  return fromRaw(db.prepare(`${SELECT_USER} WHERE username = ?`).get(username) as never);
}

export function getUserWithHashById(db: ReadableDb, id: number): UserWithHash | undefined {
  return fromRaw(db.prepare(`${SELECT_USER} WHERE id = ?`).get(id) as never);
}

export function listUsers(db: ReadableDb): UserRow[] {
  return (db.prepare(`${SELECT_USER} ORDER BY id`).all() as never[]).map((raw) => publicUser(fromRaw(raw)!));
}

export function countUsers(db: ReadableDb, role?: UserRole): number {
  const row = (role ? db.prepare('SELECT count(*) AS n FROM users WHERE role = ?').get(role) : db.prepare('SELECT count(*) AS n FROM users').get()) as { n: number };
  return row.n;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: UserRole;
  passwordHash: string;
}

export function insertUser(db: WritableDb, user: NewUser, actor: Actor, nowMs = Date.now()): UserRow {
  return runWrite(db, `Creating user ${user.username}`, () => {
    const info = db
      .prepare('INSERT INTO users (username, display_name, role, password_hash, active, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, 1, ?, ?)')
      .run(user.username, user.displayName, user.role, user.passwordHash, nowMs, nowMs);
    const row = getUserById(db, Number(info.lastInsertRowid))!;
    appendAudit(db, { actor, action: 'create', entity: 'user', entityId: row.id, newValue: { ...row, passwordSha256: sha256Hex(user.passwordHash) }, atMs: nowMs });
    return row;
  });
}

export interface UserChanges {
  displayName?: string;
  role?: UserRole;
  active?: boolean;
}

export function updateUser(db: WritableDb, id: number, changes: UserChanges, actor: Actor, nowMs = Date.now()): UserRow {
  return runWrite(db, `Updating user ${id}`, () => {
    const before = getUserById(db, id);
    if (!before) throw new Error(`User ${id} does not exist`);
    const after: UserRow = {
      ...before,
      displayName: changes.displayName ?? before.displayName,
      role: changes.role ?? before.role,
      active: changes.active ?? before.active,
      updatedAtMs: nowMs,
    };
    db.prepare('UPDATE users SET display_name = ?, role = ?, active = ?, updated_at_ms = ? WHERE id = ?').run(
      after.displayName,
      after.role,
      after.active ? 1 : 0,
      nowMs,
      id,
    );
    const changed = (['displayName', 'role', 'active'] as const).filter((k) => before[k] !== after[k]);
    if (changed.length > 0) {
      appendAudit(db, {
        actor,
        action: 'update',
        entity: 'user',
        entityId: id,
        oldValue: Object.fromEntries(changed.map((k) => [k, before[k]])),
        newValue: Object.fromEntries(changed.map((k) => [k, after[k]])),
        atMs: nowMs,
      });
    }
    return after;
  });
}

/**
 * Replaces the password hash; the audit entry records that it changed and the sha256 of the new
 * hash, never the hash. `password-rehash` is the same password re-hashed at a higher cost.
 */
export function setPasswordHash(
  db: WritableDb,
  id: number,
  passwordHash: string,
  actor: Actor,
  nowMs = Date.now(),
  action: 'password-change' | 'password-rehash' = 'password-change',
): void {
  runWrite(db, `Changing the password of user ${id}`, () => {
    db.prepare('UPDATE users SET password_hash = ?, updated_at_ms = ? WHERE id = ?').run(passwordHash, nowMs, id);
    const newValue = action === 'password-change' ? { passwordChanged: true, passwordSha256: sha256Hex(passwordHash) } : { passwordRehashed: true, passwordSha256: sha256Hex(passwordHash) };
    appendAudit(db, { actor, action, entity: 'user', entityId: id, newValue, atMs: nowMs });
  });
}
