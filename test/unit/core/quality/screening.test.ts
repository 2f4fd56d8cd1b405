import { describe, expect, it } from 'vitest';
import type { ScreeningFeatures } from '../../../../electron/core/quality/analyse-field';
import { calibrateOnNegatives, positiveProbability, screen } from '../../../../electron/core/quality/screening';
import { GENERIC_CALIBRATION } from '../../../../electron/core/quality/screening-generic';
import { Random } from '../../../../electron/core/random';

const rng = new Random(3);
// Texture in the whole cell and in its rim move together from field to field (exposure, noise, focus).
const negative = (): ScreeningFeatures => {
  const grain = rng.normal(0, 0.01);
  return {
    signalToBackground: 1.8 * Math.exp(rng.normal(0, 0.1)),
    peakToMean: 2.1 * Math.exp(rng.normal(0, 0.05)),
    texture: 0.06 + grain + rng.normal(0, 0.002),
    innerToOuter: 0.95 * Math.exp(rng.normal(0, 0.05)),
    outerTexture: 0.07 + grain + rng.normal(0, 0.002),
  };
};

describe('screening', () => {
  it('calibrates on negatives so that they screen negative, and a nuclear-stained field positive', () => {
    const negatives = Array.from({ length: 30 }, negative);
    const calibration = calibrateOnNegatives(negatives, 5);
    expect(calibration).toMatchObject({ source: 'lab', negatives: 30, calibratedAtMs: 5 });
    expect(calibration.negativeAgreement).toBeGreaterThan(0.9);
    const stained = { ...negative(), innerToOuter: 1.6, texture: 0.12 };
    expect(screen(stained, calibration, 'lab-scope')).toMatchObject({ call: 'positive', profile: 'lab-scope' });
    expect(positiveProbability(stained, calibration)).toBeGreaterThan(positiveProbability(negatives[0]!, calibration));
  });

  it('moves with the lab\'s negatives: a field like this lab\'s negatives is negative under its calibration', () => {
    const brightLab = Array.from({ length: 30 }, () => { const n = negative(); return { ...n, texture: n.texture + 0.05 }; });
    const lab = calibrateOnNegatives(brightLab, 0);
    const field = brightLab[0]!;
    expect(positiveProbability(field, lab)).toBeLessThan(0.5);
    expect(positiveProbability(field, GENERIC_CALIBRATION)).toBeGreaterThan(positiveProbability(field, lab));
  });

  it('counts cytoplasmic staining for a positive, never against it (issue 14: weak mitochondrial fields screened negative)', () => {
    const calibration = calibrateOnNegatives(Array.from({ length: 30 }, negative), 0);
    // A field like the negatives' median, whose nucleus and cytoplasm then change.
    const field = { ...negative(), innerToOuter: Math.exp(calibration.reference.innerToOuter!.centre) };
    const p = positiveProbability(field, calibration);
    // Mitochondrial or Golgi staining: granular cytoplasm, nucleus spared (inner over outer falls).
    expect(positiveProbability({ ...field, outerTexture: field.outerTexture + 0.08 }, calibration)).toBeGreaterThanOrEqual(p);
    expect(positiveProbability({ ...field, innerToOuter: field.innerToOuter * 0.6 }, calibration)).toBeGreaterThanOrEqual(p);
    // A weak cytoplasmic positive (the demo day's A2026-0421_F2, as measured) against the generic anchor.
    const weakMitochondrial = { signalToBackground: 2.616, peakToMean: 2.472, texture: 0.152, innerToOuter: 0.758, outerTexture: 0.165 };
    expect(screen(weakMitochondrial, GENERIC_CALIBRATION, 'generic').call).toBe('positive');
    // The demo day's negatives (as measured) stay negative.
    for (const n of [
      { signalToBackground: 1.419, peakToMean: 1.864, texture: 0.038, innerToOuter: 1.369, outerTexture: 0.052 },
      { signalToBackground: 2.106, peakToMean: 2.296, texture: 0.064, innerToOuter: 0.801, outerTexture: 0.074 },
    ]) expect(screen(n, GENERIC_CALIBRATION, 'generic').call).toBe('negative');
  });

  it('refuses to calibrate on nothing', () => {
    expect(() => calibrateOnNegatives([], 0)).toThrow(/at least one/);
  });
});
