import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { openDatabase } from '../../../electron/core/db/connection';
import { SYSTEM_ACTOR } from '../../../electron/core/db/audit.repo';
import { listReportExports } from '../../../electron/core/db/report.repo';
import { exportDay } from '../../../electron/core/reports/day-export';
import { resolveReportSettings } from '../../../electron/core/reports/report-settings';
import { validateOru } from '../../support/reports/hl7-validator';
import { addReadCase, DAY, NOON_MS, seedRecord, signReadCase } from '../../support/reports/seed';

const settings = resolveReportSettings({ timeZone: 'Europe/Berlin' });
let dir: string;
let dbPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ana-crash-'));
  const rec = await seedRecord(dir);
  for (let i = 1; i <= 3; i++) {
    const id = addReadCase(rec, { accessionId: `ANA-10${i}`, patientName: `Patient ${i}`, predicted: ['speckled'] }, i);
    await signReadCase(rec, id, [{ key: 'speckled', icapCode: 'AC-4', titer: '1:320' }], `Comment ${i}`, NOON_MS + i * 60_000);
  }
  dbPath = rec.dbPath;
  rec.db.close();
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the child until it is about to rename file number `hangAt`, then kills it with SIGKILL. */
function crashExport(outbox: string, format: 'hl7' | 'csv', hangAt: number): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'crash-child.ts'), dbPath, outbox, DAY, format, String(hangAt)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /READY (.+)\n/.exec(out);
      if (m) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      const m = /READY (.+)\n/.exec(out);
      if (signal === 'SIGKILL' && m) resolveRun(m[1]!);
      else reject(new Error(`child ended with ${code ?? signal} before the crash point: ${out}${err}`));
    });
  });
}

const visible = (outbox: string) => readdirSync(outbox).filter((n) => !n.startsWith('.')).sort();

describe('a crash during export', () => {
  it('leaves only complete files in the outbox, and the next export finishes the job', async () => {
    const outbox = join(dir, 'outbox-hl7');
    const tempPath = await crashExport(outbox, 'hl7', 2);
    // The first message was renamed and logged before the crash; the second was still temporary.
    expect(visible(outbox)).toEqual(['ANA-101-v1.hl7']);
    expect(validateOru(readFileSync(join(outbox, 'ANA-101-v1.hl7'), 'utf8'))).toEqual([]);
    expect(tempPath.startsWith(join(outbox, '.partial'))).toBe(true);
    expect(statSync(tempPath).size).toBeGreaterThan(0); // the crash artefact exists, hidden

    const db = openDatabase(dbPath);
    try {
      expect(listReportExports(db).filter((e) => e.format === 'hl7').map((e) => e.destination)).toEqual([join(outbox, 'ANA-101-v1.hl7')]);
      const rerun = await exportDay(db, { date: DAY, format: 'hl7', outboxDir: outbox }, SYSTEM_ACTOR, { settings });
      expect(rerun.files.map((f) => [f.fileName, f.outcome])).toEqual([
        ['ANA-101-v1.hl7', 'unchanged'],
        ['ANA-102-v1.hl7', 'written'],
        ['ANA-103-v1.hl7', 'written'],
      ]);
    } finally {
      db.close();
    }
    expect(visible(outbox)).toEqual(['ANA-101-v1.hl7', 'ANA-102-v1.hl7', 'ANA-103-v1.hl7']);
    for (const name of visible(outbox)) expect(validateOru(readFileSync(join(outbox, name), 'utf8'))).toEqual([]);
    expect(readdirSync(join(outbox, '.partial'))).toEqual([]); // stale temporary files removed
  });

  it('never shows a partial CSV', async () => {
    const outbox = join(dir, 'outbox-csv');
    await crashExport(outbox, 'csv', 1);
    expect(visible(outbox)).toEqual([]);
    const db = openDatabase(dbPath);
    try {
      await exportDay(db, { date: DAY, format: 'csv', outboxDir: outbox }, SYSTEM_ACTOR, { settings });
    } finally {
      db.close();
    }
    const rows = parse(readFileSync(join(outbox, `ana-results-${DAY}.csv`), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.accession_id)).toEqual(['ANA-101', 'ANA-102', 'ANA-103']);
  });
});
