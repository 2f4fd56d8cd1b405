/** Batch reading: importing files or folders, cancelling a batch, and the batch already running (progress is pushed as events). */
import type { ResponseOf } from '../../../../electron/contract';
import { call } from './api';

export function importPaths(paths: string[]): Promise<ResponseOf<'reading/import'>> {
  return call('reading/import', { paths });
}

export function cancelReading(batchId: string): Promise<unknown> {
  return call('reading/cancel', { batchId });
}

export function readingStatus(): Promise<ResponseOf<'reading/status'>> {
  return call('reading/status', {});
}
