import { describe, expect, it } from 'vitest';
import { projectLearningCurve } from '../../../../electron/core/models/learning-curve';

describe("the lab's learning curve", () => {
  it('projects the gain of doubling the signed cases from the slope against ln(cases), per recipe', () => {
    // macro-F1 = 0.3 + 0.05·ln(n): doubling adds 0.05·ln 2 whatever n.
    const at = (n: number, mode = 'head') => ({ mode, trainingCases: n, f1Macro: 0.3 + 0.05 * Math.log(n), map: 0.4 + 0.1 * Math.log(n) });
    const [head, adapt, ...rest] = projectLearningCurve([at(25), at(100), at(300), at(50, 'adapt'), at(200, 'adapt')]);
    expect(rest).toEqual([]);
    expect(head!.mode).toBe('head');
    expect(head!.points).toBe(3);
    expect(head!.perDoubling.f1Macro).toBeCloseTo(0.05 * Math.LN2, 6);
    expect(head!.perDoubling.map).toBeCloseTo(0.1 * Math.LN2, 6);
    expect(adapt!.mode).toBe('adapt');
  });

  it('projects nothing from a single case count', () => {
    expect(projectLearningCurve([{ mode: 'head', trainingCases: 50, f1Macro: 0.5, map: 0.6 }, { mode: 'head', trainingCases: 50, f1Macro: 0.52, map: 0.61 }])).toEqual([]);
  });
});
