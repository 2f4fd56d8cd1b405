/**
 * The one place the reading pipeline asks about a field before any pattern call: analyse the
 * cells, judge readability with the microscope's thresholds, screen a readable field against the
 * microscope's calibration, and say which patches hold cells. Everything here is CPU work on the
 * decoded plane; the model is not involved.
 */
import type { CellOutline, FieldQuality, Screening } from '../../contract/quality';
import type { SlideRect } from '../slides/grid';
import type { MicroscopeProfile } from '../slides/microscope-profile';
import type { AcquisitionStatistics } from './acquisition';
import { analyseField, type AnalysisOptions, type ScreeningFeatures } from './analyse-field';
import { patchesWithCells } from './patch-cells';
import { DEFAULT_READABILITY, fieldQuality } from './readability';
import { GENERIC_CALIBRATION } from './screening-generic';
import { screen } from './screening';

/** The profile name screening reports when no lab calibration is in force. */
export const GENERIC_PROFILE_NAME = 'generic';

export interface FieldVerdict {
  quality: FieldQuality;
  /** Null for a field that is not readable: it is not screened. */
  screening: Screening | null;
  features: ScreeningFeatures;
  /** For the unfamiliar flag, beside the embedding (./familiarity.ts). */
  acquisition: AcquisitionStatistics | null;
  cells: CellOutline[];
  /** Per patch rectangle: holds at least one segmented cell. */
  patchHasCells: boolean[];
  analyseMs: number;
}

export function judgeField(fitc: Float32Array, widthPx: number, heightPx: number, pixelSizeUm: number, rects: SlideRect[], profile: MicroscopeProfile | null, analysisOptions: Pick<AnalysisOptions, 'acquisition'> = {}): FieldVerdict {
  const analysis = analyseField(fitc, widthPx, heightPx, pixelSizeUm, analysisOptions);
  const quality = fieldQuality(analysis, profile?.quality ?? DEFAULT_READABILITY);
  const calibration = profile?.screening ?? GENERIC_CALIBRATION;
  const profileName = profile?.screening ? profile.name : GENERIC_PROFILE_NAME;
  return {
    quality,
    screening: quality.verdict === 'readable' ? screen(analysis.features, calibration, profileName) : null,
    features: analysis.features,
    acquisition: analysis.acquisition,
    cells: analysis.outlines,
    patchHasCells: patchesWithCells(rects, analysis.cellMask, pixelSizeUm),
    analyseMs: analysis.timingsMs.analyse,
  };
}
