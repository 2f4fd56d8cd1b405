/**
 * Label display helpers over the contract's one vocabulary table (the review rules themselves,
 * thresholds, uncertainty and agreement, are the contract's: review-rules.ts).
 */
import { findLabel, NEGATIVE_ICAP_CODE, type UntrainedCallsSummary } from '../../../../electron/contract';


export function labelName(key: string): string {
  return findLabel(key)?.displayName ?? key;
}

/** ICAP codes of a label, compact: ['AC-8', 'AC-9', 'AC-10'] → 'AC-8/9/10'. */
export function icapCode(key: string): string {
  const codes = findLabel(key)?.icapCodes;
  if (!codes?.length) return key;
  return codes.every((c) => c.startsWith('AC-')) ? `AC-${codes.map((c) => c.slice(3)).join('/')}` : codes.join('/');
}

export function chipText(key: string): string {
  return key === '' ? NEGATIVE_ICAP_CODE : `${icapCode(key)} ${labelName(key)}`;
}

/** The gate's patterns that no validation case holds: it compared nothing on them. */
export function unjudgedWords(keys: readonly string[]): string {
  const them = keys.length === 1 ? 'it' : 'them';
  return `Not judged: no validation case holds ${keys.map(chipText).join(', ')}. Whether this version still finds ${them} is not known until cases with ${them} are signed.`;
}

/**
 * A fine-tuned version's patterns too few training cases held: left out of the loss, they keep the
 * starting version's thresholds, but the layers shared with the trained patterns learnt, so how they
 * are read can change (far from the lab, measurably: docs/lab-adaptation.md). With `calls`, how often
 * the version calls each on the cases it learnt from against the signed ones: the measure of that change.
 */
export function untrainedWords(keys: readonly string[], calls: UntrainedCallsSummary | null = null): string {
  const one = keys.length === 1;
  const counted = calls?.calls.length
    ? ` On the ${calls.cases} cases it learnt from it calls ${calls.calls.map((c) => `${chipText(c.key)} on ${c.called}, signed on ${c.signed}`).join('; ')}: every call beyond the signed cases is a false one, every call short of them a miss.`
    : '';
  return `Not trained on ${keys.map(chipText).join(', ')}: too few of the signed cases this version learnt from hold ${one ? 'it' : 'them'}, so ${one ? 'it keeps the threshold' : 'they keep the thresholds'} of the version it started from, but the layers ${one ? 'it shares' : 'they share'} with the trained patterns did learn, and how this version reads ${one ? 'it' : 'them'} can differ.${counted} Before relying on ${one ? 'it' : 'them'}, look at how this version reads a few fields that have ${one ? 'it' : 'them'}.`;
}

export function percent(probability: number): string {
  return `${Math.round(probability * 100)}%`;
}

export function formatEta(etaMs: number | null): string {
  if (etaMs === null || !Number.isFinite(etaMs)) return 'estimating…';
  const s = Math.max(0, Math.round(etaMs / 1000));
  return s < 60 ? `${s} s left` : `${Math.floor(s / 60)} min ${s % 60} s left`;
}
