import { describe, expect, it } from 'vitest';
import { blendOption } from '../../../electron/cli/options';

describe('--blend and --network-blend', () => {
  it("read 'auto' or a share between 0 and 1, and refuse anything else naming the flag", () => {
    expect(blendOption('auto', '--blend')).toBe('auto');
    expect(blendOption('0.25', '--blend')).toBe(0.25);
    expect(blendOption('1', '--network-blend')).toBe(1);
    expect(() => blendOption('1.5', '--blend')).toThrow(/--blend must be 'auto' or a share between 0 and 1, got '1.5'/);
    expect(() => blendOption('Auto', '--network-blend')).toThrow(/--network-blend must be 'auto'/);
  });
});
