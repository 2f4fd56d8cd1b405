/**
 * The fine-tuning plot as SVG paths: training loss per epoch (scaled to its own range, left axis)
 * and the validation score per epoch (0..1, right axis), in a plot box of `width`×`height` pixels.
 * A fine-tuning that trains twice (one learning rate, then another) reports epochs from 1 again:
 * each training is its own line over the same epoch axis.
 */
export interface EpochPoint {
  epoch: number;
  loss: number;
  validationScore: number | null;
  best: boolean;
}

export interface EpochPlot {
  lossPath: string;
  validationPath: string;
  /** Where the best epoch is, or null. */
  best: { x: number; y: number } | null;
  lossRange: { min: number; max: number } | null;
  epochs: number;
}

const fmt = (v: number) => (Math.round(v * 10) / 10).toString();

export function epochPlot(points: readonly EpochPoint[], width: number, height: number): EpochPlot {
  if (points.length === 0) return { lossPath: '', validationPath: '', best: null, lossRange: null, epochs: 0 };
  const first = Math.min(...points.map((p) => p.epoch));
  const last = Math.max(...points.map((p) => p.epoch));
  const x = (epoch: number) => (last === first ? width / 2 : ((epoch - first) / (last - first)) * width);
  const losses = points.map((p) => p.loss).filter(Number.isFinite);
  const min = Math.min(...losses);
  const max = Math.max(...losses);
  const yLoss = (loss: number) => (max === min ? height / 2 : height - ((loss - min) / (max - min)) * height);
  const yScore = (score: number) => height - Math.min(1, Math.max(0, score)) * height;
  // A point whose epoch does not follow the one before starts a new line (the next training).
  const path = (pts: readonly EpochPoint[], y: (p: EpochPoint) => number) =>
    pts.map((p, i) => `${i === 0 || p.epoch <= pts[i - 1]!.epoch ? 'M' : 'L'}${fmt(x(p.epoch))},${fmt(y(p))}`).join(' ');
  const lossPath = path(points.filter((p) => Number.isFinite(p.loss)), (p) => yLoss(p.loss));
  const scored = points.filter((p) => p.validationScore !== null);
  const validationPath = path(scored, (p) => yScore(p.validationScore!));
  const bestPoint = [...scored].reverse().find((p) => p.best);
  return {
    lossPath,
    validationPath,
    best: bestPoint ? { x: Number(fmt(x(bestPoint.epoch))), y: Number(fmt(yScore(bestPoint.validationScore!))) } : null,
    lossRange: losses.length ? { min, max } : null,
    epochs: points.length,
  };
}
