import { describe, expect, it } from 'vitest';
import { atProfilePixelSize } from '../../../../../electron/core/training/finetune/signed-cases';

const slide = (pixelSizeUm: number | null, pixelSizeSource: 'file' | 'profile' | 'model-default' | null) => ({ path: `/f/${pixelSizeSource}`, pixelSizeUm, pixelSizeSource });

describe("fine-tuning's cut of slides read at the assumed pixel size", () => {
  it('takes the profile size only where nothing stated one; without a profile, every slide as read', () => {
    const cases = [{ accessionId: 'A-1', slides: [slide(0.5, 'model-default'), slide(0.2, 'file'), slide(0.3, 'profile'), slide(0.5, null)] }];
    const { cases: cut, resized } = atProfilePixelSize(cases, 0.25);
    expect(resized).toBe(1);
    expect(cut[0]!.slides.map((s) => s.pixelSizeUm)).toEqual([0.25, 0.2, 0.3, 0.5]);
    expect(cases[0]!.slides[0]!.pixelSizeUm).toBe(0.5);
    expect(atProfilePixelSize(cases, null)).toEqual({ cases, resized: 0 });
  });
});
