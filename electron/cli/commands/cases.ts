import { parseArgs } from 'node:util';
import type { CaseDetail, CaseListItem } from '../../contract';
import { UsageError, type Command } from '../command';
import { databasePath } from '../database';
import { findCase, loginFromCli, SESSION_OPTIONS } from '../app-session';

const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const percent = (p: number) => `${Math.round(p * 100)}%`;

function listLine(c: CaseListItem): string {
  const suggestion = c.predictedLabels.length ? c.predictedLabels.join(' ') : 'negative';
  return [String(c.id).padStart(4), c.accessionId.padEnd(12), c.status.padEnd(9), `${c.slideCount} slide(s)`, suggestion + (c.uncertain ? '  (uncertain)' : '')].join('  ');
}

function detailText(c: CaseDetail): string {
  const lines = [
    `case ${c.id}  ${c.accessionId}  ${c.status}  received ${when(c.receivedAtMs)}`,
    `patient: ${c.patientId ?? '—'} ${c.patientName ?? ''}${c.patientBirthDate ? ` (born ${c.patientBirthDate})` : ''}${c.runId ? `  run ${c.runId}` : ''}`,
    'readings:',
    ...c.readings.map((r) => {
      const slide = c.slides.find((s) => s.id === r.slideId)?.fileName ?? `slide ${r.slideId}`;
      if (r.status === 'failed') return `  ${slide}: failed (${r.error ?? 'no message'})`;
      const top = [...r.probabilities].sort((a, b) => b.probability - a.probability).slice(0, 3);
      return `  ${slide}: ${r.predictedLabels.join(' ') || 'negative'}  [${top.map((p) => `${p.key} ${percent(p.probability)}`).join(', ')}]  ${r.modelId} ${r.modelVersion} on ${r.provider}`;
    }),
    'decisions:',
    ...c.decisions.map((d) => `  v${d.version} ${d.state}: ${d.labels.map((l) => l.key + (l.titer ? ` ${l.titer}` : '')).join(' ') || 'negative'}${d.comment ? `  "${d.comment}"` : ''}`),
    'signatures:',
    ...c.signatures.map((s) => `  ${s.meaning} by ${s.signerName} at ${when(s.signedAtMs)}  sha256 ${s.contentSha256}${s.valid ? '' : '  INVALID'}`),
  ];
  return lines.join('\n');
}

/** `ana cases list|show`: the worklist and one case, as a logged-in user sees them in the UI. */
export const casesCommand: Command = {
  name: 'cases',
  summary: 'List the worklist or show one case (readings, decisions, signatures) as a logged-in user',
  usage: 'ana cases list [--db FILE] --as USER [--status new|read|in_review|signed|amended] [--json]\n       ana cases show ID|ACCESSION [--db FILE] --as USER [--json]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...SESSION_OPTIONS, status: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const [action, ref] = positionals;
    if (action !== 'list' && action !== 'show') throw new UsageError("expected 'list' or 'show ID|ACCESSION'");
    const session = await loginFromCli(databasePath(values.db), values.as);
    try {
      if (action === 'list') {
        const request = values.status ? { status: values.status as CaseListItem['status'] } : {};
        const cases = await session.call('cases/list', request);
        if (values.json) console.log(JSON.stringify(cases, null, 2));
        else if (cases.length === 0) console.log('No cases.');
        else for (const c of cases) console.log(listLine(c));
        return 0;
      }
      const kase = await findCase(session, ref);
      console.log(values.json ? JSON.stringify(kase, null, 2) : detailText(kase));
      return 0;
    } finally {
      await session.close();
    }
  },
};
