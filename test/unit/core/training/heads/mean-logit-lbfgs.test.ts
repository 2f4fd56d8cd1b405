import { describe, expect, it } from 'vitest';
import { Random } from '../../../../../electron/core/random';
import { bagMeans, fitMeanLogitLbfgs, LBFGS_C_GRID, logisticObjective, minimiseLbfgs } from '../../../../../electron/core/training/heads/mean-logit-lbfgs';
import { fitHead } from '../../../../../electron/core/training/heads/train-model';
import { evaluateScorer, overallScore } from '../../../../../electron/core/training/trainer';
import { LinearHead } from '../../../../../electron/core/training/scorer';
import { defaultTrainerOptions } from '../../../../../electron/core/training/trainer';
import { syntheticBags } from '../synthetic-bags';

const train = syntheticBags({ bags: 160, seed: 1 });
const val = syntheticBags({ bags: 60, seed: 2 });
const test = syntheticBags({ bags: 100, seed: 3 });

describe('mean-logit head by L-BFGS', () => {
  it('L-BFGS finds the minimum of the Rosenbrock function', () => {
    const theta = Float64Array.from([-1.2, 1]);
    const { value } = minimiseLbfgs((t, g) => {
      const [a, b] = [t[0]!, t[1]!];
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    }, theta);
    expect(value).toBeLessThan(1e-8);
    expect(theta[0]).toBeCloseTo(1, 3);
    expect(theta[1]).toBeCloseTo(1, 3);
  });

  it('the logistic objective’s gradient matches finite differences', () => {
    const rng = new Random(3);
    const n = 12;
    const D = 5;
    const x = Float64Array.from({ length: n * D }, () => rng.normal(0, 1));
    const y = Float64Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0));
    const theta = Float64Array.from({ length: D + 1 }, () => rng.normal(0, 0.5));
    const grad = new Float64Array(D + 1);
    logisticObjective(theta, grad, x, y, n, D, 2);
    for (let j = 0; j <= D; j++) {
      const h = 1e-6;
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[j]! += h;
      minus[j]! -= h;
      const numeric = (logisticObjective(plus, new Float64Array(D + 1), x, y, n, D, 2) - logisticObjective(minus, new Float64Array(D + 1), x, y, n, D, 2)) / (2 * h);
      expect(grad[j]).toBeCloseTo(numeric, 5);
    }
  });

  it('converges: the penalised gradient at the fitted head is (near) zero for every label', () => {
    const head = new LinearHead(train.inputLength, train.labels.length, 1e-2, 1);
    const fit = fitMeanLogitLbfgs(head, train, () => null, { grid: [3] });
    expect(fit.c).toBe(3);
    const D = train.inputLength;
    const K = train.labels.length;
    const B = train.bagOffsets.length - 1;
    const x = bagMeans(train);
    for (let k = 0; k < K; k++) {
      const theta = Float64Array.from([...head.weights.subarray(k * D, (k + 1) * D), head.bias[k]!]);
      const y = Float64Array.from({ length: B }, (_, b) => train.bagLabels[b * K + k]!);
      const grad = new Float64Array(D + 1);
      const value = logisticObjective(theta, grad, x, y, B, D, 3);
      expect(Math.max(...grad.map(Math.abs))).toBeLessThan(1e-3 * Math.max(1, value));
    }
  });

  it('through fitHead: learns the synthetic bags, keeps the C with the best validation score, and is deterministic', () => {
    const options = { ...defaultTrainerOptions, method: 'mean-logit' as const, solver: 'lbfgs' as const };
    const a = fitHead(train, val, options);
    const b = fitHead(train, val, options);
    expect(Array.from(a.head.weights)).toEqual(Array.from(b.head.weights));
    const tried = a.training.lbfgs!.tried;
    expect(tried.map((t) => t.c)).toEqual(LBFGS_C_GRID);
    const bestScore = Math.max(...tried.map((t) => t.validationScore));
    expect(tried.find((t) => t.c === a.training.lbfgs!.c)!.validationScore).toBe(bestScore);
    expect(overallScore(a.training.validation!)).toBeCloseTo(bestScore, 12);
    expect(a.training.epochs).toHaveLength(LBFGS_C_GRID.length);
    expect(a.training.pooling).toBe('mean-logit');
    const folded = a.head.folded(a.stats.mean, a.stats.std);
    const raw = new LinearHead(train.inputLength, train.labels.length, 1e-2, 1);
    raw.weights.set(folded.weights);
    raw.bias.set(folded.bias);
    expect(evaluateScorer(raw, test, 'mean-logit').map).toBeGreaterThan(0.9);
  });

  it('refuses L-BFGS for a method other than mean-logit', () => {
    expect(() => fitHead(train, val, { ...defaultTrainerOptions, method: 'mean', solver: 'lbfgs' })).toThrow(/mean-logit head only/);
  });
});
