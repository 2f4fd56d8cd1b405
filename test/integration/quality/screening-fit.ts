/**
 * Fits the generic screening model on features of generated fields (screening-features.ts):
 * the negatives' reference (the generic calibration) and logistic weights on the z-scores, by
 * gradient descent with a small L2 penalty. Prints both as code for electron/core/quality/, and the
 * in-sample and 2-fold AUC so an overfit shows.
 *   npx tsx test/integration/quality/screening-fit.ts FEATURES.jsonl
 */
import { readFileSync } from 'node:fs';
import type { ScreeningFeatures } from '../../../electron/core/quality/analyse-field';
import { calibrateOnNegatives, SCREENING_FEATURES, zScores, type ScreeningCalibration } from '../../../electron/core/quality/screening';
import { auc } from './roc';

interface Row { labels: string[]; intensity: number; verdict: string; features: ScreeningFeatures }

const rows = readFileSync(process.argv[2]!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row).filter((r) => r.verdict === 'readable');

function fit(train: Row[]): { calibration: ScreeningCalibration; bias: number; weights: number[] } {
  const calibration = calibrateOnNegatives(train.filter((r) => r.labels.length === 0).map((r) => r.features), 0, 'generic');
  const X = train.map((r) => { const z = zScores(r.features, calibration); return SCREENING_FEATURES.map((k) => z[k]); });
  const y = train.map((r) => (r.labels.length > 0 ? 1 : 0));
  const w = new Array(SCREENING_FEATURES.length).fill(0);
  let b = 0;
  const lambda = 1e-3;
  for (let step = 0; step < 20000; step++) {
    const gw = new Array(w.length).fill(0);
    let gb = 0;
    X.forEach((x, i) => {
      const s = b + x.reduce((acc, v, k) => acc + v * w[k], 0);
      const p = 1 / (1 + Math.exp(-s));
      const e = p - y[i]!;
      gb += e;
      x.forEach((v, k) => (gw[k] += e * v));
    });
    const lr = 0.5 / X.length;
    b -= lr * gb;
    w.forEach((_, k) => (w[k] -= lr * (gw[k] + lambda * X.length * w[k])));
  }
  return { calibration, bias: b, weights: w };
}

const score = (m: ReturnType<typeof fit>, r: Row) => { const z = zScores(r.features, m.calibration); return m.bias + SCREENING_FEATURES.reduce((acc, k, i) => acc + m.weights[i]! * z[k], 0); };
const truth = (r: Row) => r.labels.length > 0;

const all = fit(rows);
console.log(`fields ${rows.length} (negatives ${rows.filter((r) => !truth(r)).length}); in-sample AUC ${auc(rows.map((r) => score(all, r)), rows.map(truth)).toFixed(4)}`);
const folds = [rows.filter((_, i) => i % 2 === 0), rows.filter((_, i) => i % 2 === 1)];
const cv = folds.map((test, f) => { const m = fit(folds[1 - f]!); return auc(test.map((r) => score(m, r)), test.map(truth)); });
console.log(`2-fold AUC ${cv.map((a) => a.toFixed(4)).join(', ')}`);
console.log(`bias ${all.bias.toFixed(3)}, weights ${JSON.stringify(Object.fromEntries(SCREENING_FEATURES.map((k, i) => [k, Math.round(all.weights[i]! * 1000) / 1000])))}`);
console.log(`reference ${JSON.stringify(Object.fromEntries(SCREENING_FEATURES.map((k) => [k, { centre: +all.calibration.reference[k]!.centre.toFixed(4), scale: +all.calibration.reference[k]!.scale.toFixed(4) }])))}, negatives ${all.calibration.negatives}`);
