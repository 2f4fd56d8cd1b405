import { describe, expect, it } from 'vitest';
import { dayRangeMs, sortCases, WorklistState } from '../../../renderer/src/lib/state/worklist.state.svelte';
import type { CaseListItem, CaseStatus } from '../../../electron/contract';

function item(id: number, accessionId: string, status: CaseStatus, receivedAtMs: number, uncertaintyMargin: number | null, quality: Partial<Pick<CaseListItem, 'notReadable' | 'screening' | 'withheldLabels' | 'unfamiliar'>> = {}): CaseListItem {
  return {
    id, accessionId, status, receivedAtMs, slideCount: 1, suggestedLabels: [], patientId: null, patientName: null, runId: null, predictedLabels: [], uncertaintyMargin, uncertain: (uncertaintyMargin ?? 1) < 0.15,
    notReadable: [], screening: null, withheldLabels: [], unfamiliar: false, ...quality,
  };
}

const cases = [
  item(1, 'A-3', 'signed', 300, 0.4),
  item(2, 'A-1', 'read', 100, 0.02),
  item(3, 'A-2', 'in_review', 200, null),
  item(4, 'A-4', 'read', 100, 0.3),
];

describe('worklist sorting and filters', () => {
  it('sorts by received time, accession, status and uncertainty (ties by id)', () => {
    expect(sortCases(cases, 'received', false).map((c) => c.id)).toEqual([2, 4, 3, 1]);
    expect(sortCases(cases, 'received', true).map((c) => c.id)).toEqual([1, 3, 2, 4]);
    expect(sortCases(cases, 'accession', false).map((c) => c.accessionId)).toEqual(['A-1', 'A-2', 'A-3', 'A-4']);
    expect(sortCases(cases, 'status', false).map((c) => c.id)).toEqual([2, 4, 3, 1]);
    expect(sortCases(cases, 'uncertain', false).map((c) => c.id)).toEqual([2, 4, 1, 3]);
  });

  it('turns a day into local-midnight bounds', () => {
    const r = dayRangeMs('2026-11-29')!;
    expect(new Date(r.fromMs).getHours()).toBe(0);
    expect(new Date(r.fromMs).getDate()).toBe(29);
    expect(new Date(r.toMs).getDate()).toBe(30);
    expect(dayRangeMs('')).toBeNull();
    expect(dayRangeMs('29.11.2026')).toBeNull();
  });
});

describe('WorklistState', () => {
  it('finds the next case to review after the current one, wrapping, skipping signed cases', () => {
    const w = new WorklistState();
    w.cases = cases;
    // received ascending: 2, 4, 3, 1(signed)
    expect(w.nextCaseId(2)).toBe(4);
    expect(w.nextCaseId(3)).toBe(2);
    expect(w.nextCaseId(1)).toBe(2);
    w.cases = [cases[0]!];
    expect(w.nextCaseId(1)).toBeNull();
  });

  it('toggles sort direction on the same column and counts cases', () => {
    const w = new WorklistState();
    w.cases = cases;
    w.setSort('accession');
    expect(w.descending).toBe(false);
    w.setSort('accession');
    expect(w.descending).toBe(true);
    expect(w.counts).toEqual({ total: 4, toReview: 3, uncertain: 1, signed: 1, notReadable: 0, withheld: 0, unfamiliar: 0 });
    w.reset();
    expect(w.cases).toEqual([]);
  });

  it('filters by field quality locally and counts not-readable and unfamiliar cases over the whole day', () => {
    const w = new WorklistState();
    w.cases = [...cases, item(5, 'B-1', 'read', 500, null, { notReadable: [{ slideId: 9, reason: 'blank' }] }), item(6, 'B-2', 'read', 600, 0.3, { unfamiliar: true, screening: 'positive' })];
    expect(w.counts).toMatchObject({ total: 6, notReadable: 1, unfamiliar: 1 });
    w.filters.quality = 'not-readable';
    expect(w.sorted.map((c) => c.accessionId)).toEqual(['B-1']);
    w.filters.quality = 'unfamiliar';
    expect(w.sorted.map((c) => c.accessionId)).toEqual(['B-2']);
    // Counts stay the day's, whatever the filter shows.
    expect(w.counts.total).toBe(6);
    w.reset();
    expect(w.filters.quality).toBe('');
  });
});
