import { parseArgs } from 'node:util';
import type { DecisionLabel } from '../../contract';
import { UsageError, type Command } from '../command';
import { databasePath } from '../database';
import { findCase, loginFromCli, SESSION_OPTIONS } from '../app-session';

/** `--labels homogeneous,speckled:1:320` (a titer after the key), or `negative` for none. */
export function parseLabels(text: string | undefined): DecisionLabel[] {
  if (text === undefined) throw new UsageError('--labels is required: pattern keys separated by commas (a titer may follow, e.g. speckled:1:320), or negative');
  if (text.trim() === 'negative') return [];
  return text.split(',').map((part) => {
    const [key, ...titer] = part.trim().split(':');
    return titer.length ? { key: key!, titer: titer.join(':') } : { key: key! };
  });
}

/**
 * `ana review decide` (a draft decision, technologist or physician) and `ana review sign`
 * (physicians; the password is checked again, as in the signature dialog). Both go through the
 * app's own channels, so roles, case rules, the audit trail and the reports made on sign-off are
 * the UI's.
 */
export const reviewCommand: Command = {
  name: 'review',
  summary: "Record a case's decision (draft) or sign it off (physicians), as in the review panel",
  usage:
    'ana review decide --case ID|ACCESSION --labels KEY[,KEY...]|negative [--comment TEXT] [--db FILE] --as USER\n' +
    '       ana review sign --case ID|ACCESSION --meaning approved|reviewed [--db FILE] --as USER\n' +
    '  The password is asked on the terminal without echo, or read from the first line of standard input.',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        ...SESSION_OPTIONS,
        case: { type: 'string' },
        labels: { type: 'string' },
        comment: { type: 'string', default: '' },
        meaning: { type: 'string' },
      },
    });
    const action = positionals.join(' ');
    if (action !== 'decide' && action !== 'sign') throw new UsageError("expected 'decide' or 'sign'");
    const labels = action === 'decide' ? parseLabels(values.labels) : [];
    if (action === 'sign' && values.meaning !== 'approved' && values.meaning !== 'reviewed') {
      throw new UsageError(`--meaning must be approved or reviewed (got '${values.meaning ?? ''}')`);
    }
    const session = await loginFromCli(databasePath(values.db), values.as);
    try {
      const kase = await findCase(session, values.case);
      if (action === 'decide') {
        const decision = await session.call('review/save-draft', { caseId: kase.id, labels, comment: values.comment });
        const summary = decision.labels.map((l) => l.key + (l.titer ? ` ${l.titer}` : '')).join(', ') || 'negative';
        console.log(`Saved the draft decision v${decision.version} of ${kase.accessionId}: ${summary}. A physician signs it with 'ana review sign --case ${kase.accessionId} --meaning approved'.`);
        return 0;
      }
      const meaning = values.meaning as 'approved' | 'reviewed';
      const signature = await session.call('review/sign', { caseId: kase.id, password: session.password, meaning });
      console.log(`Signed ${kase.accessionId} (${signature.meaning}) as ${signature.signerName}; content sha256 ${signature.contentSha256}.`);
      console.log(`The PDF and HL7 reports are stored in the record: 'ana report --case ${kase.accessionId} --out FILE.pdf', 'ana export --date YYYY-MM-DD --format hl7'.`);
      return 0;
    } finally {
      await session.close();
    }
  },
};
