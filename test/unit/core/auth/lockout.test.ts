/**
 * The lockout under attack: parallel guesses, wrong sign-off passwords, and the scrypt cost with
 * the upgrade of old hashes. Real SQLite, real scrypt.
 */
import { describe, expect, it } from 'vitest';
import { checkLogin, LOGIN_LOCKOUT } from '../../../../electron/core/auth/auth.service';
import { DEFAULT_COST, hashPassword, needsRehash, verifyPassword } from '../../../../electron/core/auth/password';
import { listAudit, SYSTEM_ACTOR } from '../../../../electron/core/db/audit.repo';
import { openDatabase } from '../../../../electron/core/db/connection';
import { getUserWithHash, insertUser } from '../../../../electron/core/db/user.repo';
import { verifyRecord } from '../../../../electron/core/review/record-verify';
import { recordApp, seedReadCase, tempDbPath, TEST_PASSWORD } from '../../../support/record-fixtures';

const actions = (entries: { action: string; actor: string }[], actor: string, action: string) => entries.filter((e) => e.actor === actor && e.action === action).length;
/** Password checks of `actor` that reached the hash and did not succeed (each success closes one attempt). */
const failedChecks = (entries: { action: string; actor: string }[], actor: string) =>
  actions(entries, actor, 'password-attempt') - actions(entries, actor, 'login') - actions(entries, actor, 'password-ok');

describe('login lockout', () => {
  it('locks the account after the limit even when 40 wrong passwords arrive at once, hashing no more than the limit', async () => {
    const { app } = await recordApp();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => app.handle('auth/login', { username: 'tech', password: `guess ${i}` }, { sessionId: `attacker-${i}` })),
    );
    const messages = results.map((r) => (r as { message: string }).message);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(messages.filter((m) => m === 'Wrong username or password')).toHaveLength(LOGIN_LOCKOUT.failures);
    expect(messages.filter((m) => m.startsWith('Too many failed logins for tech'))).toHaveLength(40 - LOGIN_LOCKOUT.failures);
    const audit = listAudit(app.db, { limit: 10_000 });
    expect(failedChecks(audit, 'tech')).toBe(LOGIN_LOCKOUT.failures); // only these reached the hash
    expect(actions(audit, 'tech', 'login-locked')).toBe(40 - LOGIN_LOCKOUT.failures);
    // The right password is refused too until the window passes or an admin resets it.
    expect(await app.handle('auth/login', { username: 'tech', password: TEST_PASSWORD }, { sessionId: 'real-tech' })).toMatchObject({ ok: false, message: expect.stringContaining('Too many failed logins for tech') });
    // Other accounts are not affected.
    expect(await app.handle('auth/login', { username: 'dr.house', password: TEST_PASSWORD }, { sessionId: 'doctor' })).toMatchObject({ ok: true });
    await app.close();
  });

  it('locks unknown names the same way (no hint which names exist)', async () => {
    const { app } = await recordApp();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => app.handle('auth/login', { username: 'nobody', password: `p${i}` }, { sessionId: `s${i}` })));
    expect(results.filter((r) => (r as { message: string }).message.startsWith('Too many failed logins for nobody'))).toHaveLength(12 - LOGIN_LOCKOUT.failures);
    await app.close();
  });

  it('counts attempts after the window from the window start only', async () => {
    const db = openDatabase(tempDbPath());
    insertUser(db, { username: 'ann', displayName: 'Ann', role: 'technologist', passwordHash: await hashPassword('right password', { N: 1024, r: 8, p: 1 }) }, SYSTEM_ACTOR);
    const cheap = { N: 1024, r: 8, p: 1 };
    const t0 = 1_800_000_000_000;
    for (let i = 0; i < LOGIN_LOCKOUT.failures; i++) await expect(checkLogin(db, 'ann', 'wrong', t0 + i, cheap)).rejects.toThrow('Wrong username or password');
    await expect(checkLogin(db, 'ann', 'right password', t0 + 10, cheap)).rejects.toThrow(/Too many failed logins/);
    await expect(checkLogin(db, 'ann', 'right password', t0 + LOGIN_LOCKOUT.windowMs + 10, cheap)).resolves.toMatchObject({ username: 'ann' });
    db.close();
  });
});

describe('sign-off password re-entry', () => {
  it('counts wrong passwords, then ends the session and locks the account', async () => {
    const { app, call } = await recordApp();
    const { caseId } = seedReadCase(app.db, { accessionId: 'L-1', probabilities: { golgi: 0.8 } });
    expect((await call('physician', 'review/save-draft', { caseId, labels: [{ key: 'golgi' }] })).ok).toBe(true);
    for (let i = 1; i < LOGIN_LOCKOUT.failures; i++) {
      expect(await call('physician', 'review/sign', { caseId, password: `wrong ${i}` })).toEqual({ ok: false, code: 'unauthenticated', message: 'Password incorrect: signing case L-1 was not done' });
    }
    const last = await call('physician', 'review/sign', { caseId, password: 'wrong again' });
    expect(last).toMatchObject({ ok: false, code: 'unauthenticated', message: expect.stringMatching(/Password incorrect: signing case L-1 was not done\. Too many failed logins for dr\.house.*you have been logged out/) });
    // The session is gone, and logging in again is refused while locked.
    expect(await call('physician', 'cases/list', {})).toMatchObject({ ok: false, code: 'unauthenticated' });
    expect(await app.handle('auth/login', { username: 'dr.house', password: TEST_PASSWORD }, { sessionId: 'again' })).toMatchObject({ ok: false, message: expect.stringContaining('Too many failed logins for dr.house') });
    expect((await call('admin', 'cases/get', { caseId })).value.signatures).toEqual([]);
    await app.close();
  });

  it('holds against parallel sign-off attempts', async () => {
    const { app, call } = await recordApp();
    const { caseId } = seedReadCase(app.db, { accessionId: 'L-2', probabilities: { golgi: 0.8 } });
    await call('physician', 'review/save-draft', { caseId, labels: [{ key: 'golgi' }] });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => call('physician', 'review/sign', { caseId, password: `wrong ${i}` })));
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(failedChecks(listAudit(app.db, { limit: 10_000 }), 'dr.house')).toBe(LOGIN_LOCKOUT.failures);
    expect(await call('physician', 'review/sign', { caseId, password: TEST_PASSWORD })).toMatchObject({ ok: false, code: 'unauthenticated' });
    await app.close();
  });

  it('a right password starts the count afresh', async () => {
    const { app, call } = await recordApp();
    const { caseId } = seedReadCase(app.db, { accessionId: 'L-3', probabilities: { golgi: 0.8 } });
    await call('physician', 'review/save-draft', { caseId, labels: [{ key: 'golgi' }] });
    for (let i = 1; i < LOGIN_LOCKOUT.failures; i++) await call('physician', 'review/sign', { caseId, password: `wrong ${i}` });
    expect((await call('physician', 'review/sign', { caseId, password: TEST_PASSWORD })).ok).toBe(true);
    expect(await call('physician', 'auth/change-password', { currentPassword: 'wrong', newPassword: 'a new password 2' })).toMatchObject({ ok: false, message: 'Password incorrect: changing the password was not done' });
    await app.close();
  });
});

describe('scrypt cost', () => {
  it('is N = 2^17, r = 8, p = 1 by default (and runs within Node memory limits)', async () => {
    expect(DEFAULT_COST).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    const hash = await hashPassword('a password');
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifyPassword('a password', hash)).toBe(true);
  }, 60_000);

  it('upgrades a hash made with the old N = 2^14 at the next successful login, audited, and verify still passes', async () => {
    const db = openDatabase(tempDbPath());
    const old = await hashPassword('an old password', { N: 2 ** 14, r: 8, p: 1 });
    const user = insertUser(db, { username: 'veteran', displayName: 'Dr. Veteran', role: 'physician', passwordHash: old }, SYSTEM_ACTOR);
    await expect(checkLogin(db, 'veteran', 'wrong password')).rejects.toThrow('Wrong username or password');
    expect(getUserWithHash(db, 'veteran')!.passwordHash).toBe(old); // a failed login changes nothing
    await expect(checkLogin(db, 'veteran', 'an old password')).resolves.toMatchObject({ id: user.id });
    const upgraded = getUserWithHash(db, 'veteran')!.passwordHash;
    expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifyPassword('an old password', upgraded)).toBe(true);
    expect(listAudit(db).at(-1)).toMatchObject({ action: 'password-rehash', entity: 'user', entityId: String(user.id), actor: 'system:password-upgrade' });
    expect(listAudit(db).at(-1)!.newJson).not.toContain('scrypt$');
    expect(needsRehash(upgraded)).toBe(false); // the next login leaves it alone
    expect(verifyRecord(db, { anchorPath: null })).toMatchObject({ ok: true, problems: [] });
    db.close();
  }, 60_000);
});
