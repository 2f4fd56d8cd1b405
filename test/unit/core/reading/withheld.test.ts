import { expect, it } from 'vitest';
import { withheldByScreening } from '../../../../electron/core/reading/withheld';

const labels = ['homogeneous', 'speckled', 'mitochondrial'];
const thresholds = { homogeneous: 0.5, speckled: 0.4, mitochondrial: 0.6 };
const probabilities = [0.2, 0.45, 0.9];
const screened = (call: 'negative' | 'positive') => ({ call, positiveProbability: call === 'negative' ? 0.03 : 0.97, profile: 'generic' });

it('names the patterns the model called at its own thresholds on a field screening called negative', () => {
  expect(withheldByScreening({ labels, probabilities, thresholds, screening: screened('negative') })).toEqual(['speckled', 'mitochondrial']);
  // Each label at its own threshold, not at 0.5.
  expect(withheldByScreening({ labels, probabilities, thresholds: { ...thresholds, speckled: 0.5 }, screening: screened('negative') })).toEqual(['mitochondrial']);
});

it('withholds nothing on a field screened positive, a field not screened, or a reading stored without thresholds', () => {
  expect(withheldByScreening({ labels, probabilities, thresholds, screening: screened('positive') })).toEqual([]);
  expect(withheldByScreening({ labels, probabilities, thresholds, screening: null })).toEqual([]);
  expect(withheldByScreening({ labels, probabilities, thresholds: null, screening: screened('negative') })).toEqual([]);
});
