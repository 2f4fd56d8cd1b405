import type { CaseListItem } from '../../../../electron/contract';
import { call } from '../services/api';
import { handleError } from '../services/errors.svelte';

/** The day's worklist: cases with their status and suggested patterns. */
export class WorklistState {
  cases = $state<CaseListItem[]>([]);
  loading = $state(false);

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.cases = await call('cases/list', {});
    } catch (error) {
      handleError(error);
    } finally {
      this.loading = false;
    }
  }

  reset(): void {
    this.cases = [];
    this.loading = false;
  }
}
