/** Local fine-tuning: the current run's state, starting a run and cancelling it (progress is pushed as events), and the record's latest runs. */
import type { FinetuneMode, FinetuneReadiness, FinetuneRunSummary, FinetuneState } from '../../../../electron/contract';
import { call } from './api';

export function finetuneStatus(): Promise<FinetuneState> {
  return call('finetune/status', {});
}

/** Without a mode the workstation chooses (the measured default). */
export function startFinetune(mode?: FinetuneMode): Promise<FinetuneState> {
  return call('finetune/start', { mode });
}

export function cancelFinetune(): Promise<unknown> {
  return call('finetune/cancel', {});
}

/** The latest runs in the record, newest first, whoever started them (this page or `ana finetune`). */
export function finetuneRuns(): Promise<FinetuneRunSummary[]> {
  return call('finetune/runs', {});
}

/** What the record offers fine-tuning now: signed cases, the minimum, and how many the validation gate keeps back. */
export function finetuneReadiness(): Promise<FinetuneReadiness> {
  return call('finetune/readiness', {});
}
