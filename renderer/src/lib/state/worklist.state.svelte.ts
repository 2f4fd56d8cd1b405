/**
 * The day's worklist: cases with status, suggested patterns and the uncertain flag; filters are
 * sent to the core (status, pattern, received date, search), sorting is local. Batch-reading
 * progress arrives as push events.
 */
import type { CaseListItem, CaseStatus, EventPayload, ResponseOf } from '../../../../electron/contract';
import { listCases } from '../services/cases.service';
import * as reading from '../services/reading.service';
import { handleError } from '../services/errors.svelte';
import { matchesQualityFilter, qualityCounts, type QualityFilter } from '../utils/field-quality';

export type SortKey = 'received' | 'accession' | 'status' | 'uncertain';

export interface WorklistFilters {
  status: CaseStatus | '';
  pattern: string;
  /** yyyy-mm-dd in local time, or '' */
  day: string;
  run: string;
  search: string;
  /** Field quality, filtered here over the loaded cases (not sent to the core). */
  quality: QualityFilter;
}

const STATUS_ORDER: Record<CaseStatus, number> = { new: 0, read: 1, in_review: 2, signed: 3, amended: 4 };

/** Local-day bounds [from, to) in ms for a yyyy-mm-dd string. */
export function dayRangeMs(day: string): { fromMs: number; toMs: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const from = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const to = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1);
  return { fromMs: from.getTime(), toMs: to.getTime() };
}

export function sortCases(cases: readonly CaseListItem[], key: SortKey, descending: boolean): CaseListItem[] {
  const dir = descending ? -1 : 1;
  const by: Record<SortKey, (a: CaseListItem, b: CaseListItem) => number> = {
    received: (a, b) => a.receivedAtMs - b.receivedAtMs,
    accession: (a, b) => a.accessionId.localeCompare(b.accessionId),
    status: (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status],
    uncertain: (a, b) => (a.uncertaintyMargin ?? Infinity) - (b.uncertaintyMargin ?? Infinity),
  };
  return [...cases].sort((a, b) => dir * by[key](a, b) || a.id - b.id);
}

export class WorklistState {
  cases = $state.raw<CaseListItem[]>([]);
  loading = $state(false);
  filters = $state<WorklistFilters>({ status: '', pattern: '', day: '', run: '', search: '', quality: '' });
  sortKey = $state<SortKey>('received');
  descending = $state(false);
  progress = $state<EventPayload<'reading/progress'> | null>(null);

  readonly sorted = $derived(sortCases(this.cases.filter((c) => matchesQualityFilter(c, this.filters.quality)), this.sortKey, this.descending));
  readonly counts = $derived({
    total: this.cases.length,
    toReview: this.cases.filter((c) => c.status === 'read' || c.status === 'in_review').length,
    uncertain: this.cases.filter((c) => c.uncertain && c.status !== 'signed' && c.status !== 'amended').length,
    signed: this.cases.filter((c) => c.status === 'signed' || c.status === 'amended').length,
    ...qualityCounts(this.cases),
  });

  async load(): Promise<void> {
    this.loading = true;
    try {
      const f = this.filters;
      const day = dayRangeMs(f.day);
      this.cases = await listCases({
        ...(f.status ? { status: f.status } : {}),
        ...(f.pattern ? { predictedLabel: f.pattern } : {}),
        ...(day ? { receivedFromMs: day.fromMs, receivedToMs: day.toMs } : {}),
        ...(f.run.trim() ? { runId: f.run.trim() } : {}),
        ...(f.search.trim() ? { search: f.search.trim() } : {}),
      });
    } catch (error) {
      handleError(error);
    } finally {
      this.loading = false;
    }
  }

  setSort(key: SortKey): void {
    if (this.sortKey === key) this.descending = !this.descending;
    else {
      this.sortKey = key;
      this.descending = key === 'received';
    }
  }

  /** The case after `caseId` in the current order that still needs review, else the next one. */
  nextCaseId(caseId: number): number | null {
    const list = this.sorted;
    const at = list.findIndex((c) => c.id === caseId);
    const after = [...list.slice(at + 1), ...list.slice(0, Math.max(0, at))];
    return (after.find((c) => c.status === 'read' || c.status === 'in_review' || c.status === 'new') ?? null)?.id ?? null;
  }

  onProgress(payload: EventPayload<'reading/progress'>): void {
    this.progress = payload;
  }

  /** Reads files or folders in the background; rows arrive through 'cases/changed'. */
  async importPaths(paths: string[]): Promise<boolean> {
    try {
      const started = await reading.importPaths(paths);
      this.progress = { batchId: started.batchId, done: 0, failed: 0, total: started.total, etaMs: null, currentFile: null };
      return true;
    } catch (error) {
      handleError(error);
      return false;
    }
  }

  /** Reads cases again in the background (progress as for an import); null when it could not start. */
  async readAgain(caseIds: number[]): Promise<ResponseOf<'reading/read-again'> | null> {
    try {
      const started = await reading.readAgain(caseIds);
      if (started.batchId) this.progress = { batchId: started.batchId, done: 0, failed: 0, total: started.total, etaMs: null, currentFile: null };
      return started;
    } catch (error) {
      handleError(error);
      return null;
    }
  }

  async cancelReading(): Promise<void> {
    if (!this.progress) return;
    try {
      await reading.cancelReading(this.progress.batchId);
    } catch (error) {
      handleError(error);
    }
  }

  /** Picks up a batch that was already running when this window opened. */
  async refreshReadingStatus(): Promise<void> {
    try {
      const status = await reading.readingStatus();
      if (status.running) this.progress = status.running;
    } catch (error) {
      handleError(error);
    }
  }

  reset(): void {
    this.cases = [];
    this.loading = false;
    this.filters = { status: '', pattern: '', day: '', run: '', search: '', quality: '' };
    this.sortKey = 'received';
    this.descending = false;
    this.progress = null;
  }
}

export const worklist = new WorklistState();
