import { describe, expect, it } from 'vitest';
import { unjudgedWords } from '../../../renderer/src/lib/utils/labels';

describe('unjudgedWords', () => {
  it('names the patterns the gate could not judge by ICAP code and name', () => {
    expect(unjudgedWords(['golgi'])).toBe('Not judged: no validation case holds AC-22 Golgi. Whether this version still finds it is not known until cases with it are signed.');
    expect(unjudgedWords(['nuclear_dots', 'mitochondrial'])).toBe(
      'Not judged: no validation case holds AC-6/7 Nuclear dots, AC-21 Mitochondrial (AMA). Whether this version still finds them is not known until cases with them are signed.',
    );
  });
});
