import { describe, expect, it } from 'vitest';
import { leftOutUnnamed, leftOutWords } from '../../../renderer/src/lib/utils/finetune-run';

describe('leftOutWords', () => {
  it('says nothing when every file was used', () => {
    expect(leftOutWords({ slides: 0, cases: 0, files: [] })).toBe('');
  });

  it('says how many signed fields were left out, how many cases had no other field, and what to do', () => {
    const file = { path: '/day/A_F2.png', reason: 'file not found' };
    expect(leftOutWords({ slides: 1, cases: 0, files: [file] })).toBe('1 signed field was left out: its file is gone or cannot be read. Restore it and fine-tune again to use it.');
    expect(leftOutWords({ slides: 25, cases: 1, files: [file] })).toBe('25 signed fields were left out: their files are gone or cannot be read (1 case had no other field). Restore them and fine-tune again to use them.');
    expect(leftOutWords({ slides: 3, cases: 2, files: [] })).toContain('(2 cases had no other field)');
    expect(leftOutUnnamed({ slides: 25, cases: 1, files: [file] })).toBe(24);
  });
});
