/** Which signed slides a fine-tuning run can still read: missing files are left out by name, and a group emptied by them fails the run. */
import { describe, expect, it } from 'vitest';
import { FIT_AND_VALIDATION, keepReadableSlides } from '../../../../../electron/core/training/finetune/candidate';
import type { TrainingCase } from '../../../../../electron/core/training/finetune/signed-cases';

const kase = (accessionId: string, ...paths: string[]): TrainingCase => ({ accessionId, labels: [], slides: paths.map((path) => ({ path, pixelSizeUm: 0.5 })) });

describe('keepReadableSlides', () => {
  it('drops the slides whose files are gone, names them, and counts the cases left with none', () => {
    const gone = new Set(['/day/A-2_F2.png', '/day/A-3_F1.png', '/day/A-4_F1.png']);
    const groups = [[kase('A-1', '/day/A-1_F1.png'), kase('A-2', '/day/A-2_F1.png', '/day/A-2_F2.png'), kase('A-3', '/day/A-3_F1.png')], [], [kase('A-4', '/day/A-4_F1.png'), kase('A-5', '/day/A-5_F1.png')]];
    const { kept, missing } = keepReadableSlides(groups, { exists: (path) => !gone.has(path) });
    expect(kept.map((g) => g.map((c) => c.accessionId))).toEqual([['A-1', 'A-2'], [], ['A-5']]);
    expect(kept[0]![1]!.slides.map((s) => s.path)).toEqual(['/day/A-2_F1.png']);
    expect(missing).toEqual({ paths: ['/day/A-2_F2.png', '/day/A-3_F1.png', '/day/A-4_F1.png'], cases: 2 });
    expect(keepReadableSlides(groups, { exists: () => true }).missing).toEqual({ paths: [], cases: 0 });
  });

  it('fails, naming a missing file, when the training or the validation cases lose every one (a folder out of reach); early stopping can do without', () => {
    const groups = [[kase('A-1', '/day/A-1_F1.png')], [kase('A-2', '/share/A-2_F1.png')], [kase('A-3', '/share/A-3_F1.png'), kase('A-4', '/share/A-4_F1.png')]];
    const exists = (path: string) => !path.startsWith('/share/');
    expect(() => keepReadableSlides(groups, { exists, required: FIT_AND_VALIDATION })).toThrow(
      'the field files of 3 of the 4 signed cases cannot be found (3 of 4 slides, e.g. /share/A-2_F1.png), leaving no training or no validation case to use: is the folder the slides were read from reachable?',
    );
    // Only the early-stopping case gone: the run goes on without early stopping's cases.
    const stopGone = keepReadableSlides(groups, { exists: (path) => path !== '/share/A-2_F1.png', required: FIT_AND_VALIDATION });
    expect(stopGone.kept.map((g) => g.length)).toEqual([1, 0, 2]);
    // One group, required by default: the message says so.
    expect(() => keepReadableSlides([groups[2]!], { exists })).toThrow(/leaving no case to use/);
  });
});
