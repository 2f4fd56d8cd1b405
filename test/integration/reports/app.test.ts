import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../../electron/core/app';
import { defaultModelDir, projectRoot } from '../../../electron/core/paths';
import { SYSTEM_ACTOR } from '../../../electron/core/db/audit.repo';
import { createAccount } from '../../../electron/core/auth/auth.service';
import { saveDraft } from '../../../electron/core/review/review.service';
import type { Result } from '../../../electron/contract';
import { localDate } from '../../../electron/core/reports/report-time';
import { validateOru } from '../../support/reports/hl7-validator';
import { pdfPagesText, squash } from '../../support/reports/pdf-text';
import { addReadCase, DAY, NOON_MS, PASSWORD, seedRecord } from '../../support/reports/seed';

let dir: string;
let dbPath: string;
let app: App;
let caseId: number;
const doctor = { sessionId: 'doctor' };
const admin = { sessionId: 'admin' };

async function call<T = unknown>(channel: string, request: unknown, ctx = doctor): Promise<T> {
  const result = (await app.handle(channel, request, ctx)) as Result<T>;
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.value;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ana-reports-app-'));
  const rec = await seedRecord(dir);
  await createAccount(rec.db, { username: 'admin', displayName: 'Admin', role: 'admin', password: PASSWORD }, SYSTEM_ACTOR);
  caseId = addReadCase(rec, { accessionId: 'ANA-0100', patientName: 'Muster, Erika', predicted: ['centromere'] }, 7);
  saveDraft(rec.db, rec.physician, { caseId, labels: [{ key: 'centromere', titer: '1:1280' }], comment: 'Classic ACA.' }, NOON_MS);
  dbPath = rec.dbPath;
  rec.db.close();
  app = await createApp({ dbPath, modelDir: defaultModelDir(), version: 'test', outboxDir: join(dir, 'outbox'), log: () => {} });
  await call('auth/login', { username: 'znunez', password: PASSWORD });
  await call('auth/login', { username: 'admin', password: PASSWORD }, admin);
  await call('reports/update-settings', { patch: { timeZone: 'Europe/Berlin', lab: { name: 'Labor am See', headerLines: ['Seestraße 1'] }, screeningDilution: '1:160' } }, admin);
});

afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('report channels', () => {
  it('makes and stores the report when the case is signed', async () => {
    expect(await call('reports/list', { caseId })).toEqual([]);
    await call('review/sign', { caseId, password: PASSWORD, meaning: 'approved' });
    const reports = await call<{ id: number; format: string; fileName: string; sha256: string }[]>('reports/list', { caseId });
    expect(reports.map((r) => [r.format, r.fileName])).toEqual([
      ['pdf', 'ANA-0100-v1.pdf'],
      ['hl7', 'ANA-0100-v1.hl7'],
    ]);
    const pdf = await call<{ base64: string; sha256: string }>('reports/get', { reportId: reports[0]!.id });
    const text = squash((await pdfPagesText(Buffer.from(pdf.base64, 'base64'))).join(''));
    for (const field of ['Labor am See', 'Seestraße 1', '1:160', 'Centromere', 'AC-3', 'titer 1:1280', 'Classic ACA.', '(Europe/Berlin)']) expect(text, field).toContain(squash(field));
    // Generating again returns the stored rows.
    const again = await call<{ id: number }[]>('reports/generate', { caseId });
    expect(again.map((r) => r.id)).toEqual(reports.map((r) => r.id));
  });

  it('exports the day to the configured outbox; refuses callers without the right role', async () => {
    const today = localDate(Date.now(), 'Europe/Berlin'); // review/sign stamps the real clock
    const summary = await call<{ files: { fileName: string; outcome: string }[] }>('reports/export-day', { date: today, format: 'hl7' });
    expect(summary.files.map((f) => f.fileName)).toContain('ANA-0100-v1.hl7');
    expect(validateOru(readFileSync(join(dir, 'outbox', 'ANA-0100-v1.hl7'), 'utf8'))).toEqual([]);
    const anonymous = await app.handle('reports/export-day', { date: DAY, format: 'csv' }, { sessionId: 'nobody' });
    expect(anonymous).toMatchObject({ ok: false, code: 'unauthenticated' });
    const badSettings = await app.handle('reports/update-settings', { patch: { timeZone: 'Mars/Olympus' } }, admin);
    expect(badSettings).toMatchObject({ ok: false, code: 'bad-request' });
    const notAdmin = await app.handle('reports/update-settings', { patch: { lab: { name: 'X' } } }, doctor);
    expect(notAdmin).toMatchObject({ ok: false, code: 'forbidden' });
  });
});

describe('ana report / ana export', () => {
  const ana = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot(), 'electron/cli/ana.ts'), ...args], { encoding: 'utf8', cwd: projectRoot() });

  it('writes the stored PDF and exports a day as CSV', async () => {
    await app.close();
    const out = join(dir, 'cli.pdf');
    const report = ana('report', '--db', dbPath, '--case', 'ANA-0100', '--out', out);
    expect(report.stderr).toBe('');
    expect(report.status).toBe(0);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    const today = localDate(Date.now(), 'Europe/Berlin');
    const exported = ana('export', '--db', dbPath, '--date', today, '--format', 'csv', '--out', join(dir, 'cli-outbox'));
    expect(exported.status).toBe(0);
    expect(readdirSync(join(dir, 'cli-outbox')).filter((n) => !n.startsWith('.'))).toEqual([`ana-results-${today}.csv`]);
    const usage = ana('export', '--db', dbPath, '--date', today, '--format', 'xml', '--out', dir);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('--format must be hl7 or csv');
    const missing = ana('report', '--db', dbPath, '--case', 'NOPE', '--out', out);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("No case with id or accession 'NOPE'");
    app = await createApp({ dbPath, modelDir: defaultModelDir(), version: 'test', log: () => {} }); // for afterAll
  });
});
