/**
 * Draws each cell's staining into the field's signal planes. The eight patterns differ by where
 * the antigen sits (whole nucleoplasm, granules sparing nucleoli, centromeres, nuclear bodies,
 * nucleoli, lamina, mitochondria, Golgi) and so by morphology, not by brightness: every pattern
 * is scaled to a similar integrated signal per cell, and the serum's titer multiplies them all.
 * Mitotic cells follow each antigen's fate in metaphase (homogeneous stains the chromosome plate,
 * speckled (except dense fine speckled, AC-2) and nucleolar spare it, centromeres line up on it).
 */
import type { Random } from '../random';
import { normalisedRadius, outlineExtentPx, outlineRadiusScale, outlineShape, type CellGeometry, type Outline } from './cell-layout';
import { splatGaussian, TEXTURE_MASK, TEXTURE_SIZE } from './raster';
import type { PatternSubtypes } from './synth.types';

export interface FieldTextures {
  /** Smooth chromatin-scale variation (zero mean, unit sd). */
  smooth: Float32Array;
  /** Fine granules (AC-2/4), ≥ 0. */
  fineGrain: Float32Array;
  /** Coarse granules (AC-5), ≥ 0. */
  coarseGrain: Float32Array;
  /** Granular-reticular network of mitochondria, ≥ 0. */
  reticular: Float32Array;
}

export interface RenderPlanes {
  widthPx: number;
  heightPx: number;
  /** Pattern-specific FITC signal before the titer is applied. */
  specific: Float32Array;
  /** Non-specific staining and autofluorescence of cells (present in negatives too). */
  nonspecific: Float32Array;
  /** How much cytoplasm already claims each pixel, so touching cells do not double up. */
  cytoCoverage: Float32Array;
  dapi: Float32Array | null;
}

/** What was drawn in one cell, for its ground truth. */
export interface CellDrawn {
  nucleoli: number;
  centromereDots?: number;
  nuclearDots?: number;
  golgiAngleRad?: number;
}

/**
 * Relative amplitudes per pattern, chosen so a typical interphase cell carries a comparable
 * integrated signal whatever the pattern (see the shortcut test).
 */
const AMPLITUDE = {
  homogeneous: 0.3,
  speckled: 0.75,
  centromere: 1.5,
  nuclear_dots: 1.7,
  nucleolar: 1.8,
  nuclear_envelope: 0.8,
  mitochondrial: 0.44,
  golgi: 1.45,
} as const;

interface Nucleolus {
  lobes: { xPx: number; yPx: number; sigmaPx: number; weight: number }[];
}

/** Non-specific staining of the nucleus relative to the cytoplasm's 0.9 (classic 0.25: negatives show brighter cytoplasm). */
const CLASSIC_NUCLEUS_NONSPECIFIC = 0.25;

export function renderCell(rng: Random, planes: RenderPlanes, textures: FieldTextures, cell: CellGeometry, strengths: Record<string, number>, subtypes: PatternSubtypes, pixelSizeUm: number, nucleusNonspecific = CLASSIC_NUCLEUS_NONSPECIFIC): CellDrawn {
  return cell.mitotic
    ? renderMitoticCell(rng, planes, textures, cell, strengths, subtypes, pixelSizeUm)
    : renderInterphaseCell(rng, planes, textures, cell, strengths, subtypes, pixelSizeUm, nucleusNonspecific);
}

/** The pixels a shape reaching `extentPx` from its centre can touch, clipped to the w×h field (inclusive bounds). */
function boxAround(centre: { centreXPx: number; centreYPx: number }, extentPx: number, w: number, h: number): { x0: number; x1: number; y0: number; y1: number } {
  return {
    x0: Math.max(0, Math.floor(centre.centreXPx - extentPx)),
    x1: Math.min(w - 1, Math.ceil(centre.centreXPx + extentPx)),
    y0: Math.max(0, Math.floor(centre.centreYPx - extentPx)),
    y1: Math.min(h - 1, Math.ceil(centre.centreYPx + extentPx)),
  };
}

/** Where this cell samples the field's tiled textures, so neighbouring cells do not look alike (x drawn first, then y). */
function textureOffset(rng: Random): { offX: number; offY: number } {
  const offX = rng.int(0, TEXTURE_SIZE - 1);
  return { offX, offY: rng.int(0, TEXTURE_SIZE - 1) };
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function renderInterphaseCell(rng: Random, planes: RenderPlanes, tex: FieldTextures, cell: CellGeometry, strengths: Record<string, number>, subtypes: PatternSubtypes, pixelSizeUm: number, nucleusNonspecific: number): CellDrawn {
  const { widthPx: w, heightPx: h } = planes;
  const umToPx = 1 / pixelSizeUm;
  const nuc = cell.nucleus;
  const cyto = cell.cytoplasm;
  const nucRadiusPx = (nuc.radiusXPx + nuc.radiusYPx) / 2;
  const nCos = Math.cos(nuc.angleRad);
  const nSin = Math.sin(nuc.angleRad);
  const nShape = outlineShape(nuc);
  const cShape = outlineShape(cyto);
  const extent = Math.max(outlineExtentPx(cyto) + Math.hypot(cyto.centreXPx - nuc.centreXPx, cyto.centreYPx - nuc.centreYPx), outlineExtentPx(nuc) * 1.35) + 2;
  const { x0, x1, y0, y1 } = boxAround(nuc, extent, w, h);
  const { offX, offY } = textureOffset(rng);

  const nucleoli = drawNucleoli(rng, nuc, nCos, nSin, umToPx);
  const sHom = (strengths.homogeneous ?? 0) * AMPLITUDE.homogeneous;
  const sSpk = (strengths.speckled ?? 0) * AMPLITUDE.speckled;
  const sEnv = (strengths.nuclear_envelope ?? 0) * AMPLITUDE.nuclear_envelope;
  const sNol = (strengths.nucleolar ?? 0) * AMPLITUDE.nucleolar;
  const sMit = (strengths.mitochondrial ?? 0) * AMPLITUDE.mitochondrial;
  const grain = subtypes.speckled === 'coarse' ? tex.coarseGrain : tex.fineGrain;
  // Dense fine speckled (DFS70): denser, uneven speckles over a brighter nucleoplasm.
  const dense = subtypes.speckled === 'dense-fine';
  const envPunctate = subtypes.nuclear_envelope === 'punctate';
  const nolTexture = subtypes.nucleolar === 'punctate' ? tex.fineGrain : subtypes.nucleolar === 'clumpy' ? tex.coarseGrain : null;
  // Lamina rim about 0.6 µm wide, expressed in normalised radius.
  const rimWidth = (0.6 * umToPx) / nucRadiusPx;
  const nucEdge = (0.35 * umToPx) / nucRadiusPx;
  const cytoEdge = (1.2 * umToPx) / ((cyto.radiusXPx + cyto.radiusYPx) / 2);
  const bright = cell.brightness;
  const { specific, nonspecific, cytoCoverage, dapi } = planes;

  for (let y = y0; y <= y1; y++) {
    const row = y * w;
    const ty = ((y + offY) & TEXTURE_MASK) * TEXTURE_SIZE;
    for (let x = x0; x <= x1; x++) {
      const dxN = x + 0.5 - nuc.centreXPx;
      const dyN = y + 0.5 - nuc.centreYPx;
      const rn = normalisedRadius(nShape, dxN, dyN);
      const rc = normalisedRadius(cShape, x + 0.5 - cyto.centreXPx, y + 0.5 - cyto.centreYPx);
      if (rn > 1.4 && rc > 1 + cytoEdge) continue;
      const i = row + x;
      const t = ty + ((x + offX) & TEXTURE_MASK);
      const mN = clamp01((1 - rn) / nucEdge + 0.5);
      // The cytoplasm always surrounds the nucleus, even where the outline harmonics pinch it.
      const mCraw = Math.max(clamp01((1 - rc) / cytoEdge + 0.5), clamp01((1.3 - rn) / 0.15));
      let wc = mCraw * (1 - mN);
      const free = 1 - cytoCoverage[i]!;
      if (wc > free) wc = free > 0 ? free : 0;
      cytoCoverage[i]! += wc;

      let value = 0;
      if (mN > 0) {
        let nol = 0;
        for (const n of nucleoli) {
          for (const lobe of n.lobes) {
            const ddx = x + 0.5 - lobe.xPx;
            const ddy = y + 0.5 - lobe.yPx;
            nol += lobe.weight * Math.exp(-(ddx * ddx + ddy * ddy) / (2 * lobe.sigmaPx * lobe.sigmaPx));
          }
        }
        if (nol > 1) nol = 1;
        if (sHom > 0) value += sHom * mN * (0.85 + 0.1 * tex.smooth[t]!) * (1 - 0.35 * nol);
        if (sSpk > 0) {
          const speckles = dense ? 0.3 + 0.55 * grain[t]! + 0.25 * Math.max(0, tex.smooth[t]!) : 0.12 + grain[t]!;
          value += sSpk * mN * speckles * (1 - 0.9 * nol);
        }
        if (sEnv > 0) {
          const d = (rn - (1 - rimWidth)) / rimWidth;
          const rim = Math.exp(-d * d);
          value += sEnv * mN * (0.08 + 0.92 * rim) * (envPunctate ? 0.3 + 1.2 * tex.fineGrain[t]! : 1);
        }
        if (sNol > 0) value += sNol * mN * nol * (nolTexture ? 0.35 + 1.1 * nolTexture[t]! : 1);
        nonspecific[i]! += bright * mN * nucleusNonspecific;
        if (dapi) dapi[i]! += mN * (0.75 + 0.12 * tex.smooth[(t + 4099) & (TEXTURE_SIZE * TEXTURE_SIZE - 1)]!) * (1 - 0.6 * nol);
      }
      if (wc > 0) {
        if (sMit > 0) value += sMit * wc * tex.reticular[t]! * (1.25 - 0.5 * clamp01((rn - 1) / 2));
        nonspecific[i]! += bright * wc * (0.9 + 0.25 * tex.smooth[t]!);
      }
      if (value !== 0) specific[i]! += bright * value;
    }
  }

  const drawn: CellDrawn = { nucleoli: nucleoli.length };
  const sCen = (strengths.centromere ?? 0) * AMPLITUDE.centromere * bright;
  if (sCen > 0) {
    const points = pointsInNucleus(rng, nuc, nCos, nSin, rng.int(40, 80), 0.85, 0.9 * umToPx);
    const sigma = Math.max(0.28 * umToPx, 0.5);
    for (const p of points) splatGaussian(specific, w, h, p.xPx, p.yPx, sigma, sCen * rng.uniform(0.9, 1.1));
    drawn.centromereDots = points.length;
  }
  const sDot = (strengths.nuclear_dots ?? 0) * AMPLITUDE.nuclear_dots * bright;
  if (sDot > 0) {
    const count = subtypes.nuclear_dots === 'few' ? rng.int(2, 6) : rng.int(7, 20);
    const points = pointsInNucleus(rng, nuc, nCos, nSin, count, 0.8, 2.0 * umToPx);
    for (const p of points) splatGaussian(specific, w, h, p.xPx, p.yPx, Math.max(rng.uniform(0.5, 0.7) * umToPx, 0.7), sDot * rng.uniform(0.8, 1.2));
    drawn.nuclearDots = points.length;
  }
  const sGol = (strengths.golgi ?? 0) * AMPLITUDE.golgi * bright;
  if (sGol > 0) {
    const angle = rng.uniform(-Math.PI, Math.PI);
    const granules = rng.int(10, 22);
    for (let g = 0; g < granules; g++) {
      const a = angle + rng.normal(0, 0.38);
      // Distance from the nuclear edge in this direction: the cap hugs the nucleus.
      const u = Math.cos(a - nuc.angleRad);
      const v = Math.sin(a - nuc.angleRad);
      const edgePx = outlineRadiusScale(nuc, Math.atan2(v / nuc.radiusYPx, u / nuc.radiusXPx)) / Math.hypot(u / nuc.radiusXPx, v / nuc.radiusYPx);
      const r = edgePx + rng.uniform(0.4, 3.2) * umToPx;
      splatGaussian(specific, w, h, nuc.centreXPx + Math.cos(a) * r, nuc.centreYPx + Math.sin(a) * r, Math.max(rng.uniform(0.4, 0.85) * umToPx, 0.6), sGol * rng.uniform(0.5, 1));
    }
    drawn.golgiAngleRad = angle;
  }
  return drawn;
}

function drawNucleoli(rng: Random, nuc: Outline, cos: number, sin: number, umToPx: number): Nucleolus[] {
  const count = rng.int(1, 6);
  const centres = pointsInNucleus(rng, nuc, cos, sin, count, 0.68, 3.4 * umToPx);
  return centres.map((c) => {
    const lobes = [];
    const lobeCount = rng.int(2, 4);
    const sizeUm = rng.uniform(0.45, 0.8);
    for (let l = 0; l < lobeCount; l++) {
      const a = rng.uniform(0, 2 * Math.PI);
      const d = l === 0 ? 0 : rng.uniform(0.35, 0.8) * umToPx;
      lobes.push({ xPx: c.xPx + Math.cos(a) * d, yPx: c.yPx + Math.sin(a) * d, sigmaPx: sizeUm * rng.uniform(0.7, 1.1) * umToPx, weight: rng.uniform(0.8, 1.4) });
    }
    return { lobes };
  });
}

/** Up to `count` points uniformly inside the nucleus (normalised radius < maxRho), at least minSpacingPx apart. */
function pointsInNucleus(rng: Random, nuc: Outline, cos: number, sin: number, count: number, maxRho: number, minSpacingPx: number): { xPx: number; yPx: number }[] {
  const points: { xPx: number; yPx: number }[] = [];
  const min2 = minSpacingPx * minSpacingPx;
  for (let attempt = 0; attempt < count * 30 && points.length < count; attempt++) {
    const phi = rng.uniform(0, 2 * Math.PI);
    const r = Math.sqrt(rng.next()) * maxRho * outlineRadiusScale(nuc, phi);
    const u = Math.cos(phi) * r * nuc.radiusXPx;
    const v = Math.sin(phi) * r * nuc.radiusYPx;
    const xPx = nuc.centreXPx + u * cos - v * sin;
    const yPx = nuc.centreYPx + u * sin + v * cos;
    if (points.some((p) => (p.xPx - xPx) ** 2 + (p.yPx - yPx) ** 2 < min2)) continue;
    points.push({ xPx, yPx });
  }
  return points;
}

function renderMitoticCell(rng: Random, planes: RenderPlanes, tex: FieldTextures, cell: CellGeometry, strengths: Record<string, number>, subtypes: PatternSubtypes, pixelSizeUm: number): CellDrawn {
  const { widthPx: w, heightPx: h } = planes;
  const umToPx = 1 / pixelSizeUm;
  const plate = cell.nucleus;
  const cyto = cell.cytoplasm;
  const pCos = Math.cos(plate.angleRad);
  const pSin = Math.sin(plate.angleRad);
  const pShape = outlineShape(plate);
  const cShape = outlineShape(cyto);
  const extent = outlineExtentPx(cyto) + Math.hypot(cyto.centreXPx - plate.centreXPx, cyto.centreYPx - plate.centreYPx) + 2;
  const { x0, x1, y0, y1 } = boxAround(plate, extent, w, h);
  const { offX, offY } = textureOffset(rng);
  const bright = cell.brightness;
  const sHom = (strengths.homogeneous ?? 0) * AMPLITUDE.homogeneous * 2.2;
  const sSpk = (strengths.speckled ?? 0) * AMPLITUDE.speckled * 0.35;
  const sSpkPlate = subtypes.speckled === 'dense-fine' ? (strengths.speckled ?? 0) * AMPLITUDE.speckled * 1.1 : 0;
  const sNol = (strengths.nucleolar ?? 0) * AMPLITUDE.nucleolar * 0.35;
  const sEnv = (strengths.nuclear_envelope ?? 0) * AMPLITUDE.nuclear_envelope * 0.12;
  const sMit = (strengths.mitochondrial ?? 0) * AMPLITUDE.mitochondrial;
  const sGol = (strengths.golgi ?? 0) * AMPLITUDE.golgi * 0.3;
  const plateEdge = (0.4 * umToPx) / plate.radiusYPx;
  const cytoEdge = (1.0 * umToPx) / cyto.radiusXPx;
  const { specific, nonspecific, cytoCoverage, dapi } = planes;
  for (let y = y0; y <= y1; y++) {
    const row = y * w;
    const ty = ((y + offY) & TEXTURE_MASK) * TEXTURE_SIZE;
    for (let x = x0; x <= x1; x++) {
      const rc = normalisedRadius(cShape, x + 0.5 - cyto.centreXPx, y + 0.5 - cyto.centreYPx);
      if (rc > 1 + cytoEdge) continue;
      const i = row + x;
      const t = ty + ((x + offX) & TEXTURE_MASK);
      // Chromosome arms make the plate's edge ragged: perturb its radius with fine texture.
      const rp = normalisedRadius(pShape, x + 0.5 - plate.centreXPx, y + 0.5 - plate.centreYPx) * (1 + 0.12 * tex.smooth[t]!);
      const mP = clamp01((1 - rp) / plateEdge + 0.5);
      let wc = clamp01((1 - rc) / cytoEdge + 0.5) * (1 - mP);
      const free = 1 - cytoCoverage[i]!;
      if (wc > free) wc = free > 0 ? free : 0;
      cytoCoverage[i]! += wc;
      let value = 0;
      if (sHom > 0) value += sHom * mP;
      if (sSpkPlate > 0) value += sSpkPlate * mP * (0.35 + tex.fineGrain[t]!);
      // Perichromosomal material: a faint, diffuse halo around the chromosomes.
      if (sNol > 0) value += sNol * 0.5 * clamp01(1 - Math.abs(rp - 1.3) / 0.6) * (0.5 + tex.fineGrain[t]!);
      if (wc > 0) {
        if (sSpk > 0) value += sSpk * wc * (0.3 + tex.fineGrain[t]!);
        if (sEnv > 0) value += sEnv * wc;
        if (sMit > 0) value += sMit * wc * tex.reticular[t]!;
        if (sGol > 0) value += sGol * wc * tex.fineGrain[t]!;
      }
      if (value !== 0) specific[i]! += bright * value;
      nonspecific[i]! += bright * (wc * 1.2 + mP * 0.3);
      if (dapi) dapi[i]! += mP * 1.1;
    }
  }
  const drawn: CellDrawn = { nucleoli: 0 };
  const sCen = (strengths.centromere ?? 0) * AMPLITUDE.centromere * bright;
  if (sCen > 0) {
    // Sister kinetochores line up along the plate's long axis in two close rows.
    const count = rng.int(20, 40);
    const sigma = Math.max(0.28 * umToPx, 0.5);
    for (let k = 0; k < count; k++) {
      const along = rng.uniform(-0.9, 0.9) * plate.radiusXPx;
      const across = (k % 2 === 0 ? 1 : -1) * rng.uniform(0.3, 0.6) * umToPx;
      splatGaussian(specific, w, h, plate.centreXPx + along * pCos - across * pSin, plate.centreYPx + along * pSin + across * pCos, sigma, sCen * rng.uniform(0.9, 1.1));
    }
    drawn.centromereDots = count;
  }
  return drawn;
}
