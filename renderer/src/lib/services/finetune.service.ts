/** Local fine-tuning: the current run's state, starting a run and cancelling it (progress is pushed as events). */
import type { FinetuneMode, FinetuneState } from '../../../../electron/contract';
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
