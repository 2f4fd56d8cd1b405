/**
 * The screening anchor used until a lab calibrates on its own negative controls: the reference of
 * 152 generated negative fields (the fitting set of SCREENING_WEIGHTS; `screening-fit.ts` prints it). Real
 * microscopes differ from the generator; calibrate (`ana calibrate`) before relying on screening.
 */
import type { ScreeningCalibration } from './screening';

export const GENERIC_CALIBRATION: ScreeningCalibration = {
  source: 'generic',
  calibratedAtMs: 0,
  negatives: 152,
  reference: {
    signalToBackground: { centre: 0.5376, scale: 0.2585 },
    peakToMean: { centre: 0.7911, scale: 0.0912 },
    texture: { centre: 0.0704, scale: 0.0251 },
    innerToOuter: { centre: -0.1093, scale: 0.1439 },
    outerTexture: { centre: 0.0843, scale: 0.0258 },
  },
  negativeAgreement: 1,
};
