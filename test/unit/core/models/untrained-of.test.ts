/** Which patterns a registered version was not trained on, as the Models page and `ana models list` read it. */
import { describe, expect, it } from 'vitest';
import { untrainedCallsOf, untrainedOf } from '../../../../electron/core/models/model-registry';

describe('untrainedOf', () => {
  it("reads the fine-tuning provenance's untrained labels", () => {
    expect(untrainedOf({ provenance: { training: { untrainedLabels: ['nuclear_dots', 'mitochondrial'] } } })).toEqual(['nuclear_dots', 'mitochondrial']);
  });

  it('reads none from a shipped package or a version fine-tuned before labels were left out, and skips entries that are not label keys', () => {
    expect(untrainedOf({ provenance: {} })).toEqual([]);
    expect(untrainedOf({ provenance: { training: { lr: 0.001 } } })).toEqual([]);
    expect(untrainedOf({ provenance: { training: { untrainedLabels: [3, 'golgi'] } } })).toEqual(['golgi']);
    expect(untrainedOf({})).toEqual([]);
  });
});

describe('untrainedCallsOf', () => {
  it('reads how often the version calls those patterns on its training cases, and null where fine-tuning did not record it or the record is malformed', () => {
    const untrainedCalls = { cases: 247, calls: [{ key: 'mitochondrial', called: 135, signed: 10 }] };
    expect(untrainedCallsOf({ provenance: { training: { untrainedLabels: ['mitochondrial'], untrainedCalls } } })).toEqual(untrainedCalls);
    expect(untrainedCallsOf({ provenance: { training: { untrainedLabels: ['mitochondrial'] } } })).toBeNull();
    expect(untrainedCallsOf({ provenance: { training: { untrainedCalls: { cases: 247, calls: [{ key: 'golgi', called: 'many' }] } } } })).toBeNull();
    expect(untrainedCallsOf({})).toBeNull();
  });
});
