import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dayQc } from '../../core/qc/day-qc';
import { renderDayQcPdf } from '../../core/qc/day-qc-pdf';
import { confusionRows, confusionColumns, dayQcText, INTERVAL_NOTE, textTable } from '../../core/qc/day-qc-text';
import { percentText } from '../../contract';
import { modelEvidence } from '../../core/qc/model-evidence';
import { loadReportSettings } from '../../core/reports/report-record';
import { UsageError, type Command } from '../command';
import { databasePath, openExistingDatabase } from '../database';

/** `ana qc`: the Today page's figures for scripts, and the per-version evidence of the Models page. */
export const qcCommand: Command = {
  name: 'qc',
  summary: "The day's figures with the drift alarm (as on the Today page), or per-version model evidence",
  usage:
    'ana qc [--day YYYY-MM-DD] [--db FILE] [--json] [--pdf FILE]\n' +
    '  ana qc evidence [--version V] [--db FILE] [--json]\n' +
    "  --day: the lab's calendar day (its report time zone), default today. Exit code 3 when the drift alarm is raised.",
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { day: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean', default: false }, pdf: { type: 'string' }, version: { type: 'string' } },
    });
    const [action] = positionals;
    if (action !== undefined && action !== 'evidence') throw new UsageError(`unknown action '${action}': expected none (the day) or 'evidence'`);
    const db = openExistingDatabase(databasePath(values.db), { readonly: true });
    try {
      if (action === 'evidence') {
        const all = modelEvidence(db).filter((e) => values.version === undefined || e.version === values.version);
        if (values.version !== undefined && all.length === 0) throw new UsageError(`no model version '${values.version}' in the record (see ana models list)`);
        if (values.json) {
          console.log(JSON.stringify(all, null, 2));
          return 0;
        }
        for (const e of all) {
          console.log(`${e.modelId} ${e.version}: ${e.cases} signed cases, ${e.exactMatches} signed exactly as suggested (${percentText(e.cases ? e.exactMatches / e.cases : null)})`);
          if (e.cases) console.log(`${INTERVAL_NOTE}\n${textTable(confusionColumns().map((c) => c.title), confusionRows(e))}`);
          console.log('');
        }
        if (all[0]?.mixedVersionCases) console.log(`${all[0].mixedVersionCases} signed case(s) read by more than one version are in no table.`);
        return 0;
      }
      if (values.version !== undefined) throw new UsageError('--version goes with `ana qc evidence`');
      const qc = dayQc(db, { date: values.day });
      if (values.pdf) {
        const path = resolve(values.pdf);
        writeFileSync(path, await renderDayQcPdf(qc, loadReportSettings(db).lab.name));
        console.error(`wrote ${path}`);
      }
      console.log(values.json ? JSON.stringify(qc, null, 2) : dayQcText(qc));
      return qc.drift.alarm ? 3 : 0;
    } finally {
      db.close();
    }
  },
};
