/**
 * Child process for the crash-during-export test: runs a day export and, when the Nth file is
 * complete in the temporary folder but not yet renamed into the outbox, says READY and hangs
 * until the parent kills it (SIGKILL: no cleanup code runs, as in a power cut or a crash).
 */
import { openDatabase } from '../../../electron/core/db/connection';
import { SYSTEM_ACTOR } from '../../../electron/core/db/audit.repo';
import { exportDay } from '../../../electron/core/reports/day-export';
import { resolveReportSettings } from '../../../electron/core/reports/report-settings';

const [dbPath, outboxDir, date, format, hangAt] = process.argv.slice(2);
const db = openDatabase(dbPath!);
let renames = 0;
await exportDay(db, { date: date!, format: format as 'hl7' | 'csv', outboxDir: outboxDir! }, SYSTEM_ACTOR, {
  settings: resolveReportSettings({ timeZone: 'Europe/Berlin' }),
  hooks: {
    beforeRename(tempPath) {
      renames++;
      if (renames === Number(hangAt)) {
        process.stdout.write(`READY ${tempPath}\n`);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // blocks forever
      }
    },
  },
});
process.stdout.write('DONE\n');
