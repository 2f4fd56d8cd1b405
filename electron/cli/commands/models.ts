import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import type { FinetuneRunSummary } from '../../contract';
import { learningCurve } from '../../core/models/learning-curve';
import { latestRuns } from '../../core/training/finetune/run-history';
import { listRegistry, promoteModel, rollbackModel, untrainedCallsOf, untrainedOf } from '../../core/models/model-registry';
import type { GateResult } from '../../core/training/finetune/validation-gate';
import { UsageError, type Command } from '../command';
import { databasePath, openExistingDatabase } from '../database';

/** A fine-tuned version's patterns not trained on, and how often it calls them on its training cases; none for other versions. */
export function untrainedLines(manifest: unknown): string[] {
  const untrained = untrainedOf(manifest);
  const calls = untrainedCallsOf(manifest);
  return [
    ...(untrained.length ? [`not trained on ${untrained.join(', ')}: too few training cases held them; thresholds of the version it started from, read through shared layers that did learn`] : []),
    ...(calls ? [`on its ${calls.cases} training cases it calls ${calls.calls.map((c) => `${c.key} ${c.called} times (signed ${c.signed})`).join(', ')}`] : []),
  ];
}

export const modelsCommand: Command = {
  name: 'models',
  summary: "The model registry: list versions, the lab's learning curve, the fine-tuning runs, promote a candidate, roll back to the previous version",
  usage: 'ana models list [--db FILE] [--json]\n  ana models curve [--db FILE] [--json]\n  ana models runs [--db FILE] [--json]\n  ana models promote ID [--db FILE] [--justification TEXT]\n  ana models rollback [--db FILE] [--reason TEXT]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { db: { type: 'string' }, justification: { type: 'string' }, reason: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const [action, idText] = positionals;
    if (!action || !['list', 'curve', 'runs', 'promote', 'rollback'].includes(action)) throw new UsageError("expected 'list', 'curve', 'runs', 'promote ID' or 'rollback'");
    const db = openExistingDatabase(databasePath(values.db));
    const actor = { userId: null, name: `cli:${userInfo().username}` };
    try {
      if (action === 'list') {
        const rows = listRegistry(db);
        if (values.json) {
          console.log(JSON.stringify(rows.map(({ manifest, ...r }) => ({ ...r, untrained: untrainedOf(manifest), untrainedCalls: untrainedCallsOf(manifest) })), null, 2));
          return 0;
        }
        if (rows.length === 0) console.log('No model versions registered yet (the shipped model is registered on the first fine-tuning run).');
        for (const r of rows) {
          const g = (r.validation as { gate?: GateResult } | null)?.gate;
          const gate = g ? ` gate ${g.passed ? 'passed' : 'refused'} (macro-F1 ${g.active.f1_macro.toFixed(3)} → ${g.candidate.f1_macro.toFixed(3)}, mAP ${g.active.map.toFixed(3)} → ${g.candidate.map.toFixed(3)}, ${g.n_images} cases)` : '';
          console.log(`${r.active ? '*' : ' '} ${String(r.id).padStart(3)}  ${r.modelId} ${r.version}  ${r.active ? 'active' : r.status}  ${r.source}${r.parentId ? ` from ${r.parentId}` : ''}${gate}  ${r.dirPath}`);
          if (g && !g.passed) for (const reason of g.reasons) console.log(`        - ${reason}`);
          // Verdicts recorded before the gate measured its spread (2026-12-07) have none.
          if (g?.spread) console.log(`        on another ${g.n_images} cases like these the differences would typically move by ${g.spread.f1_macro.toFixed(3)} (macro-F1) and ${g.spread.map.toFixed(3)} (mAP)`);
          for (const line of untrainedLines(r.manifest)) console.log(`        ${line}`);
        }
        return 0;
      }
      if (action === 'curve') {
        const curve = learningCurve(db);
        if (values.json) {
          console.log(JSON.stringify(curve, null, 2));
          return 0;
        }
        if (curve.points.length === 0) console.log('No candidates trained on signed cases yet (ana finetune, ana adapt).');
        else console.log('version                         recipe  signed (training)  macro-F1  mAP    (on N frozen validation cases)');
        for (const p of curve.points) console.log(`${`${p.version} (id ${p.versionId})`.padEnd(32)}${p.mode.padEnd(8)}${String(p.trainingCases).padStart(17)}  ${p.f1Macro.toFixed(3).padStart(8)}  ${p.map.toFixed(3)}  (${p.validationCases})`);
        for (const j of curve.projections) {
          const signedGain = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(3)}`;
          console.log(`projected, recipe ${j.mode}: doubling the signed cases changes macro-F1 by ${signedGain(j.perDoubling.f1Macro)} and mAP by ${signedGain(j.perDoubling.map)} (straight line against ln(cases) through ${j.points} candidates; a guide, not a promise)`);
        }
        return 0;
      }
      if (action === 'runs') {
        const runs = latestRuns(db, RUNS_LISTED);
        if (values.json) {
          console.log(JSON.stringify(runs, null, 2));
          return 0;
        }
        if (runs.length === 0) console.log('No fine-tuning run in the record yet (ana finetune, or the Models page).');
        for (const r of runs) console.log(`${String(r.id).padStart(4)}  ${r.startedAtMs === null ? '—'.padEnd(20) : new Date(r.startedAtMs).toISOString().slice(0, 16).replace('T', ' ').padEnd(20)}${(r.mode ?? '—').padEnd(12)}${r.status.padEnd(10)}${runOutcome(r)}`);
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

/** Runs `ana models runs` lists, newest first. */
const RUNS_LISTED = 20;

/** How a run ended: its candidate (and the fields it left out), its error, or that it has not ended. */
function runOutcome(r: FinetuneRunSummary): string {
  if (r.status === 'succeeded') return `${r.candidateVersion ?? 'a candidate'}${r.leftOutSlides ? ` (${r.leftOutSlides} signed field(s) left out)` : ''}`;
  if (r.status === 'queued' || r.status === 'running') return 'not ended yet';
  return r.error ?? '';
}
