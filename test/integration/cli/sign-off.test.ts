/**
 * A demo case from reading to the lab system, on the command line only: the first administrator,
 * a physician added by that administrator, `ana read`, `ana cases`, a draft decision, a refused
 * and an accepted signature, the PDF report and the HL7 export — the app's own channels throughout.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../electron/core/db/connection';
import { projectRoot } from '../../../electron/core/paths';
import { anaInProcess } from '../../support/ana-cli';

let dir: string;
const ACCESSION = 'A2026-0417';
const ADMIN_PASSWORD = 'admin password 1';
const PHYSICIAN_PASSWORD = 'physician password 1';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ana-cli-sign-off-'));
  const slides = join(dir, 'day');
  mkdirSync(slides);
  for (const field of ['F1', 'F2']) copyFileSync(join(projectRoot(), 'resources/demo-slides/images', `${ACCESSION}_${field}.jpg`), join(slides, `${ACCESSION}_${field}.jpg`));
  process.env.ANA_DATA_DIR = join(dir, 'data');
});
afterAll(() => {
  delete process.env.ANA_DATA_DIR;
  rmSync(dir, { recursive: true, force: true });
});

// In-process for speed (each command opens and closes the record as a separate run would); the
// child-process path of `ana` is covered by data-folder.test.ts and ana-read.test.ts.
const ana = (args: string[], input = '') => anaInProcess(args, { input });
const expectOk = (run: Awaited<ReturnType<typeof ana>>) => {
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout;
};

it('takes a case from read to an exported HL7 message', async () => {
  expectOk(await ana(['users', 'create-admin', '--username', 'admin', '--name', 'Ada Admin'], `${ADMIN_PASSWORD}\n`));
  expect(expectOk(await ana(['users', 'add', '--as', 'admin', '--username', 'doc', '--name', 'Dr. Jane Doc', '--role', 'physician'], `${ADMIN_PASSWORD}\n${PHYSICIAN_PASSWORD}\n`))).toMatch(
    /Added physician doc \(Dr. Jane Doc/,
  );
  expect(expectOk(await ana(['read', join(dir, 'day'), '--provider', 'cpu']))).toMatch(/2 file\(s\): 2 read/);

  expect(expectOk(await ana(['cases', 'list', '--as', 'doc'], `${PHYSICIAN_PASSWORD}\n`))).toMatch(new RegExp(`${ACCESSION} +read +2 slide\\(s\\)`));
  expect(expectOk(await ana(['cases', 'show', ACCESSION, '--as', 'doc'], `${PHYSICIAN_PASSWORD}\n`))).toMatch(/A2026-0417_F1\.jpg: .*ana-default/);

  // Signing needs a decision, and only a physician with the right password signs.
  const early = await ana(['review', 'sign', '--case', ACCESSION, '--meaning', 'approved', '--as', 'doc'], `${PHYSICIAN_PASSWORD}\n`);
  expect(early.status).toBe(1);
  expect(early.stderr).toMatch(/has no decision to sign/);
  expect(expectOk(await ana(['review', 'decide', '--case', ACCESSION, '--labels', 'speckled:1:320,nucleolar', '--comment', 'CLI review', '--as', 'doc'], `${PHYSICIAN_PASSWORD}\n`))).toMatch(
    /draft decision v1 of A2026-0417: speckled 1:320, nucleolar/,
  );
  const byAdmin = await ana(['review', 'sign', '--case', ACCESSION, '--meaning', 'approved', '--as', 'admin'], `${ADMIN_PASSWORD}\n`);
  expect(byAdmin.status).toBe(1);
  expect(byAdmin.stderr).toMatch(/may not sign; this needs the role physician/);
  const wrong = await ana(['review', 'sign', '--case', ACCESSION, '--meaning', 'approved', '--as', 'doc'], 'not my password\n');
  expect(wrong.status).toBe(1);
  expect(wrong.stderr).toMatch(/Wrong username or password/);
  expect(expectOk(await ana(['review', 'sign', '--case', ACCESSION, '--meaning', 'approved', '--as', 'doc'], `${PHYSICIAN_PASSWORD}\n`))).toMatch(/Signed A2026-0417 \(approved\) as Dr. Jane Doc/);

  const pdf = join(dir, 'report.pdf');
  expectOk(await ana(['report', '--case', ACCESSION, '--out', pdf]));
  expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  const today = new Date().toLocaleDateString('en-CA'); // the lab's day in the machine's time zone (the reports' default)
  expect(expectOk(await ana(['export', '--date', today, '--format', 'hl7']))).toMatch(/1 signed case\(s\) on .*: 1 file\(s\) written/);
  const outbox = join(dir, 'data', 'outbox');
  expect(readdirSync(outbox)).toContain(`${ACCESSION}-v1.hl7`);
  const hl7 = readFileSync(join(outbox, `${ACCESSION}-v1.hl7`), 'utf8');
  expect(hl7).toMatch(/^MSH\|.*ORU\^R01/);
  expect(hl7).toContain('Dr. Jane Doc');

  // The same audit trail as the UI: the login, the draft and the signature under the physician's name.
  const db = openDatabase(join(dir, 'data', 'ana.db'), { readonly: true });
  try {
    const byDoc = db.prepare("SELECT action || ' ' || entity AS what FROM audit_log WHERE actor = 'doc' ORDER BY id").all() as { what: string }[];
    expect(byDoc.map((a) => a.what)).toEqual(expect.arrayContaining(['login session', 'login-failed session', 'create decision', 'sign signature', 'create report']));
    const signatures = db.prepare('SELECT signer_name AS name, meaning FROM signatures').all();
    expect(signatures).toEqual([{ name: 'Dr. Jane Doc', meaning: 'approved' }]);
  } finally {
    db.close();
  }
  expectOk(await ana(['audit', 'verify']));
});
