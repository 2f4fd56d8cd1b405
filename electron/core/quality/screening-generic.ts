/**
 * The screening anchor used until a lab calibrates on its own negative controls: the reference of
 * generated negative fields (`test/integration/quality/screening-fit.ts` prints it). Real
 * microscopes differ from the generator; calibrate (`ana calibrate`) before relying on screening.
 */
import type { ScreeningCalibration } from './screening';

export const GENERIC_CALIBRATION: ScreeningCalibration = {
  source: 'generic',
  calibratedAtMs: 0,
  negatives: 120,
  reference: {
    signalToBackground: { centre: 0.5675, scale: 0.2566 },
    peakToMean: { centre: 0.7687, scale: 0.0967 },
    texture: { centre: 0.0604, scale: 0.0218 },
    innerToOuter: { centre: -0.0085, scale: 0.0992 },
    outerTexture: { centre: 0.0745, scale: 0.0249 },
  },
  negativeAgreement: 1,
};
