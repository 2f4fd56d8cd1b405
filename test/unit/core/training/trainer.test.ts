import { describe, expect, it } from 'vitest';
import { LinearHead } from '../../../../electron/core/training/scorer';
import { bagCount } from '../../../../electron/core/training/dataset';
import { tuneThresholds } from '../../../../electron/core/training/metrics/thresholds';
import { endedAtEpochCap, evaluateScorer, scoreBags, trainScorer, votingLabels, type TrainingMethod } from '../../../../electron/core/training/trainer';
import { syntheticBags } from './synthetic-bags';

const train = syntheticBags({ bags: 160, seed: 1 });
const val = syntheticBags({ bags: 60, seed: 2 });
const test = syntheticBags({ bags: 100, seed: 3 });

function fit(method: TrainingMethod, seed = 1, extra = {}) {
  const head = new LinearHead(train.inputLength, train.labels.length, 1e-2, seed);
  const result = trainScorer(head, train, val, { method, seed, maxEpochs: 12, ...extra });
  return { head, result };
}

describe('trainer', () => {
  it('same seed → identical weights; another seed → different weights', () => {
    const a = fit('spl', 5);
    const b = fit('spl', 5);
    const c = fit('spl', 6);
    expect(Array.from(a.head.weights)).toEqual(Array.from(b.head.weights));
    expect(a.result.epochs.map((e) => e.loss)).toEqual(b.result.epochs.map((e) => e.loss));
    expect(Array.from(a.head.weights)).not.toEqual(Array.from(c.head.weights));
  });

  it.each(['spl', 'plain', 'max', 'mean', 'mean-logit'] as const)('%s learns the synthetic bags (test mAP > 0.9)', (method) => {
    const { head, result } = fit(method);
    const report = evaluateScorer(head, test, result.pooling);
    expect(report.map).toBeGreaterThan(0.9);
    expect(result.bestEpoch).toBeGreaterThanOrEqual(1);
  });

  it('self-paced confidence falls on multi-label patches and never rises', () => {
    const { result } = fit('spl', 1, { lrAlpha: 1e-2 });
    const conf = result.epochs.map((e) => e.meanMultiLabelConfidence!);
    for (let i = 1; i < conf.length; i++) expect(conf[i]).toBeLessThanOrEqual(conf[i - 1]! + 1e-12);
    expect(conf.at(-1)!).toBeLessThan(conf[0]!);
  });

  it('ablation flags run: without sampler, pseudo-labels, coefficients; soft targets; iw-data', () => {
    for (const extra of [{ sampler: false }, { pseudoLabels: false }, { coefficients: false }, { softTargets: true }, { init: 'iw-data' as const }, { coefficientC: 6 }]) {
      const { head, result } = fit('spl', 2, { ...extra, maxEpochs: 3 });
      expect(result.epochs.length).toBeGreaterThan(0);
      expect(evaluateScorer(head, test, 'max').map).toBeGreaterThan(0.5);
    }
  });

  it('leaves the untrained labels out of the loss (spl, plain): their weights stay where they started; the MIL methods refuse them', () => {
    const D = train.inputLength;
    const row = (head: LinearHead, k: number) => [...head.weights.subarray(k * D, (k + 1) * D), head.bias[k]!];
    const start = new LinearHead(D, train.labels.length, 1e-2, 1);
    for (const method of ['spl', 'plain'] as const) {
      const { head } = fit(method, 1, { untrainedLabels: [1], maxEpochs: 3 });
      expect(row(head, 1), method).toEqual(row(start, 1));
      expect(row(head, 0), method).not.toEqual(row(start, 0));
      expect(row(fit(method, 1, { maxEpochs: 3 }).head, 1), method).not.toEqual(row(start, 1));
    }
    expect(() => fit('mean-logit', 1, { untrainedLabels: [1] })).toThrow(/untrained labels are for spl and plain/);
  });

  it('only the trained labels choose the kept epoch: an untrained label\'s validation truth changes no epoch score', () => {
    const K = val.labels.length;
    // Label 1's validation truth inverted: what its output is judged against, and nothing else, changes.
    const flipped = { ...val, bagLabels: val.bagLabels.map((v, i) => (i % K === 1 ? 1 - v : v)) };
    for (const epochSelection of ['overall', 'as-read', 'map-as-read'] as const) {
      const scores = (v: typeof val, untrainedLabels: number[]) => {
        const head = new LinearHead(train.inputLength, K, 1e-2, 1);
        return trainScorer(head, train, v, { method: 'plain', seed: 1, maxEpochs: 4, patience: 100, epochSelection, untrainedLabels }).epochs.map((e) => e.validationScore);
      };
      expect(scores(flipped, [1]), epochSelection).toEqual(scores(val, [1]));
      expect(scores(flipped, []), epochSelection).not.toEqual(scores(val, []));
    }
    expect(votingLabels(3, [1])).toEqual([0, 2]);
    // Where the loss trains no label, every label chooses: something must.
    expect(votingLabels(3, [0, 1, 2])).toEqual([0, 1, 2]);
  });

  it('early stopping restores the best epoch and honours patience', () => {
    const head = new LinearHead(train.inputLength, train.labels.length, 1e-2, 1);
    const result = trainScorer(head, train, val, { method: 'plain', seed: 1, maxEpochs: 40, patience: 2 });
    const scores = result.epochs.map((e) => e.validationScore!);
    const best = Math.max(...scores);
    expect(scores[result.bestEpoch - 1]).toBe(best);
    expect(result.epochs.length - result.bestEpoch).toBeLessThanOrEqual(2);
  });

  it('says when training ended at its epoch cap before early stopping would have', () => {
    const run = (maxEpochs: number, patience: number) => trainScorer(new LinearHead(train.inputLength, train.labels.length, 1e-2, 1), train, val, { method: 'plain', seed: 1, maxEpochs, patience });
    const stopped = run(40, 2);
    expect(stopped.epochs.length).toBeLessThan(40);
    expect(endedAtEpochCap(stopped, { maxEpochs: 40, patience: 2 })).toBe(false);
    const capped = run(3, 10);
    expect(capped.epochs.length).toBe(3);
    expect(endedAtEpochCap(capped, { maxEpochs: 3, patience: 10 })).toBe(true);
    // At the cap, patience epochs after the best: early stopping would have ended there too.
    const epochs = Array.from({ length: 30 });
    expect(endedAtEpochCap({ epochs, bestEpoch: 20 }, { maxEpochs: 30, patience: 10 })).toBe(false);
    expect(endedAtEpochCap({ epochs, bestEpoch: 21 }, { maxEpochs: 30, patience: 10 })).toBe(true);
  });

  it("'as-read' keeps the epoch with the best macro-F1 as the package reads: its pooling, thresholds tuned on validation", () => {
    const K = val.labels.length;
    const asRead = (h: LinearHead) => {
      const image = scoreBags(h, val, 'mean-logit');
      return evaluateScorer(h, val, 'mean-logit', tuneThresholds(val.bagLabels, image, bagCount(val), K)).f1_macro;
    };
    const options = { method: 'plain' as const, seed: 1, maxEpochs: 6, patience: 100 };
    const head = new LinearHead(train.inputLength, K, 1e-2, 1);
    const result = trainScorer(head, train, val, { ...options, epochSelection: 'as-read', readPooling: 'mean-logit' });
    const scores = result.epochs.map((e) => e.validationScore!);
    expect(scores[result.bestEpoch - 1]).toBe(Math.max(...scores));
    expect(asRead(head)).toBeCloseTo(scores[result.bestEpoch - 1]!, 12);
    // The same training scored by the default selection gives other scores (max pooling, thresholds 0.5).
    const overall = trainScorer(new LinearHead(train.inputLength, K, 1e-2, 1), train, val, options);
    expect(overall.epochs.map((e) => e.loss)).toEqual(result.epochs.map((e) => e.loss));
    expect(overall.epochs.map((e) => e.validationScore)).not.toEqual(scores);
  });

  it("'map-as-read' keeps the epoch with the best mAP as the package reads: its pooling, no thresholds", () => {
    const K = val.labels.length;
    const options = { method: 'plain' as const, seed: 1, maxEpochs: 6, patience: 100 };
    const head = new LinearHead(train.inputLength, K, 1e-2, 1);
    const result = trainScorer(head, train, val, { ...options, epochSelection: 'map-as-read', readPooling: 'mean-logit' });
    const scores = result.epochs.map((e) => e.validationScore!);
    expect(scores[result.bestEpoch - 1]).toBe(Math.max(...scores));
    expect(evaluateScorer(head, val, 'mean-logit').map).toBeCloseTo(scores[result.bestEpoch - 1]!, 12);
    expect(evaluateScorer(head, val, 'max').map).not.toBeCloseTo(scores[result.bestEpoch - 1]!, 6);
    // The same training, scored at thresholds tuned as read: the same losses, other scores.
    const asRead = trainScorer(new LinearHead(train.inputLength, K, 1e-2, 1), train, val, { ...options, epochSelection: 'as-read', readPooling: 'mean-logit' });
    expect(asRead.epochs.map((e) => e.loss)).toEqual(result.epochs.map((e) => e.loss));
    expect(asRead.epochs.map((e) => e.validationScore)).not.toEqual(scores);
  });

  it('cancels between epochs', () => {
    const head = new LinearHead(train.inputLength, train.labels.length, 1e-2, 1);
    const controller = new AbortController();
    expect(() => trainScorer(head, train, val, { seed: 1 }, { isCancelled: () => controller.signal.aborted, onEpoch: () => controller.abort() })).toThrow(/cancelled/);
  });
});
