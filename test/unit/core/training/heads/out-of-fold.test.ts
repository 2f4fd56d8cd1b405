import { describe, expect, it } from 'vitest';
import { outOfFoldScores, fitHead, headScorer } from '../../../../../electron/core/training/heads/train-model';
import { bagCount, subsetBags } from '../../../../../electron/core/training/dataset';
import { defaultTrainerOptions, scoreBags } from '../../../../../electron/core/training/trainer';
import { syntheticBags } from '../synthetic-bags';

const trainer = { ...defaultTrainerOptions, method: 'mean-logit' as const, solver: 'lbfgs' as const, seed: 3 };

describe('out-of-fold scores (thresholds from every signed case)', () => {
  const train = syntheticBags({ bags: 60, seed: 1, noise: 1.2 });
  const val = syntheticBags({ bags: 15, seed: 2, noise: 1.2 });
  val.bagIds = val.bagIds.map((id) => `v${id}`);

  it('scores every training and early-stopping case once, deterministically, whatever their order', () => {
    const a = outOfFoldScores(train, val, trainer);
    expect(a.imageCount).toBe(75);
    expect(a.labelCount).toBe(4);
    const positives = (t: ArrayLike<number>): number => Array.from(t).reduce((s, v) => s + v, 0);
    expect(positives(a.truth)).toBe(positives(train.bagLabels) + positives(val.bagLabels));
    expect(Array.from(outOfFoldScores(train, val, trainer).scores)).toEqual(Array.from(a.scores));
    // Reversing the bags deals the same folds (by id): the same scores, in the new order within each fold.
    const reversed = subsetBags(train, Array.from({ length: 60 }, (_, i) => 59 - i));
    const sorted = (s: ArrayLike<number>): number[] => Array.from(s).sort((x, y) => x - y);
    expect(sorted(outOfFoldScores(reversed, val, trainer).scores)).toEqual(sorted(a.scores));
  });

  it('never scores a case with a head that saw it: out of fold, noise labels score like noise', () => {
    // Labels shuffled across bags: nothing to learn, so a head that saw a bag fits it better than one that did not.
    const noisy = { ...train, bagLabels: Uint8Array.from(train.bagLabels).reverse() };
    const K = noisy.labels.length;
    const logLoss = (truth: ArrayLike<number>, scores: ArrayLike<number>): number => Array.from(scores).reduce((s, p, i) => s - Math.log(truth[i]! ? Math.max(p, 1e-9) : Math.max(1 - p, 1e-9)), 0) / scores.length;
    const inSample = fitHead(noisy, null, trainer);
    const folded = inSample.head.folded(inSample.stats.mean, inSample.stats.std);
    const inScores = scoreBags(headScorer(folded.weights, folded.bias, noisy.inputLength, K), noisy, inSample.training.pooling);
    const oof = outOfFoldScores(noisy, null, trainer);
    expect(oof.imageCount).toBe(bagCount(noisy));
    expect(logLoss(oof.truth, oof.scores)).toBeGreaterThan(logLoss(noisy.bagLabels, inScores));
  });
});
