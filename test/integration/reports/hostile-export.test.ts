/**
 * The day export against accessions that should never have reached the record (imported before
 * the accession rule, or by another route): hidden names, path traversal, names too long for any
 * file system, and accessions that an older lossy naming mapped to one file. Every case must
 * either reach the outbox under its own file or be reported and skipped; none may stop the others
 * or silently replace another case's result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../../../electron/core/paths';
import { SYSTEM_ACTOR } from '../../../electron/core/db/audit.repo';
import { insertReport, listReportExports } from '../../../electron/core/db/report.repo';
import { renderSignatureReports } from '../../../electron/core/reports/report.service';
import { exportDay } from '../../../electron/core/reports/day-export';
import { resolveReportSettings } from '../../../electron/core/reports/report-settings';
import { splitSegments, validateOru, hl7Unescape } from '../../support/reports/hl7-validator';
import { addReadCase, DAY, NOON_MS, seedRecord, signReadCase, type SeededRecord } from '../../support/reports/seed';

const settings = resolveReportSettings({ timeZone: 'Europe/Berlin' });
const LONG = `L${'0'.repeat(299)}`;
const ACCESSIONS = ['.hidden', '../../etc/x', LONG, 'X|1', 'X^1', 'ANA-0001'];

let rec: SeededRecord;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ana-hostile-export-'));
  rec = await seedRecord(dir);
  for (const [i, accessionId] of ACCESSIONS.entries()) {
    const caseId = addReadCase(rec, { accessionId, patientName: `Case, ${i}`, predicted: ['homogeneous'] }, i + 1);
    await signReadCase(rec, caseId, [{ key: 'homogeneous', titer: '1:160' }], '', NOON_MS + i * 60_000);
  }
});

afterAll(() => {
  rec?.db.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('day export with hostile accessions', () => {
  it('sends every case under its own, visible, bounded file name (X|1 and X^1 apart); the 300-character one is reported in one line and skipped', async () => {
    const outbox = join(dir, 'outbox-hl7');
    const summary = await exportDay(rec.db, { date: DAY, format: 'hl7', outboxDir: outbox }, SYSTEM_ACTOR, { settings });
    expect(summary.failed).toEqual([
      { caseIds: [3], fileName: null, reportId: null, message: expect.stringMatching(/^Case "L0{39}…": Report "L0{39}…": HL7 MSH-10 would be 303 characters after escaping; HL7 v2.5.1 allows 199$/) },
    ]);
    const sent = ACCESSIONS.filter((a) => a !== LONG);
    expect(summary.files).toHaveLength(sent.length);
    const names = readdirSync(outbox).filter((n) => n !== '.partial');
    expect(names).toHaveLength(sent.length);
    for (const name of names) {
      expect(name.startsWith('.')).toBe(false);
      expect(name).not.toContain('..');
      expect(name.length).toBeLessThanOrEqual(120);
    }
    // Each file holds its own case: the accession in OBR-2 reads back from the file.
    const accessionsInFiles = names.map((n) => {
      const msg = readFileSync(join(outbox, n), 'utf8');
      expect(validateOru(msg)).toEqual([]);
      const obr = splitSegments(msg).find((s) => s.name === 'OBR')!;
      return hl7Unescape(obr.fields[3]!.split('^')[0]!);
    });
    expect(accessionsInFiles.sort()).toEqual([...sent].sort());
    expect(listReportExports(rec.db).filter((e) => e.format === 'hl7' && e.status === 'ok')).toHaveLength(sent.length);
  });

  it('the day CSV carries every other case too', async () => {
    const summary = await exportDay(rec.db, { date: DAY, format: 'csv', outboxDir: join(dir, 'outbox-csv') }, SYSTEM_ACTOR, { settings });
    expect(summary.failed.map((f) => f.caseIds)).toEqual([[3]]);
    expect(summary.files).toHaveLength(1);
    expect(summary.files[0]!.caseIds).toHaveLength(ACCESSIONS.length - 1);
  });

  it('ana export names each case it could not send in one line and exits 1; any other error is one line too', () => {
    const ana = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot(), 'electron/cli/ana.ts'), ...args], { encoding: 'utf8', cwd: projectRoot() });
    const exported = ana('export', '--db', rec.dbPath, '--date', DAY, '--format', 'hl7', '--out', join(dir, 'outbox-cli'));
    expect(exported.status).toBe(1);
    expect(exported.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^NOT SENT {2}Case "L0{39}…": Report "L0{39}…": HL7 MSH-10 would be 303 characters after escaping; HL7 v2.5.1 allows 199$/)]);
    expect(exported.stdout).toMatch(/6 signed case\(s\) on 2026-11-29: 5 file\(s\) written, 0 already exported, 1 case\(s\) NOT sent \(see above\)/);
    // A failure that is not a domain error (here: the PDF's folder does not exist) is one line, no stack trace.
    const report = ana('report', '--db', rec.dbPath, '--case', 'ANA-0001', '--out', join(dir, 'no-such-folder', 'x.pdf'));
    expect(report.status).toBe(1);
    expect(report.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^ana report: unexpected error: ENOENT: no such file or directory, open '.*x\.pdf' \(set ANA_DEBUG=1 for details\)$/)]);
  });

  it('an export error is one line naming the case, never a stack trace', async () => {
    const outboxAsFile = join(dir, 'not-a-folder');
    writeFileSync(outboxAsFile, 'x');
    await expect(exportDay(rec.db, { date: DAY, format: 'hl7', outboxDir: outboxAsFile }, SYSTEM_ACTOR, { settings })).rejects.toThrow(/^Cannot create outbox folder .*not-a-folder/);
  });
});

describe('outbox names already taken', () => {
  let other: SeededRecord;
  let otherDir: string;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    otherDir = mkdtempSync(join(tmpdir(), 'ana-collide-'));
    other = await seedRecord(otherDir);
    for (const [i, accessionId] of ['X^1', 'X|1', 'abc', 'ABC', 'ANA-9'].entries()) {
      const caseId = addReadCase(other, { accessionId, patientName: `Case, ${i}`, predicted: [] }, i + 1);
      ids[accessionId] = await signReadCase(other, caseId, [], '', NOON_MS + i * 60_000);
    }
    // An older version stored both X^1 and X|1 under the lossy name X_1-v1.hl7.
    for (const acc of ['X^1', 'X|1']) {
      const sig = ids[acc]!;
      const { hl7 } = await renderSignatureReports(other.db, sig, { settings });
      const caseId = (other.db.prepare('SELECT case_id AS c FROM signatures WHERE id = ?').get(sig) as { c: number }).c;
      insertReport(other.db, { caseId, signatureId: sig, format: 'hl7', fileName: 'X_1-v1.hl7', bytes: hl7, createdBy: null, createdAtMs: NOON_MS, supersedesId: null }, SYSTEM_ACTOR);
    }
  });

  afterAll(() => {
    other?.db.close();
    if (otherDir) rmSync(otherDir, { recursive: true, force: true });
  });

  it('a second report for the same file (lossy old names, or names differing only in case) is reported and skipped; the cases after it still go', async () => {
    const outbox = join(otherDir, 'outbox');
    const summary = await exportDay(other.db, { date: DAY, format: 'hl7', outboxDir: outbox }, SYSTEM_ACTOR, { settings });
    expect(summary.files.map((f) => f.fileName).sort()).toEqual(['ANA-9-v1.hl7', 'X_1-v1.hl7', 'abc-v1.hl7']);
    expect(summary.failed.map((f) => f.message)).toEqual([
      expect.stringMatching(/^Case "X\|1": X_1-v1\.hl7 is already the outbox file of report \d+; not overwritten/),
      expect.stringMatching(/^Case "ABC": ABC-v1\.hl7 is already the outbox file of report \d+; not overwritten/),
    ]);
    // The file in the outbox is still the first case's, and the refusals are in the export log.
    expect(readFileSync(join(outbox, 'X_1-v1.hl7'), 'utf8')).toContain('X\\S\\1');
    expect(listReportExports(other.db).filter((e) => e.status === 'failed')).toHaveLength(2);
    // Asking again sends nothing new and refuses the same two again (across exports, from the log).
    const again = await exportDay(other.db, { date: DAY, format: 'hl7', outboxDir: outbox }, SYSTEM_ACTOR, { settings });
    expect(again.files.every((f) => f.outcome === 'unchanged')).toBe(true);
    expect(again.failed).toHaveLength(2);
  });
});
