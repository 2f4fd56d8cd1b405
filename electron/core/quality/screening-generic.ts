/**
 * The screening anchor used until a lab calibrates on its own negative controls: the reference of
 * 288 generated negative fields (the fitting set of SCREENING_WEIGHTS; `screening-fit.ts` prints it). Real
 * microscopes differ from the generator; calibrate (`ana calibrate`) before relying on screening.
 */
import type { ScreeningCalibration } from './screening';

export const GENERIC_CALIBRATION: ScreeningCalibration = {
  source: 'generic',
  calibratedAtMs: 0,
  negatives: 288,
  reference: {
    signalToBackground: { centre: 0.5421, scale: 0.2776 },
    peakToMean: { centre: 0.7893, scale: 0.094 },
    texture: { centre: 0.0693, scale: 0.0283 },
    innerToOuter: { centre: -0.1217, scale: 0.1296 },
    outerTexture: { centre: 0.0824, scale: 0.0268 },
  },
  negativeAgreement: 1,
};
