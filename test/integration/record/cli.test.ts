/** `ana audit verify`, `ana db backup` and `ana users create-admin` as an operator runs them. */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditCommand } from '../../../electron/cli/commands/audit';
import { dbCommand } from '../../../electron/cli/commands/db';
import { usersCommand } from '../../../electron/cli/commands/users';
import { openDatabase, openUnmigrated, SCHEMA_VERSION } from '../../../electron/core/db/connection';
import { listAudit } from '../../../electron/core/db/audit.repo';
import { listCases } from '../../../electron/core/db/case.repo';
import { projectRoot } from '../../../electron/core/paths';
import { dropRecordGuards, recordApp, seedReadCase, tempDbPath, TEST_PASSWORD } from '../../support/record-fixtures';
import { runCommand } from '../../support/cli-run';
import { anaChild } from '../../support/ana-cli';

/** Spawns the real CLI (wiring, exit codes); slow, so used for a few checks. */
function anaProcess(args: string[], input?: string) {
  const result = anaChild(args, { cwd: projectRoot(), input, env: { ...process.env, ANA_ADMIN_PASSWORD: '' } });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

/** Runs a command in this process with the CLI's error-to-exit-code rules. */
async function ana(args: string[], env: { password?: string } = {}) {
  const command = [auditCommand, dbCommand, usersCommand].find((c) => c.name === args[0])!;
  process.env.ANA_ADMIN_PASSWORD = env.password ?? '';
  try {
    return await runCommand(command, args.slice(1));
  } finally {
    delete process.env.ANA_ADMIN_PASSWORD;
  }
}

let signedDb: string;

/** A record with two signed cases (one amended), copied afresh for each tamper test. */
beforeAll(async () => {
  const { app, call } = await recordApp();
  for (const accession of ['C-1', 'C-2']) {
    const { caseId } = seedReadCase(app.db, { accessionId: accession, probabilities: { homogeneous: 0.9 } });
    await call('physician', 'review/save-draft', { caseId, labels: [{ key: 'homogeneous' }] });
    await call('physician', 'review/sign', { caseId, password: TEST_PASSWORD });
  }
  await call('physician', 'review/amend', { caseId: 1, labels: [], reason: 'negative on re-read', password: TEST_PASSWORD });
  app.db.pragma('wal_checkpoint(TRUNCATE)');
  signedDb = app.db.name;
  await app.close();
});

function tamperedCopy(sql: string): string {
  const path = tempDbPath('ana-tamper-');
  copyFileSync(signedDb, path);
  const raw = openUnmigrated(path);
  raw.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DROP TRIGGER audit_extends_head;');
  dropRecordGuards(raw);
  raw.exec(sql);
  raw.close();
  return path;
}

describe('ana audit verify', () => {
  it('passes an untouched record (exit 0) and fails a tampered one (exit 1), as a process', () => {
    const good = anaProcess(['audit', 'verify', '--db', signedDb]);
    expect(good.out).toMatch(/^OK: .* \d+ audit entries, hash chain intact; 3 signature\(s\) match/);
    expect(good.code).toBe(0);
    const bad = anaProcess(['audit', 'verify', '--db', tamperedCopy('UPDATE audit_log SET at_ms = at_ms + 1 WHERE id = 3')]);
    expect(bad.out).toContain('TAMPERING FOUND');
    expect(bad.out).toContain('audit row 3 ');
    expect(bad.code).toBe(1);
  });

  it('fails and names the row for an edited, a deleted and a reordered audit entry', async () => {
    const db = openDatabase(signedDb, { readonly: true });
    const entries = listAudit(db);
    db.close();
    const sign = entries.find((e) => e.action === 'sign')!;

    const edited = await ana(['audit', 'verify', '--db', tamperedCopy(`UPDATE audit_log SET actor = 'someone else' WHERE id = ${sign.id}`)]);
    expect(edited.code).toBe(1);
    expect(edited.out).toContain(`audit row ${sign.id} (sign signature 1): content does not match its hash (edited)`);

    const deleted = await ana(['audit', 'verify', '--db', tamperedCopy(`DELETE FROM audit_log WHERE id = ${sign.id}`)]);
    expect(deleted.code).toBe(1);
    expect(deleted.out).toContain(`audit row ${sign.id + 1}: expected id ${sign.id}`);
    expect(deleted.out).toContain(`audit row ${sign.id + 1}: does not follow row ${sign.id - 1}`);

    const swapped = await ana([
      'audit',
      'verify',
      '--db',
      tamperedCopy(`UPDATE audit_log SET id = -1 WHERE id = 5; UPDATE audit_log SET id = 5 WHERE id = 6; UPDATE audit_log SET id = 6 WHERE id = -1;`),
    ]);
    expect(swapped.code).toBe(1);
    expect(swapped.out).toContain('audit row 5: does not follow row 4');
    expect(swapped.out).toContain('audit row 6: does not follow row 5');
  });

  it('fails when signed content was changed behind the signature', async () => {
    const { code, out } = await ana(['audit', 'verify', '--db', tamperedCopy(`UPDATE decisions SET comment = 'added later' WHERE id = 1`)]);
    expect(code).toBe(1);
    expect(out).toContain('signature 1 (case 1): the record changed after signing (decision)');
  });

  it('refuses a database from a newer schema without changing it', async () => {
    const path = tempDbPath('ana-newer-');
    copyFileSync(signedDb, path);
    const raw = openUnmigrated(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const { code, out } = await ana(['audit', 'verify', '--db', path]);
    expect(code).toBe(1);
    expect(out).toContain('newer than this application understands');
  });
});

describe('ana db backup', () => {
  it('copies the record online while another connection writes, and checks the copy', async () => {
    const path = tempDbPath('ana-live-');
    copyFileSync(signedDb, path);
    copyFileSync(`${signedDb}.audit-anchor`, `${path}.audit-anchor`);
    const live = openDatabase(path);
    seedReadCase(live, { accessionId: 'LIVE-1' }); // uncheckpointed WAL content must be in the copy
    const to = join(tempDbPath('ana-bk-'), '..', 'copy.db');
    const { code, out } = await ana(['db', 'backup', '--db', path, '--to', to]);
    expect(out).toMatch(/Backed up .* 3 case\(s\), \d+ audit entries; the copy passed the integrity check/);
    expect(code).toBe(0);
    live.close();
    const copy = openDatabase(to, { readonly: true });
    expect(listCases(copy).map((c) => c.accessionId).sort()).toEqual(['C-1', 'C-2', 'LIVE-1']);
    copy.close();
    // The anchor went along: the record's signing anchors, then the copy's own verification.
    const anchors = readFileSync(`${to}.audit-anchor`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string });
    expect(anchors.slice(0, 3).map((a) => a.event)).toEqual(['sign', 'sign', 'amend']);
    expect(anchors.at(-1)).toMatchObject({ event: 'verify', verified: true });
    const again = await ana(['db', 'backup', '--db', path, '--to', to]);
    expect(again.code).toBe(1);
    expect(again.out).toContain('already exists');
  });
});

describe('ana users create-admin', () => {
  it('creates the first administrator from a password on stdin, once', async () => {
    const path = tempDbPath('ana-admin-');
    expect(await ana(['users', 'create-admin', '--db', path, '--username', 'root', '--name', 'Lab IT'], { password: 'short' })).toMatchObject({ code: 2, out: expect.stringContaining('password: must be at least 8 characters') });
    expect(existsSync(path)).toBe(false);
    const created = anaProcess(['users', 'create-admin', '--db', path, '--username', 'root', '--name', 'Lab IT'], 'a long secret\n');
    expect(created).toMatchObject({ code: 0, out: expect.stringContaining('Created administrator root') });
    const second = await ana(['users', 'create-admin', '--db', path, '--username', 'other', '--name', 'Other'], { password: 'a long secret' });
    expect(second).toMatchObject({ code: 1, out: expect.stringContaining('already has users') });
    expect((await ana(['users', 'list', '--db', path])).out).toMatch(/^1\troot\tadmin\tactive\tLab IT/);
  });
});
