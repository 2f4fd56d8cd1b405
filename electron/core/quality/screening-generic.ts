/**
 * The screening anchor used until a lab calibrates on its own negative controls: the reference of
 * generated negative fields (`test/integration/quality/screening-fit.ts` prints it). Real
 * microscopes differ from the generator; calibrate (`ana calibrate`) before relying on screening.
 */
import type { ScreeningCalibration } from './screening';

export const GENERIC_CALIBRATION: ScreeningCalibration = {
  source: 'generic',
  calibratedAtMs: 0,
  negatives: 1,
  reference: {
    signalToBackground: { centre: 0.6, scale: 0.1 },
    peakToMean: { centre: 0.75, scale: 0.05 },
    texture: { centre: 0.07, scale: 0.02 },
    innerToOuter: { centre: -0.08, scale: 0.05 },
    outerTexture: { centre: 0.07, scale: 0.02 },
  },
  negativeAgreement: 1,
};
