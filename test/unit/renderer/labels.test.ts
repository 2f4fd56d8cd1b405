import { describe, expect, it } from 'vitest';
import { unjudgedWords, untrainedWords } from '../../../renderer/src/lib/utils/labels';

describe('unjudgedWords', () => {
  it('names the patterns the gate could not judge by ICAP code and name', () => {
    expect(unjudgedWords(['golgi'])).toBe('Not judged: no validation case holds AC-22 Golgi. Whether this version still finds it is not known until cases with it are signed.');
    expect(unjudgedWords(['nuclear_dots', 'mitochondrial'])).toBe(
      'Not judged: no validation case holds AC-6/7 Nuclear dots, AC-21 Mitochondrial (AMA). Whether this version still finds them is not known until cases with them are signed.',
    );
  });
});

describe('untrainedWords', () => {
  it("names the patterns fine-tuning left out, says they keep the starting version's thresholds but are read through layers that learnt, and asks for a look before relying on them", () => {
    expect(untrainedWords(['golgi'])).toBe(
      'Not trained on AC-22 Golgi: too few of the signed cases this version learnt from hold it, so it keeps the threshold of the version it started from, but the layers it shares with the trained patterns did learn, and how this version reads it can differ. Before relying on it, look at how this version reads a few fields that have it.',
    );
    expect(untrainedWords(['nuclear_dots', 'mitochondrial'])).toMatch(/^Not trained on AC-6\/7 Nuclear dots, AC-21 Mitochondrial \(AMA\): too few .* hold them, so they keep the thresholds of the version it started from, but the layers they share with the trained patterns did learn, and how this version reads them can differ\./);
  });

  it('says how often the version calls each of them on the cases it learnt from against the signed ones, where fine-tuning recorded it', () => {
    const calls = { cases: 247, calls: [{ key: 'nuclear_dots', called: 60, signed: 10 }, { key: 'mitochondrial', called: 4, signed: 10 }] };
    expect(untrainedWords(['nuclear_dots', 'mitochondrial'], calls)).toContain(
      'and how this version reads them can differ. On the 247 cases it learnt from it calls AC-6/7 Nuclear dots on 60, signed on 10; AC-21 Mitochondrial (AMA) on 4, signed on 10: every call beyond the signed cases is a false one, every call short of them a miss. Before relying on them,',
    );
    expect(untrainedWords(['golgi'], null)).toBe(untrainedWords(['golgi']));
  });
});
