/** Which signed slides a fine-tuning run can still use: the others are left out with their reason, and a required group emptied by them fails the run. */
import { describe, expect, it } from 'vitest';
import { FIT_AND_VALIDATION, joinLeftOut, leaveOutSlides } from '../../../../../electron/core/training/finetune/candidate';
import type { TrainingCase } from '../../../../../electron/core/training/finetune/signed-cases';

const kase = (accessionId: string, ...paths: string[]): TrainingCase => ({ accessionId, labels: [], slides: paths.map((path) => ({ path, pixelSizeUm: 0.5 })) });

describe('leaveOutSlides', () => {
  it('drops the slides it is given a reason for, lists them with it, and counts the cases left with none', () => {
    const problems = new Map([
      ['/day/A-2_F2.png', 'file not found'],
      ['/day/A-3_F1.png', 'PNG file is damaged or truncated (premature end)'],
      ['/day/A-4_F1.png', 'file not found'],
    ]);
    const groups = [[kase('A-1', '/day/A-1_F1.png'), kase('A-2', '/day/A-2_F1.png', '/day/A-2_F2.png'), kase('A-3', '/day/A-3_F1.png')], [], [kase('A-4', '/day/A-4_F1.png'), kase('A-5', '/day/A-5_F1.png')]];
    const { kept, leftOut } = leaveOutSlides(groups, (path) => problems.get(path) ?? null);
    expect(kept.map((g) => g.map((c) => c.accessionId))).toEqual([['A-1', 'A-2'], [], ['A-5']]);
    expect(kept[0]![1]!.slides.map((s) => s.path)).toEqual(['/day/A-2_F1.png']);
    expect(leftOut).toEqual({ slides: [...problems].map(([path, reason]) => ({ path, reason })), cases: 2 });
    expect(leaveOutSlides(groups, () => null).leftOut).toEqual({ slides: [], cases: 0 });
    expect(joinLeftOut(leftOut, { slides: [{ path: '/x.png', reason: 'file not found' }], cases: 1 })).toEqual({ slides: [...leftOut.slides, { path: '/x.png', reason: 'file not found' }], cases: 3 });
  });

  it('fails, naming a file and its reason, when the training or the validation cases lose every one (a folder out of reach); early stopping can do without', () => {
    const groups = [[kase('A-1', '/day/A-1_F1.png')], [kase('A-2', '/share/A-2_F1.png')], [kase('A-3', '/share/A-3_F1.png'), kase('A-4', '/share/A-4_F1.png')]];
    const gone = (path: string) => (path.startsWith('/share/') ? 'file not found' : null);
    expect(() => leaveOutSlides(groups, gone, FIT_AND_VALIDATION)).toThrow(
      'the field files of 3 of the 4 signed cases cannot be used (3 of 4 slides; e.g. /share/A-2_F1.png: file not found), leaving no training or no validation case to use: is the folder the slides were read from reachable?',
    );
    // Only the early-stopping case gone: the run goes on without early stopping's cases.
    const stopGone = leaveOutSlides(groups, (path) => (path === '/share/A-2_F1.png' ? 'file not found' : null), FIT_AND_VALIDATION);
    expect(stopGone.kept.map((g) => g.length)).toEqual([1, 0, 2]);
    // One group, required by default: the message says so.
    expect(() => leaveOutSlides([groups[2]!], gone)).toThrow(/leaving no case to use/);
  });
});
