import { expect, it } from 'vitest';
import { caseSuggestions, fromDecision, toDecisionLabels } from '../../../renderer/src/lib/services/review.service';
import type { CaseDetail, DecisionSummary, ReadingSummary } from '../../../electron/contract';

const reading = (slideId: number, probs: Record<string, number>, predicted: string[], quality: ReadingSummary['quality'] = null): ReadingSummary => ({
  id: slideId, slideId, modelId: 'm', modelVersion: '1', provider: 'cpu', status: 'done', error: null,
  probabilities: Object.entries(probs).map(([key, probability]) => ({ key, probability })), predictedLabels: predicted, patchCount: 4, createdAtMs: 0,
  quality, screening: null, familiarity: null, withheldLabels: [],
});

it('merges the suggestions of a case over its slides: highest probability, predicted by any slide', () => {
  const detail = { readings: [reading(1, { golgi: 0.2, speckled: 0.7 }, ['speckled']), reading(2, { golgi: 0.8, speckled: 0.4 }, ['golgi'])] } as unknown as CaseDetail;
  expect(caseSuggestions(detail)).toEqual([
    { key: 'golgi', probability: 0.8, suggested: true },
    { key: 'speckled', probability: 0.7, suggested: true },
  ]);
});

it('a field the readability gate refused suggests nothing, whatever its reading stored', () => {
  const blurred = { verdict: 'not-readable', reason: 'out-of-focus', cells: 20, mitoses: 0, focus: 0.01, saturatedFraction: 0, signalToBackground: 2 } as const;
  const detail = { readings: [reading(1, { golgi: 0.9 }, ['golgi'], blurred), reading(2, { golgi: 0.3, speckled: 0.7 }, ['speckled'])] } as unknown as CaseDetail;
  expect(caseSuggestions(detail)).toEqual([
    { key: 'golgi', probability: 0.3, suggested: false },
    { key: 'speckled', probability: 0.7, suggested: true },
  ]);
  expect(caseSuggestions({ readings: [reading(1, { golgi: 0.9 }, ['golgi'], blurred)] } as unknown as CaseDetail)).toEqual([]);
});

it('sends only the intensity and titer that were set, and reads a stored decision back', () => {
  expect(toDecisionLabels([{ key: 'speckled', intensity: 'strong', titer: null, icapCode: 'AC-5' }, { key: 'golgi', intensity: null, titer: '1:320' }])).toEqual([
    { key: 'speckled', icapCode: 'AC-5', intensity: 'strong' },
    { key: 'golgi', titer: '1:320' },
  ]);
  const stored = { labels: [{ key: 'centromere', titer: '1:1280' }], comment: 'DFS70 excluded' } as unknown as DecisionSummary;
  expect(fromDecision(stored)).toEqual({ labels: [{ key: 'centromere', intensity: null, titer: '1:1280' }], comment: 'DFS70 excluded' });
});
