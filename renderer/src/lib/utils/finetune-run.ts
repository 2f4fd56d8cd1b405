/**
 * Fine-tuning runs in words for the Models page: each recipe's name, what a run left out (signed
 * fields whose files are gone since they were read, or no longer decode: the run trained and judged
 * without them, and the files and reasons let the lab restore them) and how a run in the record ended.
 */
import type { FinetuneReadiness, FinetuneRunSummary, FinetuneState } from '../../../../electron/contract';

const RECIPES: Record<string, string> = { head: 'head fine-tuned', adapt: 'adapted to the lab', 'last-blocks': 'last block', all: 'all layers', thresholds: 'thresholds only' };

/** A recipe (fine-tuning mode) as the page names it; an unknown one as recorded, none as '—'. */
export function recipeWords(mode: string | null): string {
  return mode === null ? '—' : (RECIPES[mode] ?? mode);
}

type LeftOut = NonNullable<FinetuneState['result']>['leftOut'];

/** '' when nothing was left out. */
export function leftOutWords(l: LeftOut): string {
  if (l.slides === 0) return '';
  const one = l.slides === 1;
  const cases = l.cases === 0 ? '' : ` (${l.cases === 1 ? '1 case had' : `${l.cases} cases had`} no other field)`;
  return `${one ? '1 signed field was' : `${l.slides} signed fields were`} left out: ${one ? 'its file is' : 'their files are'} gone or cannot be read${cases}. Restore ${one ? 'it' : 'them'} and fine-tune again to use ${one ? 'it' : 'them'}.`;
}

/** How many left-out files the page does not name (the run's record in the database has every one). */
export function leftOutUnnamed(l: LeftOut): number {
  return l.slides - l.files.length;
}

/** How a run in the record ended: the candidate it registered (and what it left out), why it failed, or that it is still going. */
export function runOutcomeWords(r: FinetuneRunSummary): string {
  if (r.status === 'succeeded') return `${r.candidateVersion ?? 'a candidate'}${r.leftOutSlides ? `; ${r.leftOutSlides} signed field${r.leftOutSlides === 1 ? '' : 's'} left out` : ''}`;
  if (r.status === 'queued' || r.status === 'running') return 'not ended yet';
  return r.error ?? '—';
}

/** What the record offers a run before it starts: enough signed cases or how many more, and the gate's share. */
export function readinessWords(r: FinetuneReadiness): string {
  const held = `The record holds ${r.signedCases} signed case${r.signedCases === 1 ? '' : 's'}`;
  if (r.signedCases < r.minimum) return `${held}; fine-tuning needs ${r.minimum} (${r.minimum - r.signedCases} more to sign).`;
  return `${held}: ${r.signedCases - r.validationCases} to learn from and ${r.validationCases} kept back for the validation gate.`;
}
