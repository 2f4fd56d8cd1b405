/**
 * Field quality through the contract: the segmented cells of a reading (viewer overlay) and the
 * microscope profile with its screening calibration (Settings). Viewer loads throw to the caller,
 * which reports them with the rest of the slide; settings actions report through the one handler.
 */
import type { CellOutline, MicroscopeProfileSummary, PixelSizeSuggestion } from '../../../../electron/contract';
import { call } from './api';
import { handleError } from './errors.svelte';

/** The cells of a reading, in slide pixels; [] for a reading made before the analysis. */
export async function loadReadingCells(readingId: number): Promise<CellOutline[]> {
  return (await call('viewer/reading-cells', { readingId })).cells;
}

export async function loadMicroscopeProfile(): Promise<MicroscopeProfileSummary | null> {
  try {
    return (await call('settings/microscope-profile', {})).profile;
  } catch (error) {
    handleError(error);
    return null;
  }
}

export async function saveMicroscopeProfile(name: string, pixelSizeUm: number): Promise<MicroscopeProfileSummary | null> {
  try {
    return (await call('settings/update-microscope-profile', { name, pixelSizeUm })).profile;
  } catch (error) {
    handleError(error);
    return null;
  }
}

/** Fits the screening calibration on the lab's negative-control field files. */
export async function calibrateScreening(paths: string[]): Promise<MicroscopeProfileSummary | null> {
  try {
    return (await call('settings/calibrate-screening', { paths })).profile;
  } catch (error) {
    handleError(error);
    return null;
  }
}

/** Fits the screening calibration on the fields of the latest cases signed negative in the record (no file picking). */
export async function calibrateScreeningOnSignedNegatives(): Promise<MicroscopeProfileSummary | null> {
  try {
    return (await call('settings/calibrate-screening', { signedNegatives: true })).profile;
  } catch (error) {
    handleError(error);
    return null;
  }
}

/** The pixel size the cells of the latest fields read without one suggest (a check of the profile); null after a reported error. */
export async function suggestPixelSize(): Promise<PixelSizeSuggestion | null> {
  try {
    return (await call('settings/estimate-pixel-size', {})).suggestion;
  } catch (error) {
    handleError(error);
    return null;
  }
}
