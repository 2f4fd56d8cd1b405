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
import type { ScreeningFeatures } from './analyse-field';

export { SCREENING_FEATURES, ScreeningCalibration, type ScreeningFeature };

/**
 * Logistic weights on the z-scores, and the bias. Fitted by `screening-fit.ts` on generated fields;
 * refit when the features change.
 */
export const SCREENING_WEIGHTS: { bias: number; weights: Record<ScreeningFeature, number> } = {
  // Fitted on 300 generated fields read from their files (ana synth --count 300 --seed 91 --negative-rate 0.5,
  // 152 negatives): 2-fold AUC 0.997 / 0.982; held-out figures in docs/field-quality.md.
  // Fine texture in the cell against texture in its rim: structured nuclear staining; inner over outer: nuclear signal.
  bias: -6.843,
  weights: { signalToBackground: 1.353, peakToMean: 0.209, texture: 3.014, innerToOuter: 2.192, outerTexture: -1.243 },
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

export function positiveProbability(f: ScreeningFeatures, calibration: ScreeningCalibration, model = SCREENING_WEIGHTS): number {
  const z = zScores(f, calibration);
  let s = model.bias;
  for (const k of SCREENING_FEATURES) s += model.weights[k] * z[k];
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
