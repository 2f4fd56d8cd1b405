import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { listRegistry, promoteModel, rollbackModel } from '../../core/models/model-registry';
import { UsageError, type Command } from '../command';
import { databasePath, openExistingDatabase } from '../database';

export const modelsCommand: Command = {
  name: 'models',
  summary: 'The model registry: list versions, promote a candidate, roll back to the previous version',
  usage: 'ana models list [--db FILE] [--json]\n  ana models promote ID [--db FILE] [--justification TEXT]\n  ana models rollback [--db FILE] [--reason TEXT]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { db: { type: 'string' }, justification: { type: 'string' }, reason: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const [action, idText] = positionals;
    if (!action || !['list', 'promote', 'rollback'].includes(action)) throw new UsageError("expected 'list', 'promote ID' or 'rollback'");
    const db = openExistingDatabase(databasePath(values.db));
    const actor = { userId: null, name: `cli:${userInfo().username}` };
    try {
      if (action === 'list') {
        const rows = listRegistry(db);
        if (values.json) {
          console.log(JSON.stringify(rows.map(({ manifest: _m, ...r }) => r), null, 2));
          return 0;
        }
        if (rows.length === 0) console.log('No model versions registered yet (the shipped model is registered on the first fine-tuning run).');
        for (const r of rows) {
          const v = r.validation as { gate?: { passed: boolean; reasons: string[]; candidate: { f1_macro: number; map: number } } } | null;
          const gate = v?.gate ? ` gate ${v.gate.passed ? 'passed' : 'refused'} (macro-F1 ${v.gate.candidate.f1_macro.toFixed(3)}, mAP ${v.gate.candidate.map.toFixed(3)})` : '';
          console.log(`${r.active ? '*' : ' '} ${String(r.id).padStart(3)}  ${r.modelId} ${r.version}  ${r.active ? 'active' : r.status}  ${r.source}${r.parentId ? ` from ${r.parentId}` : ''}${gate}  ${r.dirPath}`);
          if (v?.gate && !v.gate.passed) for (const reason of v.gate.reasons) console.log(`        - ${reason}`);
        }
        return 0;
      }
      if (action === 'promote') {
        const id = Number(idText);
        if (!Number.isInteger(id)) throw new UsageError('promote needs the numeric id of a version (see ana models list)');
        const row = promoteModel(db, id, actor, { justification: values.justification });
        console.log(`${row.modelId} ${row.version} (id ${row.id}) is now the active model`);
        return 0;
      }
      const { from, to } = rollbackModel(db, actor, values.reason ?? '');
      console.log(`rolled back from ${from.modelId} ${from.version} (id ${from.id}) to ${to.modelId} ${to.version} (id ${to.id}); new readings use ${to.version}`);
      return 0;
    } finally {
      db.close();
    }
  },
};
