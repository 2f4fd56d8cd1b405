import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SCHEMA_VERSION } from '../../core/db/connection';
import { DomainError } from '../../core/errors';
import { verifyRecord } from '../../core/review/record-verify';
import { UsageError, type Command } from '../command';
import { databasePath, openExistingDatabase } from '../database';

/**
 * `ana audit verify`: re-checks the audit hash chain against its anchors, the record's protective
 * triggers, every signature and stored report, and the record against the audit log in both
 * directions; appends the head it saw to the anchor file; non-zero exit on any finding.
 * Opens the database read-only, so it also reports on a record the app refuses to write to.
 */
export const auditCommand: Command = {
  name: 'audit',
  summary: 'Verify the audit trail and signatures of a record (exit 1 on tampering)',
  usage: 'ana audit verify [--db FILE] [--anchor COPY ...]   (COPY: a copy of the database\'s .audit-anchor file kept elsewhere, checked too)',
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { db: { type: 'string' }, anchor: { type: 'string', multiple: true } } });
    if (positionals[0] !== 'verify' || positionals.length !== 1) throw new UsageError(`unknown sub-command '${positionals.join(' ')}'`);
    const path = databasePath(values.db);
    const db = openExistingDatabase(path, { readonly: true });
    try {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version < SCHEMA_VERSION) {
        throw new DomainError('conflict', `Database ${path} has schema version ${version}; open it once with this application (${SCHEMA_VERSION}) to upgrade it, then verify`);
      }
      const copies = (values.anchor ?? []).map((p) => resolve(p));
      for (const copy of copies) if (!existsSync(copy)) throw new UsageError(`--anchor ${copy}: no such file`);
      const result = verifyRecord(db, { alsoCheck: copies });
      const appended = result.anchorNotWritten ? `this head NOT appended: ${result.anchorNotWritten}` : 'this head appended';
      const anchor = result.anchorPath
        ? `Anchor file: ${result.anchorPath} (${result.anchorsChecked} earlier anchor(s) checked; ${appended}). Keep a copy of it outside this PC.`
        : 'No anchor file (in-memory database).';
      if (result.ok) {
        console.log(`OK: ${path}: ${result.auditEntries} audit entries, hash chain intact; ${result.signaturesChecked} signature(s) match their signed content; the record matches its audit log.`);
        console.log(`Chain head: row ${result.auditEntries} ${result.headHash} (note it outside this PC to pin today's log)`);
        console.log(anchor);
        if (result.anchorsChecked === 0 && result.signaturesChecked > 0) {
          console.log('Note: there was no earlier anchor to check against, so a cut-off end of the log could not be ruled out this time (a copied or restored database, or a removed anchor file).');
        }
        return 0;
      }
      console.log(`TAMPERING FOUND in ${path} (${result.problems.length} problem(s); ${result.auditEntries} audit entries, ${result.signaturesChecked} signature(s) checked):`);
      for (const problem of result.problems) console.log(`  - ${problem}`);
      console.log(`Chain head as found: row ${result.auditEntries} ${result.headHash}`);
      console.log(anchor);
      console.log('Do not sign or export from this record; restore it from the latest backup that passes verification and tell your quality manager (docs/audit-trail.md).');
      return 1;
    } finally {
      db.close();
    }
  },
};
