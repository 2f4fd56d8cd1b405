/**
 * The lab's learning curve (docs/lab-adaptation.md): for every candidate trained on the lab's
 * signed cases, its macro-F1 and mAP on the frozen validation cases against the number of signed
 * cases it was trained on, per recipe (fine-tuning mode), and the projected gain of signing more.
 * Projection: per recipe with at least two different case counts, a least-squares line of the
 * figure against ln(training cases); the gain of doubling the cases is its slope × ln 2 (learning
 * curves of linear heads flatten roughly like that; it is a guide, not a promise, and the
 * validation set itself grows as cases are signed).
 */
import type { ReadableDb } from '../db/connection';
import { listModelVersions } from '../db/model-version.repo';
import { getTrainingRun } from '../db/training-run.repo';

export interface LearningCurvePoint {
  versionId: number;
  version: string;
  mode: string;
  trainingCases: number;
  validationCases: number;
  f1Macro: number;
  map: number;
}

export interface LearningCurveProjection {
  mode: string;
  /** Expected change if the signed training cases doubled (macro-F1, mAP), from the fitted slope. */
  perDoubling: { f1Macro: number; map: number };
  points: number;
}

export function learningCurve(db: ReadableDb): { points: LearningCurvePoint[]; projections: LearningCurveProjection[] } {
  const points: LearningCurvePoint[] = [];
  for (const row of listModelVersions(db)) {
    if (row.trainingRunId === null) continue;
    const validation = row.validation as { mode?: string; gate?: { n_images?: number }; candidate?: { f1_macro?: number; map?: number } } | null;
    const run = getTrainingRun(db, row.trainingRunId);
    const dataset = run?.dataset as { trainCaseIds?: number[]; earlyStopCaseIds?: number[] } | undefined;
    // The cases it learnt from: those whose files were found (recorded since 2026-12-07), else every case the run drew.
    const used = (run?.metrics as { casesUsed?: { train: number; earlyStop: number } } | null | undefined)?.casesUsed;
    const f1Macro = validation?.candidate?.f1_macro;
    const map = validation?.candidate?.map;
    if (f1Macro === undefined || map === undefined || !dataset) continue;
    points.push({
      versionId: row.id,
      version: row.version,
      mode: validation?.mode ?? 'head',
      trainingCases: used ? used.train + used.earlyStop : (dataset.trainCaseIds?.length ?? 0) + (dataset.earlyStopCaseIds?.length ?? 0),
      validationCases: validation?.gate?.n_images ?? 0,
      f1Macro,
      map,
    });
  }
  return { points, projections: projectLearningCurve(points) };
}

/** Per recipe with two or more case counts: the slope of the figures against ln(cases), × ln 2. */
export function projectLearningCurve(points: readonly Pick<LearningCurvePoint, 'mode' | 'trainingCases' | 'f1Macro' | 'map'>[]): LearningCurveProjection[] {
  const modes = [...new Set(points.map((p) => p.mode))];
  return modes.flatMap((mode) => {
    const own = points.filter((p) => p.mode === mode && p.trainingCases > 0);
    if (new Set(own.map((p) => p.trainingCases)).size < 2) return [];
    const x = own.map((p) => Math.log(p.trainingCases));
    const slope = (y: number[]): number => {
      const mx = x.reduce((a, b) => a + b, 0) / x.length;
      const my = y.reduce((a, b) => a + b, 0) / y.length;
      let sxy = 0;
      let sxx = 0;
      x.forEach((xi, i) => {
        sxy += (xi - mx) * (y[i]! - my);
        sxx += (xi - mx) ** 2;
      });
      return sxy / sxx;
    };
    return [{ mode, perDoubling: { f1Macro: slope(own.map((p) => p.f1Macro)) * Math.LN2, map: slope(own.map((p) => p.map)) * Math.LN2 }, points: own.length }];
  });
}
