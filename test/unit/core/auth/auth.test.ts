import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../../../electron/core/auth/password';
import { SessionStore } from '../../../../electron/core/auth/session-store';
import { listAudit } from '../../../../electron/core/db/audit.repo';
import { openDatabase } from '../../../../electron/core/db/connection';
import { getUserWithHash } from '../../../../electron/core/db/user.repo';
import { recordApp, seedTestUsers, tempDbPath, TEST_PASSWORD } from '../../../support/record-fixtures';

const CHEAP = { N: 1024, r: 8, p: 1 };

describe('passwords', () => {
  it('are stored as salted scrypt hashes that verify only the right password', async () => {
    const a = await hashPassword('sesame 🔑', CHEAP);
    const b = await hashPassword('sesame 🔑', CHEAP);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('sesame 🔑', a)).toBe(true);
    expect(await verifyPassword('sesame 🔐', a)).toBe(false);
    expect(await verifyPassword('sesame 🔑', 'plain:sesame 🔑')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$99999999$8$1$AAAA$AAAA')).toBe(false);
  });
});

describe('sessions', () => {
  it('end when idle too long, and when the account is deactivated', async () => {
    const db = openDatabase(tempDbPath());
    const ids = await seedTestUsers(db);
    let now = 0;
    const sessions = new SessionStore(db, { idleTimeoutMs: 1000, nowMs: () => now });
    sessions.login({ sessionId: 'a' }, ids.physician);
    now = 900;
    expect(sessions.current({ sessionId: 'a' })?.username).toBe('dr.house');
    now = 1800; // 900 ms after the last call: still fine
    expect(sessions.current({ sessionId: 'a' })).not.toBeNull();
    now = 2900;
    expect(sessions.current({ sessionId: 'a' })).toBeNull();
    expect(() => sessions.require({ sessionId: 'a' }, 'sign')).toThrow(expect.objectContaining({ code: 'unauthenticated', message: 'Log in to sign' }));
    sessions.login({ sessionId: 'b' }, ids.physician);
    db.prepare('UPDATE users SET active = 0 WHERE id = ?').run(ids.physician);
    expect(sessions.current({ sessionId: 'b' })).toBeNull();
  });
});

describe('auth channels', () => {
  it('log in, report status, log out; failures are audited without saying which part was wrong', async () => {
    const { call, app } = await recordApp();
    const ctx = { sessionId: 'fresh' };
    expect((await app.handle('auth/status', {}, ctx)) as unknown).toEqual({ ok: true, value: { user: null, needsFirstAdmin: false } });
    expect(await app.handle('auth/login', { username: 'dr.house', password: 'nope' }, ctx)).toEqual({ ok: false, code: 'unauthenticated', message: 'Wrong username or password' });
    expect(await app.handle('auth/login', { username: 'nobody', password: 'nope' }, ctx)).toEqual({ ok: false, code: 'unauthenticated', message: 'Wrong username or password' });
    const failed = listAudit(app.db).filter((e) => e.action === 'login-failed');
    expect(failed.map((e) => e.actor)).toEqual(['dr.house', 'nobody']);
    const login = await app.handle('auth/login', { username: 'dr.house', password: TEST_PASSWORD }, ctx);
    expect(login).toMatchObject({ ok: true, value: { username: 'dr.house', role: 'physician', displayName: 'Dr. Greta House' } });
    expect(await app.handle('auth/status', {}, ctx)).toMatchObject({ value: { user: { username: 'dr.house' } } });
    expect(await app.handle('auth/logout', {}, ctx)).toEqual({ ok: true, value: { loggedOut: true } });
    expect(await app.handle('cases/list', {}, ctx)).toMatchObject({ ok: false, code: 'unauthenticated' });
    expect(listAudit(app.db).map((e) => e.action)).toEqual(expect.arrayContaining(['login', 'logout']));
    expect((await call('technologist', 'cases/list', {})).ok).toBe(true);
  });

  it('locks a name after repeated failed logins until the window passes or an admin resets the password', async () => {
    const { call, app, ids } = await recordApp();
    const ctx = { sessionId: 'guess' };
    for (let i = 0; i < 5; i++) expect(await app.handle('auth/login', { username: 'tech', password: `guess ${i}` }, ctx)).toMatchObject({ ok: false, message: 'Wrong username or password' });
    expect(await app.handle('auth/login', { username: 'tech', password: TEST_PASSWORD }, ctx)).toMatchObject({ ok: false, code: 'unauthenticated', message: expect.stringContaining('Too many failed logins for tech') });
    expect(listAudit(app.db).at(-1)).toMatchObject({ action: 'login-locked', actor: 'tech' });
    expect(await app.handle('auth/login', { username: 'dr.house', password: TEST_PASSWORD }, ctx)).toMatchObject({ ok: true });
    expect((await call('admin', 'users/reset-password', { userId: ids.technologist, newPassword: 'a new password' })).ok).toBe(true);
    await new Promise((done) => setTimeout(done, 5));
    expect(await app.handle('auth/login', { username: 'tech', password: 'a new password' }, ctx)).toMatchObject({ ok: true });
  });

  it('a deactivated account cannot log in', async () => {
    const { call, app, ids } = await recordApp();
    expect((await call('admin', 'users/update', { userId: ids.technologist, active: false })).ok).toBe(true);
    expect(await call('technologist', 'cases/list', {})).toMatchObject({ ok: false, code: 'unauthenticated' });
    expect(await app.handle('auth/login', { username: 'tech', password: TEST_PASSWORD }, { sessionId: 'x' })).toMatchObject({ ok: false, message: 'The account tech is deactivated' });
  });

  it('creates the first admin only on an empty record, and logs them in', async () => {
    const { createApp } = await import('../../../../electron/core/app');
    const app = await createApp({ dbPath: tempDbPath(), modelDir: '/none', version: 't', log: () => {} });
    const ctx = { sessionId: 'first' };
    expect(await app.handle('auth/status', {}, ctx)).toEqual({ ok: true, value: { user: null, needsFirstAdmin: true } });
    expect(await app.handle('auth/create-first-admin', { username: 'root', displayName: 'Lab IT', password: 'short' }, ctx)).toMatchObject({ ok: false, code: 'bad-request', message: expect.stringContaining('at least 8 characters') });
    const created = await app.handle('auth/create-first-admin', { username: 'root', displayName: 'Lab IT', password: 'long enough pw' }, ctx);
    expect(created).toMatchObject({ ok: true, value: { username: 'root', role: 'admin' } });
    expect(await app.handle('auth/status', {}, ctx)).toMatchObject({ value: { user: { username: 'root' }, needsFirstAdmin: false } });
    expect(await app.handle('auth/create-first-admin', { username: 'root2', displayName: 'Intruder', password: 'long enough pw' }, { sessionId: 'other' })).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringContaining('already has users') });
    expect(getUserWithHash(app.db, 'root2')).toBeUndefined();
    await app.close();
  });

  it('changes one\'s own password only with the current one', async () => {
    const { call, app } = await recordApp();
    expect(await call('technologist', 'auth/change-password', { currentPassword: 'wrong', newPassword: 'new password 1' })).toMatchObject({ ok: false, code: 'unauthenticated' });
    expect(await call('technologist', 'auth/change-password', { currentPassword: TEST_PASSWORD, newPassword: 'new password 1' })).toEqual({ ok: true, value: { changed: true } });
    expect(await app.handle('auth/login', { username: 'tech', password: 'new password 1' }, { sessionId: 'n' })).toMatchObject({ ok: true });
    const entry = listAudit(app.db).find((e) => e.action === 'password-change')!;
    expect(JSON.parse(entry.newJson!)).toEqual({ passwordChanged: true, passwordSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(listAudit(app.db))).not.toContain('scrypt$');
  });
});

describe('users administration', () => {
  it('is for admins only', async () => {
    const { call, ids } = await recordApp();
    for (const who of ['physician', 'technologist', 'anonymous'] as const) {
      for (const [channel, request] of [
        ['users/list', {}],
        ['users/create', { username: 'x', displayName: 'X', role: 'physician', password: 'password1' }],
        ['users/update', { userId: ids.technologist, role: 'admin' }],
        ['users/reset-password', { userId: ids.admin, newPassword: 'password1' }],
        ['audit/list', {}],
        ['audit/verify', {}],
      ] as const) {
        const result = await call(who, channel, request);
        expect(result, `${who} ${channel}`).toMatchObject({ ok: false, code: who === 'anonymous' ? 'unauthenticated' : 'forbidden' });
      }
    }
  });

  it('creates, changes, deactivates and resets accounts, audited with old and new values; never deletes', async () => {
    const { call, app, ids } = await recordApp();
    const created = await call('admin', 'users/create', { username: 'dr.new', displayName: 'Dr. New', role: 'physician', password: 'password1' });
    expect(created).toMatchObject({ ok: true, value: { username: 'dr.new', role: 'physician', active: true } });
    expect(await call('admin', 'users/create', { username: 'dr.new', displayName: 'Again', role: 'physician', password: 'password1' })).toMatchObject({ ok: false, code: 'conflict', message: "A user named 'dr.new' already exists" });
    const updated = await call('admin', 'users/update', { userId: created.value.id, role: 'technologist', displayName: 'New, Tech' });
    expect(updated.value).toMatchObject({ role: 'technologist', displayName: 'New, Tech' });
    const entry = listAudit(app.db).filter((e) => e.entity === 'user' && e.action === 'update').at(-1)!;
    expect(JSON.parse(entry.oldJson!)).toEqual({ role: 'physician', displayName: 'Dr. New' });
    expect(JSON.parse(entry.newJson!)).toEqual({ role: 'technologist', displayName: 'New, Tech' });
    expect(await call('admin', 'users/update', { userId: ids.admin, active: false })).toMatchObject({ ok: false, code: 'conflict', message: expect.stringContaining('last active administrator') });
    expect((await call('admin', 'users/reset-password', { userId: ids.physician, newPassword: 'fresh password' })).ok).toBe(true);
    expect(await call('physician', 'cases/list', {})).toMatchObject({ ok: false, code: 'unauthenticated' });
    expect((await call('admin', 'users/list', {})).value.map((u: { username: string }) => u.username)).toEqual(['admin', 'dr.house', 'tech', 'dr.new']);
    expect(await call('admin', 'audit/verify', {})).toMatchObject({ ok: true, value: { ok: true, problems: [] } });
  });
});
