import { parseArgs } from 'node:util';
import { SCHEMA_VERSION } from '../../core/db/connection';
import { DomainError } from '../../core/errors';
import { verifyRecord } from '../../core/review/record-verify';
import { UsageError, type Command } from '../command';
import { databasePath, openExistingDatabase } from '../database';

/** `ana audit verify`: re-checks the audit hash chain and every signature; non-zero exit on any finding. */
export const auditCommand: Command = {
  name: 'audit',
  summary: 'Verify the audit trail and signatures of a record (exit 1 on tampering)',
  usage: 'ana audit verify [--db FILE]',
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { db: { type: 'string' } } });
    if (positionals[0] !== 'verify' || positionals.length !== 1) throw new UsageError(`unknown sub-command '${positionals.join(' ')}'`);
    const path = databasePath(values.db);
    const db = openExistingDatabase(path, { readonly: true });
    try {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version < SCHEMA_VERSION) {
        throw new DomainError('conflict', `Database ${path} has schema version ${version}; open it once with this application (${SCHEMA_VERSION}) to upgrade it, then verify`);
      }
      const result = verifyRecord(db);
      if (result.ok) {
        console.log(`OK: ${path}: ${result.auditEntries} audit entries, hash chain intact; ${result.signaturesChecked} signature(s) match their signed content.`);
        console.log(`Chain head: ${result.headHash} (note it outside this PC to pin today's log)`);
        return 0;
      }
      console.log(`TAMPERING FOUND in ${path} (${result.problems.length} problem(s); ${result.auditEntries} audit entries, ${result.signaturesChecked} signature(s) checked):`);
      for (const problem of result.problems) console.log(`  - ${problem}`);
      return 1;
    } finally {
      db.close();
    }
  },
};
