import { describe, expect, it } from 'vitest';
import { missingSlidesWords, missingUnnamed } from '../../../renderer/src/lib/utils/finetune-run';

describe('missingSlidesWords', () => {
  it('says nothing when every file was found', () => {
    expect(missingSlidesWords({ slides: 0, cases: 0, paths: [] })).toBe('');
  });

  it('says how many signed fields were left out, how many cases had no other field, and what to do', () => {
    expect(missingSlidesWords({ slides: 1, cases: 0, paths: ['/day/A_F2.png'] })).toBe('1 signed field was left out: its file could not be found where it was read. Restore it and fine-tune again to use it.');
    expect(missingSlidesWords({ slides: 25, cases: 1, paths: ['/day/A_F1.png'] })).toBe(
      '25 signed fields were left out: their files could not be found where they were read (1 case had no other field). Restore them and fine-tune again to use them.',
    );
    expect(missingSlidesWords({ slides: 3, cases: 2, paths: [] })).toContain('(2 cases had no other field)');
    expect(missingUnnamed({ slides: 25, cases: 1, paths: ['/day/A_F1.png'] })).toBe(24);
  });
});
