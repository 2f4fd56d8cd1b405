/**
 * Where the cells of a field sit and what shape they have. HEp-2 cells grow as a sub-confluent
 * monolayer in small colonies, so most cells are placed next to an existing one (touching, a few
 * overlapping) and the rest at random. Sizes are drawn in micrometres and converted with the
 * field's pixel size, so a 63x field shows fewer, larger cells than a 20x field.
 */
import type { Random } from '../random';

/** A closed outline: an ellipse whose radius is modulated by a few low harmonics. */
export interface Outline {
  centreXPx: number;
  centreYPx: number;
  radiusXPx: number;
  radiusYPx: number;
  angleRad: number;
  /** r(φ) = 1 + Σ amp_k·cos(kφ + phase_k), k = 2, 3, ... */
  harmonics: { amp: number; phase: number }[];
}

export interface CellGeometry {
  id: number;
  mitotic: boolean;
  /** Interphase nucleus, or the metaphase plate of a mitotic cell. */
  nucleus: Outline;
  cytoplasm: Outline;
  /** Per-cell brightness factor (cell cycle, thickness): lognormal around 1. */
  brightness: number;
}

const NUCLEUS_DIAMETER_UM = { mean: 13.5, sd: 2, min: 10, max: 18 };
export const MITOTIC_RATE = { min: 0.01, max: 0.03 };

/**
 * Precomputed form of an outline for per-pixel tests: the harmonics expanded as
 * a_k·cos(kφ) − b_k·sin(kφ), evaluated by the Chebyshev recurrence, so a pixel costs no
 * trigonometric call.
 */
export interface OutlineShape {
  cos: number;
  sin: number;
  invRadiusX: number;
  invRadiusY: number;
  a: Float64Array;
  b: Float64Array;
}

export function outlineShape(outline: Outline): OutlineShape {
  const n = outline.harmonics.length;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  outline.harmonics.forEach((h, k) => {
    a[k] = h.amp * Math.cos(h.phase);
    b[k] = h.amp * Math.sin(h.phase);
  });
  return { cos: Math.cos(outline.angleRad), sin: Math.sin(outline.angleRad), invRadiusX: 1 / outline.radiusXPx, invRadiusY: 1 / outline.radiusYPx, a, b };
}

/** Normalised radius of an offset (dx, dy) from the outline's centre: < 1 inside, 1 on the outline. */
export function normalisedRadius(shape: OutlineShape, dx: number, dy: number): number {
  const u = (dx * shape.cos + dy * shape.sin) * shape.invRadiusX;
  const v = (-dx * shape.sin + dy * shape.cos) * shape.invRadiusY;
  const r = Math.sqrt(u * u + v * v);
  if (r === 0) return 0;
  const c1 = u / r;
  const s1 = v / r;
  // cos(kφ), sin(kφ) from k = 2 upwards.
  let ck = c1 * c1 - s1 * s1;
  let sk = 2 * s1 * c1;
  let scale = 1;
  const { a, b } = shape;
  for (let k = 0; k < a.length; k++) {
    scale += a[k]! * ck - b[k]! * sk;
    const cn = ck * c1 - sk * s1;
    sk = sk * c1 + ck * s1;
    ck = cn;
  }
  return r / scale;
}

export function outlineRadiusScale(outline: Outline, phiRad: number): number {
  let r = 1;
  for (let k = 0; k < outline.harmonics.length; k++) {
    const h = outline.harmonics[k]!;
    r += h.amp * Math.cos((k + 2) * phiRad + h.phase);
  }
  return r;
}

/** Largest distance from the centre that the outline reaches, in pixels. */
export function outlineExtentPx(outline: Outline): number {
  const maxScale = 1 + outline.harmonics.reduce((s, h) => s + Math.abs(h.amp), 0);
  return Math.max(outline.radiusXPx, outline.radiusYPx) * maxScale;
}

function harmonics(rng: Random, roughness: number, count: number): { amp: number; phase: number }[] {
  const out: { amp: number; phase: number }[] = [];
  for (let k = 0; k < count; k++) out.push({ amp: (roughness * rng.uniform(0.3, 1)) / (k + 1), phase: rng.uniform(0, 2 * Math.PI) });
  return out;
}

/**
 * 80–250 cells, fewer where the field is small: the monolayer's confluence varies from slide to
 * slide (35–95% of what the field could hold), so the stained area fraction does not betray the
 * pattern.
 */
export function defaultCellCount(rng: Random, widthPx: number, heightPx: number, pixelSizeUm: number): number {
  const areaUm2 = widthPx * heightPx * pixelSizeUm * pixelSizeUm;
  // A placed cell with its spacing claims about 700 µm² at full confluence.
  const capacity = areaUm2 / 700;
  return Math.max(1, Math.round(Math.min(rng.int(80, 250), capacity * rng.uniform(0.35, 0.95))));
}

/** A lab style's cell morphology (styles.ts); without it the classic constants apply. */
export interface Morphology {
  nucleusDiameterUm: number;
  cytoplasmScale: readonly [number, number];
  overlapShare: number;
  irregularShare: number;
  brightnessSigma: number;
}

export function layoutCells(rng: Random, widthPx: number, heightPx: number, pixelSizeUm: number, wantedCount: number, mitoticRateOption?: number, morphology?: Morphology): CellGeometry[] {
  const umToPx = 1 / pixelSizeUm;
  const cells: CellGeometry[] = [];
  const drawnRate = rng.uniform(MITOTIC_RATE.min, MITOTIC_RATE.max);
  const mitoticRate = mitoticRateOption ?? drawnRate;
  // Spatial hash over nucleus centres for the spacing check.
  const bucketPx = 30 * umToPx;
  const columns = Math.ceil(widthPx / bucketPx) + 1;
  const buckets = new Map<number, number[]>();
  const exclusion: number[] = [];
  const maxAttempts = wantedCount * 25;
  for (let attempt = 0; attempt < maxAttempts && cells.length < wantedCount; attempt++) {
    const cell = drawCell(rng, cells.length, umToPx, rng.next() < mitoticRate, morphology);
    const reach = (cell.cytoplasm.radiusXPx + cell.cytoplasm.radiusYPx) / 2;
    // Most cells only touch; about one in twelve may overlap its neighbour.
    const spacing = rng.next() < (morphology?.overlapShare ?? 0.08) ? 0.55 : 0.82;
    let x = -1;
    let y = -1;
    if (cells.length > 0 && rng.next() < 0.75) {
      // Colonies grow as compact sheets, not chains: of a few free spots next to existing cells,
      // take the one with the most neighbours.
      let bestNeighbours = -1;
      for (let candidate = 0; candidate < 5; candidate++) {
        const parent = cells[rng.int(0, cells.length - 1)]!;
        const angle = rng.uniform(0, 2 * Math.PI);
        const distance = (exclusion[parent.id]! + reach) * rng.uniform(0.85, 1.05);
        const cx = parent.nucleus.centreXPx + Math.cos(angle) * distance;
        const cy = parent.nucleus.centreYPx + Math.sin(angle) * distance;
        if (cx < 0 || cy < 0 || cx >= widthPx || cy >= heightPx || collides(cx, cy, reach, spacing)) continue;
        const n = neighbours(cx, cy, reach);
        if (n > bestNeighbours) {
          bestNeighbours = n;
          x = cx;
          y = cy;
        }
      }
      if (bestNeighbours < 0) continue;
    } else {
      x = rng.uniform(0, widthPx);
      y = rng.uniform(0, heightPx);
      if (collides(x, y, reach, spacing)) continue;
    }
    const dx = x - cell.nucleus.centreXPx;
    const dy = y - cell.nucleus.centreYPx;
    cell.nucleus.centreXPx += dx;
    cell.nucleus.centreYPx += dy;
    cell.cytoplasm.centreXPx += dx;
    cell.cytoplasm.centreYPx += dy;
    cell.id = cells.length;
    cells.push(cell);
    exclusion.push(reach);
    const key = bucketKey(x, y);
    const list = buckets.get(key);
    if (list) list.push(cell.id);
    else buckets.set(key, [cell.id]);
  }
  return cells;

  function bucketKey(x: number, y: number): number {
    return Math.floor(y / bucketPx) * columns + Math.floor(x / bucketPx);
  }

  function neighbours(x: number, y: number, reach: number): number {
    const bx = Math.floor(x / bucketPx);
    const by = Math.floor(y / bucketPx);
    const span = Math.ceil((reach * 3) / bucketPx);
    let count = 0;
    for (let j = by - span; j <= by + span; j++) {
      for (let i = bx - span; i <= bx + span; i++) {
        if (i < 0 || i >= columns) continue;
        for (const id of buckets.get(j * columns + i) ?? []) {
          const other = cells[id]!;
          if (Math.hypot(other.nucleus.centreXPx - x, other.nucleus.centreYPx - y) < 1.4 * (reach + exclusion[id]!)) count++;
        }
      }
    }
    return count;
  }

  function collides(x: number, y: number, reach: number, spacing: number): boolean {
    const bx = Math.floor(x / bucketPx);
    const by = Math.floor(y / bucketPx);
    const span = Math.ceil((reach * 2.5) / bucketPx);
    for (let j = by - span; j <= by + span; j++) {
      for (let i = bx - span; i <= bx + span; i++) {
        if (i < 0 || i >= columns) continue;
        for (const id of buckets.get(j * columns + i) ?? []) {
          const other = cells[id]!;
          const d = Math.hypot(other.nucleus.centreXPx - x, other.nucleus.centreYPx - y);
          if (d < spacing * (reach + exclusion[id]!)) return true;
        }
      }
    }
    return false;
  }
}

function drawCell(rng: Random, id: number, umToPx: number, mitotic: boolean, morphology?: Morphology): CellGeometry {
  const mean = morphology?.nucleusDiameterUm;
  const d = mean === undefined ? NUCLEUS_DIAMETER_UM : { mean, sd: 0.15 * mean, min: 0.7 * mean, max: 1.35 * mean };
  const diameterUm = Math.min(d.max, Math.max(d.min, rng.normal(d.mean, d.sd)));
  const radiusUm = diameterUm / 2;
  const brightness = Math.exp(rng.normal(0, morphology?.brightnessSigma ?? 0.4));
  if (mitotic) {
    // Metaphase: chromosomes condensed into a plate, the cell rounded up around it.
    const plateAngle = rng.uniform(0, Math.PI);
    const nucleus: Outline = {
      centreXPx: 0,
      centreYPx: 0,
      radiusXPx: radiusUm * rng.uniform(0.75, 0.95) * umToPx,
      radiusYPx: rng.uniform(1.1, 1.7) * umToPx,
      angleRad: plateAngle,
      harmonics: harmonics(rng, 0.05, 3),
    };
    const cytoRadius = radiusUm * rng.uniform(1.35, 1.6) * umToPx;
    const cytoplasm: Outline = {
      centreXPx: rng.normal(0, 0.5) * umToPx,
      centreYPx: rng.normal(0, 0.5) * umToPx,
      radiusXPx: cytoRadius * rng.uniform(0.95, 1.05),
      radiusYPx: cytoRadius * rng.uniform(0.95, 1.05),
      angleRad: rng.uniform(0, Math.PI),
      harmonics: harmonics(rng, 0.03, 3),
    };
    return { id, mitotic, nucleus, cytoplasm, brightness: brightness * 1.2 };
  }
  const aspect = 1 + Math.abs(rng.normal(0, 0.18));
  const irregular = rng.next() < (morphology?.irregularShare ?? 0.15);
  const nucleus: Outline = {
    centreXPx: 0,
    centreYPx: 0,
    radiusXPx: radiusUm * Math.sqrt(aspect) * umToPx,
    radiusYPx: (radiusUm / Math.sqrt(aspect)) * umToPx,
    angleRad: rng.uniform(0, Math.PI),
    harmonics: harmonics(rng, irregular ? 0.12 : 0.05, 4),
  };
  const [cytoMin, cytoMax] = morphology?.cytoplasmScale ?? [1.55, 2.05];
  const cytoScale = rng.uniform(cytoMin, cytoMax);
  const cytoAspect = 1 + Math.abs(rng.normal(0, 0.25));
  const offsetUm = radiusUm * rng.uniform(0, 0.35);
  const offsetAngle = rng.uniform(0, 2 * Math.PI);
  const cytoplasm: Outline = {
    centreXPx: Math.cos(offsetAngle) * offsetUm * umToPx,
    centreYPx: Math.sin(offsetAngle) * offsetUm * umToPx,
    radiusXPx: radiusUm * cytoScale * Math.sqrt(cytoAspect) * umToPx,
    radiusYPx: ((radiusUm * cytoScale) / Math.sqrt(cytoAspect)) * umToPx,
    angleRad: rng.uniform(0, Math.PI),
    harmonics: harmonics(rng, 0.16, 5),
  };
  return { id, mitotic, nucleus, cytoplasm, brightness };
}
