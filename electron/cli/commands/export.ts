import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DAY_EXPORT_FORMAT_KEYS, type DayExportFormatKey } from '../../contract';
import { exportDay } from '../../core/reports/day-export';
import { UsageError, type Command } from '../command';
import { cliActor } from './report';
import { databasePath, displayRenditionOf, openExistingDatabase } from '../database';
import { resolveDataLocations } from '../../core/app-paths';

export const exportCommand: Command = {
  name: 'export',
  summary: "Export a day's signed cases to an outbox folder as HL7 v2.5.1 ORU^R01 or CSV (atomic, idempotent, logged)",
  usage: 'ana export [--db FILE] --date YYYY-MM-DD --format hl7|csv [--out DIR]  (default: the data folder\'s outbox)',
  async run(args) {
    const { values } = parseArgs({ args, options: { db: { type: 'string' }, date: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } } });
    if (!values.date) throw new UsageError('--date is required');
    if (!(DAY_EXPORT_FORMAT_KEYS as readonly string[]).includes(values.format ?? '')) throw new UsageError(`--format must be ${DAY_EXPORT_FORMAT_KEYS.join(' or ')} (got '${values.format ?? ''}')`);
    const dbPath = databasePath(values.db);
    const db = openExistingDatabase(dbPath);
    try {
      const outboxDir = values.out ?? resolveDataLocations().outboxDir;
      // A signature without stored reports gets them here, its PDF thumbnail from the viewer's display rendition.
      const summary = await exportDay(db, { date: values.date, format: values.format as DayExportFormatKey, outboxDir }, cliActor(), { displayRendition: displayRenditionOf(db, dbPath) });
      const written = summary.files.filter((f) => f.outcome === 'written');
      for (const f of summary.files) console.log(`${f.outcome === 'written' ? 'wrote    ' : 'unchanged'} ${resolve(summary.outboxDir, f.fileName)}`);
      for (const f of summary.failed) console.error(`NOT SENT  ${f.message}`);
      console.log(
        `${summary.signedCases} signed case(s) on ${summary.date}: ${written.length} file(s) written, ${summary.files.length - written.length} already exported` +
          `${summary.failed.length ? `, ${summary.failed.length} case(s) NOT sent (see above)` : ''}, to ${summary.outboxDir}`,
      );
      return summary.failed.length ? 1 : 0;
    } finally {
      db.close();
    }
  },
};
