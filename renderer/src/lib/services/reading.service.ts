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

/** Cases not yet signed with a field read at the model's assumed pixel size. */
export function assumedPixelSizeCases(): Promise<ResponseOf<'reading/assumed-pixel-size'>> {
  return call('reading/assumed-pixel-size', {});
}

export function readAgain(caseIds: number[]): Promise<ResponseOf<'reading/read-again'>> {
  return call('reading/read-again', { caseIds });
}
