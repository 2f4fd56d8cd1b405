import { parseArgs } from 'node:util';
import { copyFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { anchorPathOf } from '../../core/db/audit-anchor';
import { backupDatabase, openDatabase } from '../../core/db/connection';
import { databasePath, openExistingDatabase } from '../database';
import { verifyRecord } from '../../core/review/record-verify';
import { UsageError, type Command } from '../command';

/** `ana db backup`: an online copy (safe while the app writes), checked after it is written. */
export const dbCommand: Command = {
  name: 'db',
  summary: 'Back up a record online to a new file and check the copy',
  usage: 'ana db backup [--db FILE] --to FILE',
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { db: { type: 'string' }, to: { type: 'string' } } });
    if (positionals[0] !== 'backup' || positionals.length !== 1) throw new UsageError(`unknown sub-command '${positionals.join(' ')}'`);
    if (!values.to) throw new UsageError('--to FILE is required');
    const from = databasePath(values.db);
    const to = resolve(values.to);
    const source = openExistingDatabase(from, { readonly: true });
    // The copy takes the audit anchor along (docs/audit-trail.md), copied first: every line in it
    // was written after its head was committed, so the database copy taken next contains them all.
    const [fromAnchor, toAnchor] = [anchorPathOf(from), anchorPathOf(to)];
    if (fromAnchor && toAnchor && existsSync(fromAnchor) && !existsSync(to) && !existsSync(toAnchor)) copyFileSync(fromAnchor, toAnchor);
    let pages: number;
    try {
      pages = (await backupDatabase(source, to)).totalPages;
    } finally {
      source.close();
    }
    // The copy is opened like any record: integrity check at open, then the audit/signature check.
    const copy = openDatabase(to, { readonly: true });
    try {
      const { n: cases } = copy.prepare('SELECT count(*) AS n FROM cases').get() as { n: number };
      const result = verifyRecord(copy);
      console.log(`Backed up ${from} to ${to}: ${pages} pages, ${cases} case(s), ${result.auditEntries} audit entries; the copy passed the integrity check.`);
      if (!result.ok) {
        console.log(`WARNING: the record (and so its copy) fails audit verification:`);
        for (const problem of result.problems) console.log(`  - ${problem}`);
        return 1;
      }
      return 0;
    } finally {
      copy.close();
    }
  },
};
