/**
 * Measurements of single cells in a generated field, located only through the per-cell truth
 * (nucleus ellipse, centre): the statistics that define each pattern, as a reader would judge
 * them — dots per nucleus, blobs per nucleus, rim-to-centre ratio, cytoplasm-to-nucleus ratio,
 * one-sidedness of the perinuclear signal, evenness of the nucleoplasm.
 */
import type { CellTruth, SynthField } from '../../../electron/core/synth';

export interface CellPixels {
  /** Field pixel index, its value and normalised radius against the truth nucleus ellipse. */
  index: number[];
  value: number[];
  rho: number[];
  angle: number[];
}

/** Pixels around a cell out to `maxRho` nucleus radii. */
export function cellPixels(field: SynthField, cell: CellTruth, maxRho: number): CellPixels {
  const { radiusXPx, radiusYPx, angleRad } = cell.nucleus;
  const reach = Math.ceil(Math.max(radiusXPx, radiusYPx) * maxRho) + 1;
  const cos = Math.cos(angleRad);
  const sin = Math.sin(angleRad);
  const out: CellPixels = { index: [], value: [], rho: [], angle: [] };
  for (let y = Math.max(0, Math.floor(cell.centreYPx - reach)); y <= Math.min(field.heightPx - 1, cell.centreYPx + reach); y++) {
    for (let x = Math.max(0, Math.floor(cell.centreXPx - reach)); x <= Math.min(field.widthPx - 1, cell.centreXPx + reach); x++) {
      const dx = x + 0.5 - cell.centreXPx;
      const dy = y + 0.5 - cell.centreYPx;
      const u = (dx * cos + dy * sin) / radiusXPx;
      const v = (-dx * sin + dy * cos) / radiusYPx;
      const rho = Math.hypot(u, v);
      if (rho > maxRho) continue;
      out.index.push(y * field.widthPx + x);
      out.value.push(field.fitc[y * field.widthPx + x]!);
      out.rho.push(rho);
      out.angle.push(Math.atan2(dy, dx));
    }
  }
  return out;
}

/** Interphase cells whose surroundings hold no other cell's nucleus and lie inside the field. */
export function isolatedCells(field: SynthField, clearance = 2.6): CellTruth[] {
  return field.cells.filter((cell) => {
    if (cell.mitotic) return false;
    const r = Math.max(cell.nucleus.radiusXPx, cell.nucleus.radiusYPx);
    if (cell.centreXPx < 2 * r || cell.centreYPx < 2 * r || cell.centreXPx > field.widthPx - 2 * r || cell.centreYPx > field.heightPx - 2 * r) return false;
    return field.cells.every((other) => other === cell || Math.hypot(other.centreXPx - cell.centreXPx, other.centreYPx - cell.centreYPx) > clearance * r);
  });
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function select(p: CellPixels, keep: (rho: number) => boolean): number[] {
  return p.value.filter((_, i) => keep(p.rho[i]!));
}

/** Background level: median of the dim pixels well outside any cell near this one. */
function nucleusBaseline(p: CellPixels): number {
  const inner = select(p, (r) => r < 0.9).sort((a, b) => a - b);
  return inner[Math.floor(inner.length * 0.2)] ?? 0;
}

/** Local maxima inside the nucleus that rise well above the nucleoplasm: discrete dots. */
export function dotCount(field: SynthField, cell: CellTruth, rise = 0.3): number {
  const p = cellPixels(field, cell, 0.95);
  const base = nucleusBaseline(p);
  const top = Math.max(...p.value);
  const threshold = base + rise * (top - base);
  const w = field.widthPx;
  let count = 0;
  p.index.forEach((i, k) => {
    const v = p.value[k]!;
    if (v < threshold) return;
    for (const d of [-w - 1, -w, -w + 1, -1, 1, w - 1, w, w + 1]) {
      const n = field.fitc[i + d];
      if (n !== undefined && (n > v || (n === v && d > 0))) return;
    }
    count++;
  });
  return count;
}

/** Connected bright regions (8-neighbourhood, ≥ 3 px) inside the nucleus above `level` of its range. */
export function blobCount(field: SynthField, cell: CellTruth, level = 0.35, minAreaPx = 3): number {
  const p = cellPixels(field, cell, 0.95);
  const base = nucleusBaseline(p);
  const top = Math.max(...p.value);
  const threshold = base + level * (top - base);
  const bright = new Set(p.index.filter((_, k) => p.value[k]! >= threshold));
  const w = field.widthPx;
  let blobs = 0;
  const seen = new Set<number>();
  for (const start of bright) {
    if (seen.has(start)) continue;
    let area = 0;
    const stack = [start];
    seen.add(start);
    while (stack.length) {
      const i = stack.pop()!;
      area++;
      for (const d of [-w - 1, -w, -w + 1, -1, 1, w - 1, w, w + 1]) {
        const n = i + d;
        if (bright.has(n) && !seen.has(n)) {
          seen.add(n);
          stack.push(n);
        }
      }
    }
    if (area >= minAreaPx) blobs++;
  }
  return blobs;
}

/** Mean of the nuclear rim (0.75–1.0 of the radius) over the mean of the centre (< 0.45). */
export function rimToCentreRatio(field: SynthField, cell: CellTruth, background: number): number {
  const p = cellPixels(field, cell, 1.0);
  return (mean(select(p, (r) => r > 0.75 && r <= 1.0)) - background) / Math.max(1e-4, mean(select(p, (r) => r < 0.45)) - background);
}

/** Mean of the perinuclear cytoplasm (1.25–1.6 radii) over the mean of the nucleus (< 0.8). */
export function cytoplasmToNucleusRatio(field: SynthField, cell: CellTruth, background: number): number {
  const p = cellPixels(field, cell, 1.6);
  return (mean(select(p, (r) => r > 1.25)) - background) / Math.max(1e-4, mean(select(p, (r) => r < 0.8)) - background);
}

/**
 * One-sidedness of the signal in the ring just outside the nucleus (1.05–1.6 radii): length of the
 * intensity-weighted mean direction, 0 for an even ring, 1 for all signal on one side.
 */
export function oneSidedness(field: SynthField, cell: CellTruth, background: number, outerRho = 1.6): { resultant: number; angleRad: number } {
  const p = cellPixels(field, cell, outerRho);
  let sx = 0;
  let sy = 0;
  let total = 0;
  p.rho.forEach((r, k) => {
    if (r < 1.05) return;
    const v = Math.max(0, p.value[k]! - background);
    sx += v * Math.cos(p.angle[k]!);
    sy += v * Math.sin(p.angle[k]!);
    total += v;
  });
  return { resultant: Math.hypot(sx, sy) / Math.max(1e-9, total), angleRad: Math.atan2(sy, sx) };
}

/** Coefficient of variation of the inner nucleoplasm (< 0.7 radii), background removed. */
export function nucleoplasmCv(field: SynthField, cell: CellTruth, background: number): number {
  const v = select(cellPixels(field, cell, 0.7), (r) => r < 0.7).map((x) => x - background);
  const m = mean(v);
  return Math.sqrt(mean(v.map((x) => (x - m) ** 2))) / Math.max(1e-4, m);
}

/** Mean over the nucleus (< 0.8 radii) minus background. */
export function nucleusMean(field: SynthField, cell: CellTruth, background: number): number {
  return mean(select(cellPixels(field, cell, 0.8), (r) => r < 0.8)) - background;
}

/** The field's background: a low percentile of all pixels (most of a field is slide, not cell). */
export function fieldBackground(field: SynthField): number {
  const sample: number[] = [];
  for (let i = 0; i < field.fitc.length; i += 97) sample.push(field.fitc[i]!);
  sample.sort((a, b) => a - b);
  return sample[Math.floor(sample.length * 0.1)]!;
}

/**
 * Elongation of the bright structure around a (mitotic) cell's centre: ratio of the principal
 * standard deviations of the pixels above half the local range, within 1.3 plate lengths.
 */
export function brightElongation(field: SynthField, cell: CellTruth): number {
  const reach = Math.max(cell.nucleus.radiusXPx, cell.nucleus.radiusYPx) * 1.3;
  const values: { x: number; y: number; v: number }[] = [];
  for (let y = Math.max(0, Math.floor(cell.centreYPx - reach)); y <= Math.min(field.heightPx - 1, cell.centreYPx + reach); y++) {
    for (let x = Math.max(0, Math.floor(cell.centreXPx - reach)); x <= Math.min(field.widthPx - 1, cell.centreXPx + reach); x++) {
      if (Math.hypot(x + 0.5 - cell.centreXPx, y + 0.5 - cell.centreYPx) <= reach) values.push({ x, y, v: field.fitc[y * field.widthPx + x]! });
    }
  }
  const sorted = values.map((p) => p.v).sort((a, b) => a - b);
  const low = sorted[Math.floor(sorted.length * 0.2)]!;
  const high = sorted[sorted.length - 1]!;
  const bright = values.filter((p) => p.v >= low + 0.5 * (high - low));
  const mx = mean(bright.map((p) => p.x));
  const my = mean(bright.map((p) => p.y));
  const sxx = mean(bright.map((p) => (p.x - mx) ** 2));
  const syy = mean(bright.map((p) => (p.y - my) ** 2));
  const sxy = mean(bright.map((p) => (p.x - mx) * (p.y - my)));
  const half = Math.sqrt(((sxx - syy) / 2) ** 2 + sxy * sxy);
  const major = (sxx + syy) / 2 + half;
  const minor = Math.max(1e-6, (sxx + syy) / 2 - half);
  return Math.sqrt(major / minor);
}
