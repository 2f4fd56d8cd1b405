/**
 * A deliberately strong "shortcut" baseline for the generator: it sees only global intensity
 * statistics of a field (mean, std, percentiles) and must not be able to tell the patterns apart.
 * Two classifiers (per-label logistic regression and k-nearest neighbours), each with per-label
 * decision thresholds tuned for F1 on the training fields, scored by macro-F1 on held-out fields.
 */
import { LABEL_KEYS } from '../../../electron/contract/labels';

export function intensityFeatures(fitc: Float32Array): number[] {
  const histogram = new Uint32Array(1024);
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < fitc.length; i++) {
    const v = fitc[i]!;
    sum += v;
    sum2 += v * v;
    histogram[Math.min(1023, Math.floor(v * 1023))]!++;
  }
  const mean = sum / fitc.length;
  const std = Math.sqrt(Math.max(0, sum2 / fitc.length - mean * mean));
  const quantile = (q: number) => {
    let seen = 0;
    for (let b = 0; b < 1024; b++) {
      seen += histogram[b]!;
      if (seen >= q * fitc.length) return b / 1023;
    }
    return 1;
  };
  const ps = [0.01, 0.05, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999].map(quantile);
  const features = [mean, std, ...ps];
  // Log and ratio forms let a linear model use relative shape, not only absolute brightness.
  return [...features, ...features.map((v) => Math.log(v + 1e-4)), std / (mean + 1e-4), ps[7]! / (ps[3]! + 1e-4), ps[8]! / (ps[5]! + 1e-4)];
}

export interface Example {
  features: number[];
  labels: string[];
}

function standardise(train: number[][], test: number[][]): [number[][], number[][]] {
  const d = train[0]!.length;
  const mean = Array<number>(d).fill(0);
  const sd = Array<number>(d).fill(0);
  for (const x of train) x.forEach((v, j) => (mean[j]! += v / train.length));
  for (const x of train) x.forEach((v, j) => (sd[j]! += (v - mean[j]!) ** 2 / train.length));
  const z = (x: number[]) => x.map((v, j) => (v - mean[j]!) / (Math.sqrt(sd[j]!) || 1));
  return [train.map(z), test.map(z)];
}

function f1(pred: boolean[], truth: boolean[]): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  pred.forEach((p, i) => {
    if (p && truth[i]) tp++;
    else if (p) fp++;
    else if (truth[i]) fn++;
  });
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

function bestThreshold(scores: number[], truth: boolean[]): number {
  let best = { t: 0.5, f: -1 };
  for (const t of [...new Set(scores)].sort((a, b) => a - b)) {
    const f = f1(scores.map((s) => s >= t), truth);
    if (f > best.f) best = { t, f };
  }
  return best.t;
}

function logisticScores(x: number[][], y: boolean[], xt: number[][]): { train: number[]; test: number[] } {
  const d = x[0]!.length;
  const w = Array<number>(d + 1).fill(0);
  const lr = 0.1;
  const l2 = 1e-3;
  const predict = (v: number[]) => 1 / (1 + Math.exp(-(w[d]! + v.reduce((s, xi, j) => s + xi * w[j]!, 0))));
  for (let epoch = 0; epoch < 300; epoch++) {
    const grad = Array<number>(d + 1).fill(0);
    x.forEach((v, i) => {
      const e = predict(v) - (y[i] ? 1 : 0);
      v.forEach((xi, j) => (grad[j]! += e * xi));
      grad[d]! += e;
    });
    for (let j = 0; j <= d; j++) w[j]! -= lr * (grad[j]! / x.length + (j < d ? l2 * w[j]! : 0));
  }
  return { train: x.map(predict), test: xt.map(predict) };
}

function knnScores(x: number[][], y: boolean[], xt: number[][], k: number): { train: number[]; test: number[] } {
  const score = (v: number[], skipSelf: number) => {
    const d = x.map((u, i) => ({ i, d: i === skipSelf ? Infinity : u.reduce((s, ui, j) => s + (ui - v[j]!) ** 2, 0) }));
    d.sort((a, b) => a.d - b.d);
    return d.slice(0, k).filter((n) => y[n.i]).length / k;
  };
  return { train: x.map((v, i) => score(v, i)), test: xt.map((v) => score(v, -1)) };
}

/** Macro-F1 over the label keys present in the test set, for each classifier. */
export function shortcutMacroF1(train: Example[], test: Example[]): { logistic: number; knn: number; alwaysPositive: number; perLabel: Record<string, { logistic: number; knn: number }> } {
  const [x, xt] = standardise(train.map((e) => e.features), test.map((e) => e.features));
  const result = { logistic: 0, knn: 0, alwaysPositive: 0, perLabel: {} as Record<string, { logistic: number; knn: number }> };
  const keys = LABEL_KEYS.filter((k) => test.some((e) => e.labels.includes(k)));
  for (const key of keys) {
    const y = train.map((e) => e.labels.includes(key));
    const yt = test.map((e) => e.labels.includes(key));
    for (const [name, scores] of [['logistic', logisticScores(x, y, xt)], ['knn', knnScores(x, y, xt, 15)]] as const) {
      const t = bestThreshold(scores.train, y);
      const score = f1(scores.test.map((s) => s >= t), yt);
      result[name] += score / keys.length;
      (result.perLabel[key] ??= { logistic: 0, knn: 0 })[name] = Math.round(score * 100) / 100;
    }
    result.alwaysPositive += f1(yt.map(() => true), yt) / keys.length;
  }
  return result;
}
