/**
 * Screening: is there any ANA in this field? Decided from the cells' own signal, not from the
 * pattern heads: exposure-free features of the segmented cells (signal over background, brightest
 * spot over mean, fine texture, inner-over-outer brightness, cytoplasmic texture), each expressed
 * against the lab's negative controls as a robust z-score (median, MAD), then a logistic model
 * whose weights were fitted on generated negative and positive fields over the whole titer range
 * (`test/integration/quality/screening-fit.ts`). The lab's negatives move the anchor of every
 * feature to its own microscope and staining; the weights say how far from a negative a positive
 * lies. Without a lab calibration the generator's negatives are the anchor (GENERIC_CALIBRATION).
 */
import { SCREENING_FEATURES, ScreeningCalibration, type ScreeningFeature } from '../slides/profile-thresholds';
import type { Screening } from '../../contract/quality';
import { median, type ScreeningFeatures } from './analyse-field';

export { SCREENING_FEATURES, ScreeningCalibration, type ScreeningFeature };

/**
 * The screening model: a logistic function of how far each feature lies above the negatives, with
 * non-negative weights: `bias + Σ weight · max(0, z)`. A feature may only add evidence of staining,
 * never count as evidence of a negative. The first model was linear in the signed z-scores and
 * learned "cytoplasm brighter or more granular than the nucleus" as evidence of a negative (the
 * non-specific staining of negatives is cytoplasmic, and cytoplasmic patterns were a small share
 * of its fitting set), so weak mitochondrial and Golgi fields screened negative. A two-sided
 * variant (a separate weight for each feature below the negatives) was fitted too: every "below"
 * weight came out zero. Fitted by `screening-fit.ts` with every pattern weighing the same among the
 * positives; refit when the features change. Figures: docs/field-quality.md.
 */
export interface ScreeningModel {
  bias: number;
  /** Weight (≥ 0) of max(0, z): the feature above the negatives. */
  weights: Record<ScreeningFeature, number>;
}

export const SCREENING_WEIGHTS: ScreeningModel = {
  // Fitted on 600 generated fields read from their files (ana synth --count 300 --negative-rate 0.5
  // --seed 91 and --seed 95; 288 negatives): 2-fold AUC 0.997 / 0.994.
  bias: -9.315,
  weights: { signalToBackground: 1.612, peakToMean: 0.413, texture: 3.345, innerToOuter: 1.925, outerTexture: 0 },
};

/** The features on the scale the model is linear in: logs of ratios, texture as it is. */
export function featureVector(f: ScreeningFeatures): Record<ScreeningFeature, number> {
  const log = (v: number) => Math.log(Math.max(v, 1e-3));
  return {
    signalToBackground: log(f.signalToBackground),
    peakToMean: log(f.peakToMean),
    texture: f.texture,
    innerToOuter: log(f.innerToOuter),
    outerTexture: f.outerTexture,
  };
}

export function zScores(f: ScreeningFeatures, calibration: ScreeningCalibration): Record<ScreeningFeature, number> {
  const v = featureVector(f);
  const out = {} as Record<ScreeningFeature, number>;
  for (const k of SCREENING_FEATURES) {
    const ref = calibration.reference[k]!;
    out[k] = (v[k] - ref.centre) / ref.scale;
  }
  return out;
}

export function positiveProbability(f: ScreeningFeatures, calibration: ScreeningCalibration, model: ScreeningModel = SCREENING_WEIGHTS): number {
  const z = zScores(f, calibration);
  let s = model.bias;
  for (const k of SCREENING_FEATURES) s += model.weights[k] * Math.max(0, z[k]);
  return s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
}

export function screen(f: ScreeningFeatures, calibration: ScreeningCalibration, profileName: string): Screening {
  const p = positiveProbability(f, calibration);
  return { call: p >= 0.5 ? 'positive' : 'negative', positiveProbability: Math.round(p * 1e4) / 1e4, profile: profileName };
}

/** Reference (median, 1.4826·MAD with a floor) of each feature over negative-control fields. */
export function calibrateOnNegatives(negatives: ScreeningFeatures[], nowMs: number, source: ScreeningCalibration['source'] = 'lab'): ScreeningCalibration {
  if (negatives.length === 0) throw new RangeError('screening calibration needs at least one readable negative field');
  const vectors = negatives.map(featureVector);
  const reference = {} as Record<ScreeningFeature, { centre: number; scale: number }>;
  for (const k of SCREENING_FEATURES) {
    const values = vectors.map((v) => v[k]);
    const centre = median(values);
    const mad = median(values.map((v) => Math.abs(v - centre)));
    // A floor keeps one or two identical controls from making every later field "far".
    reference[k] = { centre, scale: Math.max(1.4826 * mad, SCALE_FLOOR[k]) };
  }
  const draft: ScreeningCalibration = { source, calibratedAtMs: nowMs, negatives: negatives.length, reference, negativeAgreement: 1 };
  const agreeing = negatives.filter((f) => positiveProbability(f, draft) < 0.5).length;
  return { ...draft, negativeAgreement: agreeing / negatives.length };
}

/** Smallest spread per feature: about the field-to-field spread of generated negatives' medians. */
const SCALE_FLOOR: Record<ScreeningFeature, number> = { signalToBackground: 0.05, peakToMean: 0.03, texture: 0.01, innerToOuter: 0.03, outerTexture: 0.01 };

