/**
 * The tamper suite: what someone with the database file and a plain SQLite client could do to a
 * signed record, one test per attack. Each attack is run on a fresh copy of the record's data
 * folder (database and audit anchor, as they lie on the lab PC) and must be either refused by the
 * database itself or found by `ana audit verify` (exit 1, the row or object named).
 *
 * Attacks that the database's triggers would refuse drop those triggers first, as such a person
 * would; the attacks marked `refused` run with every trigger in place.
 */
import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditCommand } from '../../../electron/cli/commands/audit';
import { openDatabase, openUnmigrated, type WritableDb } from '../../../electron/core/db/connection';
import { auditEntryHash, listAudit, SYSTEM_ACTOR, type AuditEntry } from '../../../electron/core/db/audit.repo';
import { canonicalJson, sha256Hex } from '../../../electron/core/db/canonical-json';
import { hashPassword } from '../../../electron/core/auth/password';
import { exportDay } from '../../../electron/core/reports/day-export';
import { verifyRecord } from '../../../electron/core/review/record-verify';
import { resolveReportSettings } from '../../../electron/core/reports/report-settings';
import { recordApp, seedReadCase } from '../../support/record-fixtures';
import { runCommand } from '../../support/cli-run';
import { tempDir } from '../../support/temp-dir';

/** `ana audit verify` in this process. */
function verify(path: string, extra: string[] = []): Promise<{ code: number; out: string }> {
  return runCommand(auditCommand, ['verify', '--db', path, ...extra]);
}

let pristineDir: string;
const DB_FILE = 'ana.db';

interface RecordFacts {
  auditRows: number;
  signRow: AuditEntry;
  hl7ReportId: number;
  pdfReportId: number;
  exportId: number;
  signatureIds: number[];
  /** A password hash whose password the attacker knows. */
  knownHash: string;
}
let facts: RecordFacts;

/**
 * A record as a lab would have it at the end of a day: three users, two cases signed (one of them
 * amended), a third in review, the day's HL7 reports stored and exported to the outbox, an admin
 * change, and the closing `ana audit verify`.
 */
beforeAll(async () => {
  const { app, call, ids } = await recordApp();
  for (const accession of ['C-1', 'C-2', 'C-3']) {
    const { caseId } = seedReadCase(app.db, { accessionId: accession, probabilities: { homogeneous: 0.9 } });
    await call('physician', 'review/save-draft', { caseId, labels: [{ key: 'homogeneous' }], comment: '' });
    if (accession !== 'C-3') expect((await call('physician', 'review/sign', { caseId, password: 'correct horse battery' })).ok).toBe(true);
  }
  expect((await call('physician', 'review/amend', { caseId: 1, labels: [], comment: '', reason: 'negative on re-read', password: 'correct horse battery' })).ok).toBe(true);
  const outbox = tempDir('ana-tamper-outbox-');
  const today = new Date().toISOString().slice(0, 10);
  await exportDay(app.db, { date: today, format: 'hl7', outboxDir: outbox }, SYSTEM_ACTOR, { settings: resolveReportSettings({ timeZone: 'UTC' }) });
  expect((await call('admin', 'users/update', { userId: ids.technologist, displayName: 'Tom T. Tech' })).ok).toBe(true);
  // The day ends with entries that change no object (a failed login, a logout): only the anchor pins them.
  expect((await app.handle('auth/login', { username: 'tech', password: 'typo' }, { sessionId: 'late' })).ok).toBe(false);
  expect((await call('technologist', 'auth/logout', {})).ok).toBe(true);
  app.db.pragma('wal_checkpoint(TRUNCATE)');
  const path = app.db.name;
  await app.close();
  pristineDir = dirname(path);
  expect(await verify(path)).toMatchObject({ code: 0 }); // the day's closing check (anchors the head)

  const db = openDatabase(path, { readonly: true });
  const audit = listAudit(db, { limit: 100_000 });
  const report = (format: string) => (db.prepare('SELECT id FROM reports WHERE format = ? ORDER BY id DESC LIMIT 1').get(format) as { id: number } | undefined)?.id ?? 0;
  facts = {
    auditRows: audit.length,
    signRow: audit.find((e) => e.action === 'sign')!,
    hl7ReportId: report('hl7'),
    pdfReportId: report('pdf'),
    exportId: (db.prepare('SELECT max(id) AS id FROM report_exports').get() as { id: number }).id,
    signatureIds: (db.prepare('SELECT id FROM signatures ORDER BY id').all() as { id: number }[]).map((r) => r.id),
    knownHash: await hashPassword('the attacker knows this one', { N: 1024, r: 8, p: 1 }),
  };
  db.close();
  expect(facts.hl7ReportId).toBeGreaterThan(0);
  expect(facts.pdfReportId).toBeGreaterThan(0);
  expect(facts.exportId).toBeGreaterThan(0);
  expect(facts.signatureIds).toEqual([1, 2, 3]);
});

/** A fresh copy of the whole data folder (database and whatever lies beside it). */
function copyOfRecord(): string {
  const dir = tempDir('ana-tamper-');
  for (const name of readdirSync(pristineDir)) if (name.startsWith(DB_FILE)) cpSync(join(pristineDir, name), join(dir, name));
  return join(dir, DB_FILE);
}

const ALL_TRIGGERS = "SELECT name FROM sqlite_master WHERE type = 'trigger'";

function dropAllTriggers(db: WritableDb): void {
  for (const { name } of db.prepare(ALL_TRIGGERS).all() as { name: string }[]) db.exec(`DROP TRIGGER "${name}"`);
}

/** Rewrites the audit log's hashes from row `fromId` on, as an attacker who knows the scheme would. */
function rehashFrom(db: WritableDb, fromId: number): void {
  const rows = listAudit(db, { limit: 100_000 });
  let prev = rows.find((r) => r.id === fromId - 1)?.hash ?? '0'.repeat(64);
  for (const row of rows.filter((r) => r.id >= fromId)) {
    const hash = auditEntryHash({ ...row, prevHash: prev });
    db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?').run(prev, hash, row.id);
    prev = hash;
  }
}

/** Appends a well-formed audit entry at the head, so the chain itself stays intact. */
function appendForged(db: WritableDb, entry: Pick<AuditEntry, 'action' | 'entity' | 'entityId' | 'caseId' | 'newJson'>): void {
  const head = db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string };
  const row = { id: head.id + 1, atMs: Date.now(), userId: null, actor: 'system', oldJson: null, prevHash: head.hash, ...entry };
  db.prepare(
    `INSERT INTO audit_log (id, at_ms, user_id, actor, action, entity, entity_id, case_id, old_json, new_json, prev_hash, hash)
     VALUES (@id, @atMs, @userId, @actor, @action, @entity, @entityId, @caseId, @oldJson, @newJson, @prevHash, @hash)`,
  ).run({ ...row, hash: auditEntryHash(row) });
}

interface Attack {
  name: string;
  /** Drop every trigger first (someone with file access can). */
  dropTriggers?: boolean;
  tamper: (db: WritableDb) => void;
  /** What verify must name (the row or object), or, for `refused`, the database's refusal (lazy: ids are known after seeding). */
  finding: RegExp | (() => RegExp);
  /** The database itself refuses the change, with its triggers in place. */
  refused?: boolean;
}

const truncate = (n: number): Attack => ({
  name: `truncate the last ${n} audit row(s)`,
  dropTriggers: true,
  tamper: (db) => db.prepare('DELETE FROM audit_log WHERE id > ?').run(facts.auditRows - n),
  finding: () => new RegExp(`the audit log ends at row ${facts.auditRows - n}, but the anchor .* recorded ${facts.auditRows} rows`),
});

const ATTACKS: Attack[] = [
  {
    name: 'edit an audit row (actor of the first signing)',
    dropTriggers: true,
    tamper: (db) => db.prepare("UPDATE audit_log SET actor = 'someone else' WHERE id = ?").run(facts.signRow.id),
    finding: () => new RegExp(`audit row ${facts.signRow.id} \\(sign signature 1\\): content does not match its hash`),
  },
  {
    name: "edit an audit row's recorded values",
    dropTriggers: true,
    tamper: (db) => db.prepare(`UPDATE audit_log SET new_json = json_set(new_json, '$.signerName', 'Dr. Someone Else') WHERE id = ?`).run(facts.signRow.id),
    finding: () => new RegExp(`audit row ${facts.signRow.id} \\(sign signature 1\\): content does not match its hash`),
  },
  {
    name: 'delete an audit row',
    dropTriggers: true,
    tamper: (db) => db.prepare('DELETE FROM audit_log WHERE id = ?').run(facts.signRow.id),
    finding: () => new RegExp(`audit row ${facts.signRow.id + 1}: expected id ${facts.signRow.id}`),
  },
  {
    name: 'reorder two audit rows',
    dropTriggers: true,
    tamper: (db) => db.exec('UPDATE audit_log SET id = -1 WHERE id = 5; UPDATE audit_log SET id = 5 WHERE id = 6; UPDATE audit_log SET id = 6 WHERE id = -1;'),
    finding: /audit row 5: does not follow row 4/,
  },
  {
    name: 'insert a row into the middle of the log (later ids shifted)',
    dropTriggers: true,
    tamper: (db) => {
      db.exec('UPDATE audit_log SET id = id + 1000000 WHERE id >= 10; UPDATE audit_log SET id = id - 1000000 + 1 WHERE id >= 1000000;');
      db.prepare(
        `INSERT INTO audit_log (id, at_ms, user_id, actor, action, entity, entity_id, case_id, old_json, new_json, prev_hash, hash)
         SELECT 10, at_ms, user_id, actor, 'note', 'case', entity_id, case_id, NULL, '{"note":"forged"}', hash, hash FROM audit_log WHERE id = 9`,
      ).run();
    },
    finding: /audit row 10 \(note case .*\): content does not match its hash/,
  },
  {
    name: 'edit an audit row and re-hash the chain after it',
    dropTriggers: true,
    tamper: (db) => {
      db.prepare(`UPDATE audit_log SET new_json = json_set(new_json, '$.signerName', 'Dr. Someone Else') WHERE id = ?`).run(facts.signRow.id);
      rehashFrom(db, facts.signRow.id);
    },
    finding: /audit row \d+ does not match the anchor .* \(the log was rewritten\)/,
  },
  truncate(1),
  truncate(2),
  truncate(3),
  truncate(4),
  {
    name: 'empty the audit log',
    dropTriggers: true,
    tamper: (db) => db.exec('DELETE FROM audit_log'),
    finding: /signature 1 has no creation entry in the audit log/,
  },
  {
    name: 'append a well-chained entry for a signature that does not exist',
    dropTriggers: true,
    tamper: (db) => appendForged(db, { action: 'sign', entity: 'signature', entityId: '99', caseId: 3, newJson: canonicalJson({ id: 99, caseId: 3 }) }),
    finding: /signature 99: audit row \d+ \(sign\) records it, but it is missing from the record/,
  },
  {
    name: 'delete a signature, reset its decision to draft and the case to in review, delete its reports',
    dropTriggers: true,
    tamper: (db) => {
      const sig = db.prepare('SELECT id, case_id AS caseId, decision_id AS decisionId FROM signatures WHERE id = 2').get() as { id: number; caseId: number; decisionId: number };
      db.prepare('DELETE FROM report_exports WHERE report_id IN (SELECT id FROM reports WHERE signature_id = ?)').run(sig.id);
      db.prepare('DELETE FROM reports WHERE signature_id = ?').run(sig.id);
      db.prepare('DELETE FROM signatures WHERE id = ?').run(sig.id);
      db.prepare("UPDATE decisions SET state = 'draft' WHERE id = ?").run(sig.decisionId);
      db.prepare("UPDATE cases SET status = 'in_review' WHERE id = ?").run(sig.caseId);
    },
    finding: /signature 2: audit row \d+ \(sign\) records it, but it is missing from the record/,
  },
  {
    name: 'reset a signed case to in review (signature kept)',
    dropTriggers: true,
    tamper: (db) => db.exec("UPDATE cases SET status = 'in_review' WHERE id = 2"),
    finding: /case 2: status is "in_review" in the record, but "signed" per audit row \d+/,
  },
  {
    name: 'reset a signed decision to draft',
    dropTriggers: true,
    tamper: (db) => db.exec("UPDATE decisions SET state = 'draft' WHERE id = (SELECT decision_id FROM signatures WHERE id = 2)"),
    finding: /decision \d+: state is "draft" in the record, but "signed" per audit row \d+/,
  },
  {
    name: 'change the comment of a signed decision',
    dropTriggers: true,
    tamper: (db) => db.exec("UPDATE decisions SET comment = 'added later' WHERE id = (SELECT decision_id FROM signatures WHERE id = 2)"),
    finding: /signature 2 \(case 2\): the record changed after signing \(decision\)/,
  },
  {
    name: "change a signature's printed name and content hash",
    dropTriggers: true,
    tamper: (db) => db.exec("UPDATE signatures SET signer_name = 'Dr. Someone Else', content_sha256 = '" + 'a'.repeat(64) + "' WHERE id = 2"),
    finding: /signature 2 \(case 2\): the stored signed content does not match its sha256/,
  },
  {
    name: 'insert a signature with no audit entry',
    dropTriggers: true,
    tamper: (db) =>
      db.exec(`INSERT INTO signatures (case_id, decision_id, signer_id, signer_name, meaning, signed_at_ms, content_json, content_sha256, supersedes_id)
               SELECT 3, (SELECT id FROM decisions WHERE case_id = 3), signer_id, signer_name, meaning, signed_at_ms, content_json, content_sha256, NULL FROM signatures WHERE id = 2`),
    finding: /signature 4 has no creation entry in the audit log/,
  },
  {
    name: 'alter the bytes of a stored PDF report (sha256 column left as it was)',
    dropTriggers: true,
    tamper: (db) => db.prepare("UPDATE reports SET bytes = CAST(replace(CAST(bytes AS TEXT), 'PDF', 'PDX') AS BLOB) WHERE id = ?").run(facts.pdfReportId),
    finding: () => new RegExp(`report ${facts.pdfReportId} \\(.*\\.pdf\\): the stored bytes do not match their sha256`),
  },
  {
    name: 'alter the bytes of a stored HL7 report (sha256 column left as it was)',
    dropTriggers: true,
    tamper: (db) => db.prepare("UPDATE reports SET bytes = CAST(replace(CAST(bytes AS TEXT), 'ORU^R01', 'ORU^R99') AS BLOB) WHERE id = ?").run(facts.hl7ReportId),
    finding: () => new RegExp(`report ${facts.hl7ReportId} \\(.*\\.hl7\\): the stored bytes do not match their sha256`),
  },
  {
    name: 'alter the bytes of a stored HL7 report and its sha256 column',
    dropTriggers: true,
    tamper: (db) => {
      db.prepare("UPDATE reports SET bytes = CAST(bytes || 'OBX|9|TX|||forged' AS BLOB) WHERE id = ?").run(facts.hl7ReportId);
      const { bytes } = db.prepare('SELECT bytes FROM reports WHERE id = ?').get(facts.hl7ReportId) as { bytes: Buffer };
      db.prepare('UPDATE reports SET sha256 = ? WHERE id = ?').run(sha256Hex(bytes), facts.hl7ReportId);
    },
    finding: () => new RegExp(`report ${facts.hl7ReportId}: sha256 is .* in the record, but .* per audit row \\d+`),
  },
  {
    name: 'delete a report row',
    dropTriggers: true,
    tamper: (db) => {
      db.pragma('foreign_keys = OFF'); // the amended report's predecessor points at it
      db.prepare('DELETE FROM reports WHERE id = ?').run(facts.pdfReportId);
    },
    finding: () => new RegExp(`report ${facts.pdfReportId}: audit row \\d+ \\(create\\) records it, but it is missing from the record`),
  },
  {
    name: 'delete an export-log row',
    dropTriggers: true,
    tamper: (db) => db.prepare('DELETE FROM report_exports WHERE id = ?').run(facts.exportId),
    finding: () => new RegExp(`report-export ${facts.exportId}: audit row \\d+ \\(export\\) records it, but it is missing from the record`),
  },
  {
    name: 'rewrite an export-log row (other destination)',
    dropTriggers: true,
    tamper: (db) => db.prepare("UPDATE report_exports SET destination = '/elsewhere/x.hl7' WHERE id = ?").run(facts.exportId),
    finding: () => new RegExp(`report-export ${facts.exportId}: destination is "/elsewhere/x.hl7" in the record`),
  },
  {
    name: "change a user's role to admin (triggers in place)",
    tamper: (db) => db.exec("UPDATE users SET role = 'admin' WHERE username = 'tech'"),
    finding: /user 3: role is "admin" in the record, but "technologist" per audit row \d+/,
  },
  {
    name: "swap a user's password hash for a known one (triggers in place)",
    tamper: (db) => db.prepare("UPDATE users SET password_hash = ? WHERE username = 'dr.house'").run(facts.knownHash),
    finding: /user 2: the password hash is not the one recorded by audit row \d+/,
  },
  {
    name: "change a user's printed name by hand (triggers in place)",
    tamper: (db) => db.exec("UPDATE users SET display_name = 'Dr. G. House' WHERE username = 'dr.house'"),
    finding: /user 2: displayName is "Dr. G. House" in the record, but "Dr. Greta House" per audit row \d+/,
  },
  {
    name: 'drop one protective trigger',
    tamper: (db) => db.exec('DROP TRIGGER signatures_no_delete'),
    finding: /protection missing: trigger signatures_no_delete/,
  },
  {
    name: 'alter a protective trigger so it never fires',
    tamper: (db) => db.exec("DROP TRIGGER audit_no_delete; CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log WHEN 0 BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"),
    finding: /protection altered: trigger audit_no_delete/,
  },
  {
    name: 'drop every trigger',
    dropTriggers: true,
    tamper: () => {},
    finding: /protection missing: trigger audit_no_update/,
  },
  {
    name: 'add a trigger that rewrites new signatures',
    tamper: (db) => db.exec("CREATE TRIGGER zz_rewrite AFTER INSERT ON signatures BEGIN UPDATE cases SET patient_name = 'x' WHERE 0; END;"),
    finding: /unexpected trigger zz_rewrite/,
  },
  {
    name: 'edit an audit row with the triggers in place',
    refused: true,
    tamper: (db) => db.exec("UPDATE audit_log SET actor = 'x' WHERE id = 3"),
    finding: /the audit log is append-only/,
  },
  {
    name: 'delete the last audit rows with the triggers in place',
    refused: true,
    tamper: (db) => db.exec('DELETE FROM audit_log WHERE id > 10'),
    finding: /the audit log is append-only/,
  },
  {
    name: 'append an audit row that does not extend the head, triggers in place',
    refused: true,
    tamper: (db) =>
      db.exec(`INSERT INTO audit_log (id, at_ms, actor, action, entity, prev_hash, hash)
               SELECT max(id) + 1, 0, 'x', 'note', 'case', '${'0'.repeat(64)}', '${'0'.repeat(64)}' FROM audit_log`),
    finding: /an audit entry must extend the head of the chain/,
  },
  {
    name: 'delete a signature with the triggers in place',
    refused: true,
    tamper: (db) => db.exec('DELETE FROM signatures WHERE id = 2'),
    finding: /signatures cannot be deleted/,
  },
  {
    name: 'alter stored report bytes with the triggers in place',
    refused: true,
    tamper: (db) => db.prepare("UPDATE reports SET bytes = X'00' WHERE id = ?").run(facts.hl7ReportId),
    finding: /a report cannot be changed/,
  },
  {
    name: 'delete an export-log row with the triggers in place',
    refused: true,
    tamper: (db) => db.prepare('DELETE FROM report_exports WHERE id = ?').run(facts.exportId),
    finding: /the export log is append-only/,
  },
];

describe('tamper suite', () => {
  it('the untouched record passes ana audit verify', async () => {
    const result = await verify(copyOfRecord());
    expect(result.out).toMatch(/^OK: /);
    expect(result.code).toBe(0);
  });

  for (const [index, attack] of ATTACKS.entries()) {
    it(`attack ${index + 1}: ${attack.name}`, async () => {
      const finding = typeof attack.finding === 'function' ? attack.finding() : attack.finding;
      const path = copyOfRecord();
      const raw = openUnmigrated(path);
      try {
        if (attack.dropTriggers) dropAllTriggers(raw);
        if (attack.refused) {
          expect(() => attack.tamper(raw)).toThrow(finding);
          return;
        }
        attack.tamper(raw);
      } finally {
        raw.close();
      }
      const result = await verify(path);
      expect(result.code, `${attack.name}: not detected:\n${result.out}`).toBe(1);
      expect(result.out).toMatch(finding);
    });
  }
});

describe('the anchor', () => {
  it('is printed by verify, and a copy kept elsewhere still catches a cut-off tail when the one beside the database is removed', async () => {
    const path = copyOfRecord();
    const good = await verify(path);
    expect(good.out).toMatch(new RegExp(`Chain head: row ${facts.auditRows} [0-9a-f]{64}`));
    expect(good.out).toContain(`Anchor file: ${path}.audit-anchor (`);
    const elsewhere = join(tempDir('ana-anchor-copy-'), 'ana.db.audit-anchor');
    cpSync(`${path}.audit-anchor`, elsewhere);

    // Cut off the last two entries and put the triggers back exactly as they were.
    const pristine = openDatabase(join(pristineDir, DB_FILE), { readonly: true });
    const triggers = pristine.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger'").all() as { sql: string }[];
    pristine.close();
    const raw = openUnmigrated(path);
    dropAllTriggers(raw);
    raw.prepare('DELETE FROM audit_log WHERE id > ?').run(facts.auditRows - 2);
    for (const { sql } of triggers) raw.exec(sql);
    raw.close();
    rmSync(`${path}.audit-anchor`);

    const alone = await verify(path);
    expect(alone.code).toBe(0); // the limit: nothing on this PC remembers the removed entries
    expect(alone.out).toContain('there was no earlier anchor to check against');
    const withCopy = await verify(path, ['--anchor', elsewhere]);
    expect(withCopy.code).toBe(1);
    expect(withCopy.out).toMatch(new RegExp(`the audit log ends at row ${facts.auditRows - 2}, but the anchor .* recorded ${facts.auditRows} rows: rows ${facts.auditRows - 1}..${facts.auditRows} were cut off`));
  });
});

describe('the anchor file', () => {
  it('gets a line at every signing, amendment and verification', () => {
    const lines = readFileSync(join(pristineDir, `${DB_FILE}.audit-anchor`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; entries: number });
    expect(lines.map((l) => l.event)).toEqual(['sign', 'sign', 'amend', 'verify']);
    expect(lines.at(-1)).toMatchObject({ event: 'verify', entries: facts.auditRows, verified: true });
  });

  it('need not be writable to verify a copy (e.g. on a read-only share)', async () => {
    const path = copyOfRecord();
    const db = openDatabase(path, { readonly: true });
    const result = verifyRecord(db, { anchorPath: join(path, 'not-a-folder', 'x.audit-anchor') });
    db.close();
    expect(result).toMatchObject({ ok: true, anchorNotWritten: expect.stringContaining('Cannot write the audit anchor') });
  });
});

describe('a record whose protections were removed', () => {
  function withoutTrigger(name: string): string {
    const path = copyOfRecord();
    const raw = openUnmigrated(path);
    raw.exec(`DROP TRIGGER ${name}`);
    raw.close();
    return path;
  }

  it('is refused for writing by the app and the CLI, with what to do; read-only opening still reports', async () => {
    const path = withoutTrigger('signatures_no_delete');
    expect(() => openDatabase(path)).toThrow(
      expect.objectContaining({
        code: 'db-tampered',
        message: expect.stringMatching(/protection missing: trigger signatures_no_delete .*Nothing was written\. Run `ana audit verify --db .*` .*restore the record from your latest backup/),
      }),
    );
    const { createApp } = await import('../../../electron/core/app');
    await expect(createApp({ dbPath: path, modelDir: '/nonexistent-model-dir', version: 'test', log: () => {} })).rejects.toMatchObject({ code: 'db-tampered' });
    const readonly = openDatabase(path, { readonly: true });
    readonly.close();
    const result = await verify(path);
    expect(result.code).toBe(1);
    expect(result.out).toContain('protection missing: trigger signatures_no_delete (dropped)');
  });

  it('is refused for writing when a trigger was altered, even with the same name', () => {
    const path = copyOfRecord();
    const raw = openUnmigrated(path);
    raw.exec("DROP TRIGGER users_no_delete; CREATE TRIGGER users_no_delete BEFORE DELETE ON users WHEN 0 BEGIN SELECT RAISE(ABORT, 'no'); END;");
    raw.close();
    expect(() => openDatabase(path)).toThrow(expect.objectContaining({ code: 'db-tampered', message: expect.stringContaining('protection altered: trigger users_no_delete') }));
  });
});
