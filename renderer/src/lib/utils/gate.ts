/**
 * The validation gate's verdict in words, for the Models page: the figures it compared and how
 * much a difference between them can mean on as few cases as the lab's validation set holds
 * (docs/lab-adaptation.md, *How much a verdict on a few cases says*).
 */
import type { GateVerdict } from '../../../../electron/contract';

const metric = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '—');

/** "macro-F1 0.850 → 0.841, mAP 0.900 → 0.905 on 75 validation cases": the version it started from, then this one. */
export function gateFigures(g: GateVerdict): string {
  return `macro-F1 ${metric(g.active.f1Macro)} → ${metric(g.candidate.f1Macro)}, mAP ${metric(g.active.map)} → ${metric(g.candidate.map)} on ${g.validationCases} validation case${g.validationCases === 1 ? '' : 's'}`;
}

/** How far the two differences would typically move on another validation set of the same size; '' when the verdict has no spread (recorded before the gate measured it). */
export function gateSpreadWords(g: GateVerdict): string {
  if (!g.spread) return '';
  return `On another ${g.validationCases} cases like these, the differences would typically move by ${metric(g.spread.f1Macro)} (macro-F1) and ${metric(g.spread.map)} (mAP).`;
}

/** What an administrator reads before promoting a version by hand: the verdict and how much its figures can tell (its reasons are listed apart). */
export function gateVerdictWords(g: GateVerdict): string {
  const spread = gateSpreadWords(g);
  return `The validation gate ${g.passed ? 'passed' : 'refused'} it: ${gateFigures(g)}.${spread ? ` ${spread}` : ''}`;
}
