/**
 * Which segmented objects are candidate mitoses: a logistic model on seven features of each
 * object at the analysis's working resolution (≈ 1 µm/px), fitted on generated fields of five lab
 * styles with the generator's truth and tested on styles it never saw
 * (test/integration/quality/mitosis-fit.ts; docs/field-quality.md, "Mitoses"). It replaced a rule
 * (bright and small) whose calls were right 4 times in 85 on those styles, finding 4 of 45
 * mitoses; its calls are right 17 times in 69 and find 17 of 45. Still mostly wrong, so the count
 * is a candidate count, never a fact: the product says "candidate mitoses (approximate)" and
 * nothing decides on it.
 */

/** Per object, in this order; levels are relative to the field's median object. */
export const MITOSIS_FEATURES = ['brightness', 'area', 'elongation', 'coreElongation', 'coreShare', 'variation', 'peak'] as const;

export interface MitosisModel {
  /** Standardisation of each feature, then weights, bias, and the probability a call needs. */
  mean: number[];
  std: number[];
  weights: number[];
  bias: number;
  threshold: number;
}

/** Fitted by `npx tsx test/integration/quality/mitosis-fit.ts 8` (its last line prints this object). */
export const MITOSIS_MODEL: MitosisModel = {
  mean: [-0.0123, -0.0229, 0.2856, 0.5231, 0.1343, 0.8809, 1.4563],
  std: [0.4767, 0.6205, 0.1843, 0.4083, 0.0525, 0.4234, 0.5892],
  weights: [1.145, 0.5587, -0.1902, 0.3765, -0.6844, -1.0992, -0.2693],
  bias: -0.7991,
  threshold: 0.9,
};

interface Moments {
  n: number;
  x: number;
  y: number;
  xx: number;
  yy: number;
  xy: number;
}

const noMoments = (): Moments => ({ n: 0, x: 0, y: 0, xx: 0, yy: 0, xy: 0 });

function add(m: Moments, x: number, y: number): void {
  m.n++;
  m.x += x;
  m.y += y;
  m.xx += x * x;
  m.yy += y * y;
  m.xy += x * y;
}

/** log of the ratio of the principal axes of a pixel set (0 = round): a metaphase plate is a bar. */
function elongation(m: Moments): number {
  if (m.n < 3) return 0;
  const [mx, my] = [m.x / m.n, m.y / m.n];
  const [a, b, c] = [m.xx / m.n - mx * mx, m.yy / m.n - my * my, m.xy / m.n - mx * my];
  const root = Math.sqrt(((a - b) / 2) ** 2 + c * c);
  return 0.5 * Math.log(Math.max(1e-6, (a + b) / 2 + root) / Math.max(1e-6, (a + b) / 2 - root));
}

/**
 * The MITOSIS_FEATURES of objects 1..count (index 0 and empty objects: null) from the working
 * image (`w` wide), its background and the object labels: brightness and area over the field's
 * median object (log), elongation of the object and of its bright core (pixels a standard
 * deviation above its mean), the core's share of the object, the coefficient of variation, and
 * peak over mean (log).
 */
export function mitosisFeatures(values: Float32Array, background: Float32Array, labels: Int32Array, w: number, count: number): (number[] | null)[] {
  const sum = new Float64Array(count + 1);
  const sum2 = new Float64Array(count + 1);
  const peak = new Float64Array(count + 1);
  const shape = Array.from({ length: count + 1 }, noMoments);
  const core = Array.from({ length: count + 1 }, noMoments);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!c) continue;
    const v = values[i]! - background[i]!;
    sum[c]! += v;
    sum2[c]! += v * v;
    if (v > peak[c]!) peak[c] = v;
    add(shape[c]!, i % w, Math.floor(i / w));
  }
  const mean = (c: number) => sum[c]! / shape[c]!.n;
  const sd = (c: number) => Math.sqrt(Math.max(0, sum2[c]! / shape[c]!.n - mean(c) ** 2));
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (c && values[i]! - background[i]! >= mean(c) + sd(c)) add(core[c]!, i % w, Math.floor(i / w));
  }
  const present = shape.map((m, c) => c > 0 && m.n > 0);
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] ?? 1;
  const medianMean = Math.max(1e-6, median(shape.flatMap((_, c) => (present[c] ? [mean(c)] : []))));
  const medianArea = median(shape.flatMap((m, c) => (present[c] ? [m.n] : [])));
  return shape.map((m, c) => {
    if (!present[c]) return null;
    const mu = mean(c);
    return [
      Math.log(Math.max(1e-6, mu) / medianMean),
      Math.log(m.n / medianArea),
      elongation(m),
      elongation(core[c]!),
      core[c]!.n / m.n,
      sd(c) / Math.max(1e-6, mu),
      Math.log(Math.max(1e-6, peak[c]!) / Math.max(1e-6, mu)),
    ];
  });
}

/** Per object 1..count (index 0 false): whether the model calls it a candidate mitosis. */
export function candidateMitoses(features: (number[] | null)[], model: MitosisModel = MITOSIS_MODEL): boolean[] {
  return features.map((f) => {
    if (!f) return false;
    const z = f.reduce((acc, v, j) => acc + ((v - model.mean[j]!) / model.std[j]!) * model.weights[j]!, model.bias);
    return 1 / (1 + Math.exp(-z)) >= model.threshold;
  });
}
