/**
 * The lab's own numbers through the contract: the day's figures (Today page), their printable
 * PDF, and the per-version model evidence (Models page). Failures go to the one error handler.
 */
import type { DayQc, ModelEvidence } from '../../../../electron/contract';
import { call } from './api';
import { handleError } from './errors.svelte';

/** The day's figures; no date: today in the lab's time zone. Null after a reported failure. */
export async function loadDayFigures(date?: string): Promise<DayQc | null> {
  try {
    return await call('qc/day', date ? { date } : {});
  } catch (error) {
    handleError(error);
    return null;
  }
}

/** Saves the day's QC sheet (PDF) through the browser's download. */
export async function saveDayPdf(date: string): Promise<void> {
  try {
    const { fileName, base64 } = await call('qc/day-pdf', { date });
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    handleError(error);
  }
}

export async function loadModelEvidence(): Promise<ModelEvidence[]> {
  try {
    return await call('qc/model-evidence', {});
  } catch (error) {
    handleError(error);
    return [];
  }
}
