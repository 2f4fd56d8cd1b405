import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { userInfo } from 'node:os';
import { getCaseByAccession, getCaseById } from '../../core/db/case.repo';
import { getReport } from '../../core/db/report.repo';
import { DomainError } from '../../core/errors';
import { ensureCaseReports } from '../../core/reports/report.service';
import { UsageError, type Command } from '../command';
import { databasePath, displayRenditionOf, openExistingDatabase } from '../database';

/** The operating-system user running the CLI: exports and reports made here are audited under it. */
export function cliActor() {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry (containers): keep 'unknown'
  }
  return { userId: null, name: `cli:${name}` };
}

export const reportCommand: Command = {
  name: 'report',
  summary: "Write a signed case's PDF report (made and stored in the record if it is not yet)",
  usage: 'ana report [--db FILE] --case ID|ACCESSION --out FILE.pdf',
  async run(args) {
    const { values } = parseArgs({ args, options: { db: { type: 'string' }, case: { type: 'string' }, out: { type: 'string' } } });
    if (!values.case) throw new UsageError('--case is required');
    if (!values.out) throw new UsageError('--out is required');
    const dbPath = databasePath(values.db);
    const db = openExistingDatabase(dbPath);
    try {
      const kase = /^\d+$/.test(values.case) ? (getCaseById(db, Number(values.case)) ?? getCaseByAccession(db, values.case)) : getCaseByAccession(db, values.case);
      if (!kase) throw new DomainError('not-found', `No case with id or accession '${values.case}' in ${dbPath}`);
      const { pdf } = await ensureCaseReports(db, kase.id, cliActor(), { displayRendition: displayRenditionOf(db, dbPath) });
      const out = resolve(values.out);
      writeFileSync(out, getReport(db, pdf.id)!.bytes);
      console.log(`Wrote ${out} (${pdf.fileName}, ${pdf.sizeBytes} bytes, sha256 ${pdf.sha256})`);
      return 0;
    } finally {
      db.close();
    }
  },
};
