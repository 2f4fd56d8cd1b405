/**
 * Fits the generic screening model on features of generated fields (screening-features.ts): the
 * negatives' reference (the generic calibration) and the non-negative weights of each feature's
 * excess over the negatives (screening.ts, `ScreeningModel`), by projected
 * gradient descent on a weighted logistic loss with a small L2 penalty. Negatives and positives
 * weigh half each, and among the positives every pattern weighs the same (a field with two
 * patterns splits its weight), so the rarer cytoplasmic patterns count as much as the nuclear
 * ones. Prints the model as code for electron/core/quality/, in-sample and 2-fold AUC, and with
 * `--eval` the figures on held-out feature files: AUC, specificity, sensitivity by titer, by
 * pattern and by lab style, for the fitted model and for the signed linear model it replaced.
 *   npx tsx test/integration/quality/screening-fit.ts FIT.jsonl [--eval HELD_OUT.jsonl ...]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ScreeningFeatures } from '../../../electron/core/quality/analyse-field';
import { calibrateOnNegatives, featureVector, positiveProbability, SCREENING_FEATURES, type ScreeningCalibration, type ScreeningModel, zScores } from '../../../electron/core/quality/screening';
import { GENERIC_CALIBRATION } from '../../../electron/core/quality/screening-generic';
import { auc } from './roc';

interface Row { labels: string[]; level: string; style: string; verdict: string; features: ScreeningFeatures }

const { values, positionals } = parseArgs({ allowPositionals: true, options: { eval: { type: 'string', multiple: true, default: [] } } });
const load = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row).filter((r) => r.verdict === 'readable');
const rows = load(positionals[0]!);
const K = SCREENING_FEATURES.length;

/** Negatives weigh half, positives half, shared equally between patterns. */
function sampleWeights(train: Row[]): number[] {
  const negatives = train.filter((r) => r.labels.length === 0).length;
  const perPattern = new Map<string, number>();
  for (const r of train) for (const l of r.labels) perPattern.set(l, (perPattern.get(l) ?? 0) + 1 / r.labels.length);
  return train.map((r) => (r.labels.length === 0 ? 0.5 / negatives : r.labels.reduce((acc, l) => acc + 0.5 / perPattern.size / perPattern.get(l)! / r.labels.length, 0)));
}

function excess(r: Row, calibration: ScreeningCalibration): number[] {
  const z = zScores(r.features, calibration);
  return SCREENING_FEATURES.map((k) => Math.max(0, z[k]));
}

function fit(train: Row[]): { calibration: ScreeningCalibration; model: ScreeningModel } {
  const calibration = calibrateOnNegatives(train.filter((r) => r.labels.length === 0).map((r) => r.features), 0, 'generic');
  const X = train.map((r) => excess(r, calibration));
  const y = train.map((r) => (r.labels.length > 0 ? 1 : 0));
  const sw = sampleWeights(train);
  const w = new Array<number>(K).fill(0);
  let b = 0;
  const lambda = 1e-3;
  for (let step = 0; step < 20000; step++) {
    const gw = new Array<number>(w.length).fill(0);
    let gb = 0;
    X.forEach((x, i) => {
      const s = b + x.reduce((acc, v, k) => acc + v * w[k]!, 0);
      const e = (1 / (1 + Math.exp(-s)) - y[i]!) * sw[i]!;
      gb += e;
      x.forEach((v, k) => (gw[k]! += e * v));
    });
    const lr = 0.5;
    b -= lr * gb;
    // Projected: a direction away from the negatives may only add evidence of staining.
    w.forEach((_, k) => (w[k] = Math.max(0, w[k]! - lr * (gw[k]! + lambda * w[k]!))));
  }
  const round3 = (v: number) => Math.round(v * 1000) / 1000;
  const weights = Object.fromEntries(SCREENING_FEATURES.map((k, i) => [k, round3(w[i]!)])) as ScreeningModel['weights'];
  return { calibration, model: { bias: round3(b), weights } };
}

const isPositive = (r: Row) => r.labels.length > 0;
const all = fit(rows);
const p = (m: ReturnType<typeof fit>, r: Row) => positiveProbability(r.features, m.calibration, m.model);
console.log(`fields ${rows.length} (negatives ${rows.filter((r) => !isPositive(r)).length}); in-sample AUC ${auc(rows.map((r) => p(all, r)), rows.map(isPositive)).toFixed(4)}`);
const folds = [rows.filter((_, i) => i % 2 === 0), rows.filter((_, i) => i % 2 === 1)];
console.log(`2-fold AUC ${folds.map((test, f) => { const m = fit(folds[1 - f]!); return auc(test.map((r) => p(m, r)), test.map(isPositive)).toFixed(4); }).join(', ')}`);
console.log(`model ${JSON.stringify(all.model)}`);
console.log(`reference ${JSON.stringify(Object.fromEntries(SCREENING_FEATURES.map((k) => [k, { centre: +all.calibration.reference[k]!.centre.toFixed(4), scale: +all.calibration.reference[k]!.scale.toFixed(4) }])))}, negatives ${all.calibration.negatives}`);

/** The signed linear model and its generic reference as shipped before (main at 1feca2a), for comparison. */
const BEFORE = {
  bias: -6.843,
  weights: { signalToBackground: 1.353, peakToMean: 0.209, texture: 3.014, innerToOuter: 2.192, outerTexture: -1.243 },
  reference: { signalToBackground: [0.5376, 0.2585], peakToMean: [0.7911, 0.0912], texture: [0.0704, 0.0251], innerToOuter: [-0.1093, 0.1439], outerTexture: [0.0843, 0.0258] },
} as const;
function probabilityBefore(f: ScreeningFeatures): number {
  const v = featureVector(f);
  const s = SCREENING_FEATURES.reduce<number>((acc, k) => acc + BEFORE.weights[k] * ((v[k] - BEFORE.reference[k][0]) / BEFORE.reference[k][1]), BEFORE.bias);
  return 1 / (1 + Math.exp(-s));
}

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} % (${n}/${d})` : '—');
function report(name: string, set: Row[], prob: (r: Row) => number): void {
  const negatives = set.filter((r) => !isPositive(r));
  const positives = set.filter(isPositive);
  const sens = (at: Row[]) => pct(at.filter((r) => prob(r) >= 0.5).length, at.length);
  const aucAgainstNegatives = (at: Row[]) => auc([...at, ...negatives].map(prob), [...at, ...negatives].map(isPositive)).toFixed(3);
  console.log(`  ${name}: AUC ${auc(set.map(prob), set.map(isPositive)).toFixed(4)}, specificity ${pct(negatives.filter((r) => prob(r) < 0.5).length, negatives.length)}, sensitivity ${sens(positives)}`);
  for (const level of ['weak', 'moderate', 'strong', 'very-strong']) {
    const at = positives.filter((r) => r.level === level);
    console.log(`    titer ${level.padEnd(12)} sensitivity ${sens(at).padEnd(18)} AUC vs negatives ${aucAgainstNegatives(at)}`);
  }
  for (const pattern of [...new Set(positives.flatMap((r) => r.labels))].sort()) {
    const at = positives.filter((r) => r.labels.includes(pattern));
    console.log(`    pattern ${pattern.padEnd(17)} sensitivity ${sens(at).padEnd(18)} weak ${sens(at.filter((r) => r.level === 'weak')).padEnd(16)} AUC vs negatives ${aucAgainstNegatives(at)}`);
  }
  const styles = [...new Set(set.map((r) => r.style))].sort();
  if (styles.length > 1) {
    for (const style of styles) {
      const at = set.filter((r) => r.style === style);
      console.log(`    style ${style.padEnd(26)} specificity ${pct(at.filter((r) => !isPositive(r) && prob(r) < 0.5).length, at.filter((r) => !isPositive(r)).length).padEnd(16)} sensitivity ${sens(at.filter(isPositive)).padEnd(16)} weak ${sens(at.filter((r) => isPositive(r) && r.level === 'weak'))}`);
    }
  }
}
for (const path of values.eval ?? []) {
  const set = load(path);
  console.log(`${path}: ${set.length} readable fields`);
  report('fitted model', set, (r) => p(all, r));
  report('shipped model (SCREENING_WEIGHTS, GENERIC_CALIBRATION)', set, (r) => positiveProbability(r.features, GENERIC_CALIBRATION));
  report('signed model before', set, (r) => probabilityBefore(r.features));
}
