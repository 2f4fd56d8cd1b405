/** The validation gate's verdict as the Models page words it for an administrator. */
import { describe, expect, it } from 'vitest';
import type { GateVerdict } from '../../../electron/contract';
import { gateFigures, gateSpreadWords, gateVerdictWords } from '../../../renderer/src/lib/utils/gate';

const refused: GateVerdict = {
  passed: false,
  reasons: ["macro-F1 0.841 is below the active model's 0.850 by more than 0.01; on another 75 cases like these the difference would typically move by 0.021"],
  candidate: { f1Macro: 0.8412, map: 0.9049 },
  active: { f1Macro: 0.85, map: 0.9 },
  validationCases: 75,
  unjudged: [],
  spread: { f1Macro: 0.0213, map: 0.0118 },
};

describe('gate words', () => {
  it('gives both versions’ figures, the one it started from first', () => {
    expect(gateFigures(refused)).toBe('macro-F1 0.850 → 0.841, mAP 0.900 → 0.905 on 75 validation cases');
    expect(gateFigures({ ...refused, validationCases: 1 })).toMatch(/on 1 validation case$/);
  });

  it('says how far the differences would move on another set of as many cases, and nothing for a verdict recorded without it', () => {
    expect(gateSpreadWords(refused)).toBe('On another 75 cases like these, the differences would typically move by 0.021 (macro-F1) and 0.012 (mAP).');
    expect(gateSpreadWords({ ...refused, spread: null })).toBe('');
  });

  it('puts the verdict and the spread together for the promotion dialog', () => {
    expect(gateVerdictWords(refused)).toBe(
      'The validation gate refused it: macro-F1 0.850 → 0.841, mAP 0.900 → 0.905 on 75 validation cases. On another 75 cases like these, the differences would typically move by 0.021 (macro-F1) and 0.012 (mAP).',
    );
    expect(gateVerdictWords({ ...refused, passed: true, reasons: [], spread: null })).toBe('The validation gate passed it: macro-F1 0.850 → 0.841, mAP 0.900 → 0.905 on 75 validation cases.');
  });
});
