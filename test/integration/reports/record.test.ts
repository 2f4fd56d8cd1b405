import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { getReport, listReportExports, listReportsOfCase } from '../../../electron/core/db/report.repo';
import { SYSTEM_ACTOR } from '../../../electron/core/db/audit.repo';
import { ensureCaseReports, ensureSignatureReports, renderSignatureReports } from '../../../electron/core/reports/report.service';
import { exportDay } from '../../../electron/core/reports/day-export';
import { resolveReportSettings } from '../../../electron/core/reports/report-settings';
import { saveDraft } from '../../../electron/core/review/review.service';
import { validateOru, splitSegments, hl7Unescape } from '../../support/reports/hl7-validator';
import { pdfPagesText, squash } from '../../support/reports/pdf-text';
import { addReadCase, amendSignedCase, DAY, NOON_MS, seedRecord, signReadCase, type SeededRecord } from '../../support/reports/seed';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const settings = resolveReportSettings({ timeZone: 'Europe/Berlin', screeningDilution: '1:80', lab: { name: 'Immunology Lab', headerLines: ['Test street 1'] } });
const opts = { settings };

let rec: SeededRecord;
let dir: string;
let caseA: number;
let caseB: number;
let caseUnsigned: number;
let caseOtherDay: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ana-reports-'));
  rec = await seedRecord(dir);
  caseA = addReadCase(rec, { accessionId: 'ANA-0001', patientName: 'Żółć|O\'Brien, Łukasz "Σοφία"', predicted: ['homogeneous', 'speckled'] }, 1);
  caseB = addReadCase(rec, { accessionId: 'ANA-0002', patientName: 'Muster, Erika', predicted: [], assumedPixelSizeUm: 0.5 }, 2);
  caseUnsigned = addReadCase(rec, { accessionId: 'ANA-0003', patientName: 'Draft, Only', predicted: ['centromere'] }, 3);
  caseOtherDay = addReadCase(rec, { accessionId: 'ANA-0004', patientName: 'Later, Day', predicted: ['golgi'], receivedAtMs: NOON_MS + 86_400_000 }, 4);
  await signReadCase(rec, caseA, [{ key: 'homogeneous', titer: '1:640' }, { key: 'mitochondrial', intensity: 'strong' }], 'Mixed pattern.\nAMA confirmed | second field, "quoted"', NOON_MS);
  await signReadCase(rec, caseB, [], '', NOON_MS + 60_000);
  saveDraft(rec.db, rec.physician, { caseId: caseUnsigned, labels: [{ key: 'centromere' }], comment: 'not signed' }, NOON_MS);
  await signReadCase(rec, caseOtherDay, [{ key: 'golgi' }], '', NOON_MS + 86_400_000 + 3600_000);
});

afterAll(() => {
  rec?.db.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('reports stored with the record', () => {
  it('stores PDF and HL7 with their sha256, and re-rendering the record gives identical bytes', async () => {
    const stored = await ensureCaseReports(rec.db, caseA, SYSTEM_ACTOR, opts);
    const pdf = getReport(rec.db, stored.pdf.id)!;
    const hl7 = getReport(rec.db, stored.hl7.id)!;
    expect(pdf.sha256).toBe(sha(pdf.bytes));
    expect(hl7.sha256).toBe(sha(hl7.bytes));
    expect(pdf.fileName).toBe('ANA-0001-v1.pdf');
    const again = await renderSignatureReports(rec.db, pdf.signatureId!, opts);
    expect(sha(again.pdf)).toBe(pdf.sha256);
    expect(sha(again.hl7)).toBe(hl7.sha256);
    // Asking again stores nothing new.
    const second = await ensureCaseReports(rec.db, caseA, SYSTEM_ACTOR, opts);
    expect(second.pdf.id).toBe(stored.pdf.id);
    expect(listReportsOfCase(rec.db, caseA)).toHaveLength(2);

    const text = squash((await pdfPagesText(pdf.bytes)).join('\n'));
    for (const field of ['Żółć|O\'Brien, Łukasz "Σοφία"', 'ANA-0001', 'MRN-1', '1:80', 'Homogeneous', 'AC-1', 'titer 1:640', 'Mitochondrial (AMA)', 'AC-21', 'intensity strong', 'ana-default, version 1.2.0', 'Dr. Zoë Ñúñez & Søn', 'approved', 'ANA-0001-v1', 'overlay: model patch scores for Homogeneous', 'AMA confirmed | second field']) {
      expect(text, field).toContain(squash(field));
    }
    expect(validateOru(Buffer.from(hl7.bytes).toString('utf8'))).toEqual([]);
    expect(Buffer.from(hl7.bytes).toString('utf8')).toContain(pdf.sha256);
  });

  it("says in the report when a field's pixel size was assumed, from the slide the case was signed on", async () => {
    const hl7Of = async (caseId: number) => Buffer.from(getReport(rec.db, (await ensureCaseReports(rec.db, caseId, SYSTEM_ACTOR, opts)).hl7.id)!.bytes).toString('utf8');
    expect(await hl7Of(caseB)).toContain('Field slide-2.png: not analysed; pixel size 0.500 µm/px, assumed: the file states no pixel size and no microscope profile was set when it was read; model patterns: none.');
    expect(await hl7Of(caseA)).not.toContain('pixel size');
  });

  it('never reports an unsigned case', async () => {
    await expect(ensureCaseReports(rec.db, caseUnsigned, SYSTEM_ACTOR, opts)).rejects.toThrow(/ANA-0003 is not signed/);
  });
});

describe('day export', () => {
  const outbox = () => join(dir, 'outbox');
  const rootFiles = () => readdirSync(outbox()).filter((n) => !n.startsWith('.')).sort();

  it('writes one valid ORU^R01 per signed case of the day, logs it, and is idempotent', async () => {
    const first = await exportDay(rec.db, { date: DAY, format: 'hl7', outboxDir: outbox() }, SYSTEM_ACTOR, opts);
    expect(first.signedCases).toBe(2);
    expect(first.files.map((f) => [f.fileName, f.outcome])).toEqual([
      ['ANA-0001-v1.hl7', 'written'],
      ['ANA-0002-v1.hl7', 'written'],
    ]);
    expect(rootFiles()).toEqual(['ANA-0001-v1.hl7', 'ANA-0002-v1.hl7']);
    for (const name of rootFiles()) expect(validateOru(readFileSync(join(outbox(), name), 'utf8'))).toEqual([]);
    const negative = splitSegments(readFileSync(join(outbox(), 'ANA-0002-v1.hl7'), 'utf8')).filter((s) => s.name === 'OBX');
    expect(negative.map((s) => s.fields[5])).toEqual(['AC-0^Negative^99ICAP']);
    const logged = listReportExports(rec.db).filter((e) => e.format === 'hl7');
    expect(logged).toHaveLength(2);
    expect(logged.every((e) => e.status === 'ok')).toBe(true);

    const mtimes = rootFiles().map((n) => statSync(join(outbox(), n)).mtimeMs);
    const second = await exportDay(rec.db, { date: DAY, format: 'hl7', outboxDir: outbox() }, SYSTEM_ACTOR, opts);
    expect(second.files.map((f) => f.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(rootFiles().map((n) => statSync(join(outbox(), n)).mtimeMs)).toEqual(mtimes);
    // The LIS picked a file up and deleted it: it is not sent twice.
    unlinkSync(join(outbox(), 'ANA-0001-v1.hl7'));
    const third = await exportDay(rec.db, { date: DAY, format: 'hl7', outboxDir: outbox() }, SYSTEM_ACTOR, opts);
    expect(third.files.map((f) => f.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(listReportExports(rec.db).filter((e) => e.format === 'hl7')).toHaveLength(2);
  });

  it('sends an amendment as a correction (status C) in its own file and supersedes the old reports', async () => {
    await amendSignedCase(rec, caseA, [{ key: 'homogeneous', titer: '1:1280' }], 'Titer re-read.', 'Titer corrected', NOON_MS + 2 * 3600_000);
    const result = await exportDay(rec.db, { date: DAY, format: 'hl7', outboxDir: outbox() }, SYSTEM_ACTOR, opts);
    expect(result.files.map((f) => [f.fileName, f.outcome])).toEqual([
      ['ANA-0001-v1.hl7', 'unchanged'],
      ['ANA-0002-v1.hl7', 'unchanged'],
      ['ANA-0001-v2.hl7', 'written'],
    ]);
    const msg = readFileSync(join(outbox(), 'ANA-0001-v2.hl7'), 'utf8');
    expect(validateOru(msg)).toEqual([]);
    const segs = splitSegments(msg);
    expect(segs.find((s) => s.name === 'OBR')!.fields[25]).toBe('C');
    expect(segs.filter((s) => s.name === 'OBX').map((s) => s.fields[11])).toEqual(['C']);
    expect(hl7Unescape(segs.find((s) => s.name === 'NTE')!.fields[3]!)).toBe('Corrected report ANA-0001-v2: replaces report ANA-0001-v1. Reason: Titer corrected');

    const reports = listReportsOfCase(rec.db, caseA);
    const v1pdf = reports.find((r) => r.fileName === 'ANA-0001-v1.pdf')!;
    const v2pdf = reports.find((r) => r.fileName === 'ANA-0001-v2.pdf')!;
    expect(v1pdf.supersededById).toBe(v2pdf.id);
    const text = squash((await pdfPagesText(getReport(rec.db, v2pdf.id)!.bytes)).join(''));
    expect(text).toContain(squash('AMENDED REPORT — replaces report ANA-0001-v1. Reason: Titer corrected'));
  });

  it('writes the day CSV with correct quoting, corrections marked C, unsigned and other days left out', async () => {
    const result = await exportDay(rec.db, { date: DAY, format: 'csv', outboxDir: outbox() }, SYSTEM_ACTOR, opts);
    expect(result.files.map((f) => [f.fileName, f.outcome])).toEqual([['ana-results-2026-11-29.csv', 'written']]);
    const rows = parse(readFileSync(join(outbox(), 'ana-results-2026-11-29.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.report_id, r.result_status, r.icap_code])).toEqual([
      ['ANA-0001-v1', 'F', 'AC-1'],
      ['ANA-0001-v1', 'F', 'AC-21'],
      ['ANA-0002-v1', 'F', 'AC-0'],
      ['ANA-0001-v2', 'C', 'AC-1'],
    ]);
    expect(rows[0]!.patient_name).toBe('Żółć|O\'Brien, Łukasz "Σοφία"');
    expect(rows[0]!.comment).toBe('Mixed pattern.\nAMA confirmed | second field, "quoted"');
    expect(rows[3]).toMatchObject({ amends_report_id: 'ANA-0001-v1', amendment_reason: 'Titer corrected', titer: '1:1280' });
    expect(rows.some((r) => r.accession_id === 'ANA-0003' || r.accession_id === 'ANA-0004')).toBe(false);
    const again = await exportDay(rec.db, { date: DAY, format: 'csv', outboxDir: outbox() }, SYSTEM_ACTOR, opts);
    expect(again.files.map((f) => f.outcome)).toEqual(['unchanged']);
  });

  it('keeps one report per signature and format through repeated exports after an amendment', async () => {
    await exportDay(rec.db, { date: DAY, format: 'hl7', outboxDir: outbox() }, SYSTEM_ACTOR, opts);
    await exportDay(rec.db, { date: DAY, format: 'csv', outboxDir: outbox() }, SYSTEM_ACTOR, opts);
    const reports = listReportsOfCase(rec.db, caseA);
    expect(reports.map((r) => [r.fileName, r.supersededById === null])).toEqual([
      ['ANA-0001-v1.pdf', false],
      ['ANA-0001-v1.hl7', false],
      ['ANA-0001-v2.pdf', true],
      ['ANA-0001-v2.hl7', true],
    ]);
  });

  it('exports nothing for a day without signatures and refuses a bad date', async () => {
    const empty = await exportDay(rec.db, { date: '2026-11-27', format: 'csv', outboxDir: join(dir, 'outbox-empty') }, SYSTEM_ACTOR, opts);
    expect(empty).toMatchObject({ signedCases: 0, files: [] });
    await expect(exportDay(rec.db, { date: '2026-13-01', format: 'hl7', outboxDir: outbox() }, SYSTEM_ACTOR, opts)).rejects.toThrow(/Invalid date '2026-13-01'/);
    expect(existsSync(join(dir, 'outbox-empty', '.partial'))).toBe(true);
  });

  it('the report of the other day is made on demand for its own day only', async () => {
    const sigReports = await ensureCaseReports(rec.db, caseOtherDay, SYSTEM_ACTOR, opts);
    expect(sigReports.pdf.fileName).toBe('ANA-0004-v1.pdf');
    const next = await exportDay(rec.db, { date: '2026-11-30', format: 'hl7', outboxDir: outbox() }, SYSTEM_ACTOR, opts);
    expect(next.files.map((f) => [f.fileName, f.outcome])).toEqual([['ANA-0004-v1.hl7', 'written']]);
    const stored = await ensureSignatureReports(rec.db, sigReports.pdf.signatureId!, SYSTEM_ACTOR, opts);
    expect(stored.hl7.id).toBe(sigReports.hl7.id);
  });
});
