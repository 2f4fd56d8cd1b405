/**
 * Lab styles: every rendering choice of a styled field (cell morphology and density, how the
 * patterns vary between cells, intensity, optics, camera, colour, compression, pixel size and
 * artefacts) is drawn from a named distribution, so that two styles differ as much as two labs'
 * microscopes do (see ../../../docs/styles.md and the realism checklist real-fields.md). `classic`
 * is the generator as it was before styles existed and stays byte-identical; `random` draws every
 * facet from the widest ranges (domain randomisation for training).
 */
import { DomainError } from '../errors';
import type { Random } from '../random';
import type { SynthFormat } from './encode';

/** [min, max], drawn uniformly (log-uniformly where a field says so). */
export type Range = readonly [number, number];

export interface LabStyle {
  name: string;
  /** One line: the lab and microscope this style imitates. */
  summary: string;
  morphology: {
    /** Mean nucleus diameter of the field's cells (µm); cells scatter around it (sd 15%). */
    nucleusDiameterUm: Range;
    /** Cytoplasm radius in nucleus radii: HEp-2 cytoplasm is much larger than the nucleus. */
    cytoplasmScale: Range;
    /** Share of the field's capacity filled with cells: 0.2 sparse … 1.2 confluent, overlapping. */
    confluence: Range;
    /** Share of cells allowed to overlap their neighbour. */
    overlapShare: Range;
    /** Share of irregular (lobed) nuclei. */
    irregularShare: number;
    mitoticRate: Range;
    /** σ of the lognormal per-cell brightness (cell cycle, thickness). */
    cellBrightnessSigma: Range;
  };
  staining: {
    /** Non-specific staining and autofluorescence relative to the specific signal (log-uniform). */
    nonspecific: Range;
    /** Non-specific nucleus / cytoplasm ratio: below 1 the cytoplasm is brighter, as in most negatives. */
    nucleusToCytoplasm: Range;
    /** σ of the lognormal per-cell strength of each pattern. */
    perCellStrengthSigma: Range;
    /** Share of cells in which a pattern is absent (cell-cycle dependent antigen, mixed sera more). */
    patternDropout: Range;
    /** Grain size of speckles and granules relative to classic. */
    grainScale: Range;
  };
  optics: {
    /** Micrometres per pixel at the sample (20× ≈ 0.3–0.65, 40× ≈ 0.15–0.3). */
    pixelSizeUm: Range;
    /** PSF σ of the objective (a 20× NA 0.5 blurs more than a 40× NA 0.95). */
    psfSigmaUm: Range;
    /** Extra blur σ (µm) reached at the far side of a tilted field (focus varying over the field). */
    defocusTiltUm: Range;
    /** Probability of an out-of-focus patch (uneven mounting, a tilted coverslip). */
    defocusPatch: number;
    vignetting: Range;
    /** Strength of an off-centre illumination hot spot (misaligned lamp). */
    hotSpot: Range;
    /** Fraction of signal lost to photobleaching in the centre of the field (watched a while). */
    photobleaching: Range;
  };
  camera: {
    /** Formats a case is exported in (the style's camera software). */
    formats: readonly SynthFormat[];
    /** Electrons at full scale (log-uniform): shallow wells give grainy images. */
    fullWellElectrons: Range;
    readNoiseElectrons: Range;
    darkOffset: Range;
    /** Exposure relative to classic (log-uniform): above ~1.5 bright fields saturate. */
    exposure: Range;
    /** Effective bit depth of the sensor (12-bit values stored in 16-bit files). */
    bitDepth: 8 | 12 | 16;
    /** Colour camera: FITC bleeds into red and blue (ratios to green), each with its own noise. */
    colourBleed?: { red: Range; blue: Range };
    jpegQuality?: Range;
  };
  artefacts: {
    /** Probability of a burnt-in scale bar and of a burnt-in text stamp. */
    scaleBar: number;
    textStamp: number;
    /** Dust shadows (dark soft rings from dust on the optics), count range. */
    dust: Range;
    /** Fluorescent debris clumps, count range. */
    debris: Range;
    fibre: number;
    bubble: number;
    slideEdge: number;
    saturatedParticles: number;
  };
}

/** The concrete draw of a style for one field. */
export interface StyleDraw {
  nucleusDiameterUm: number;
  cytoplasmScale: Range;
  confluence: number;
  overlapShare: number;
  irregularShare: number;
  mitoticRate: number;
  cellBrightnessSigma: number;
  nonspecific: number;
  nucleusToCytoplasm: number;
  perCellStrengthSigma: number;
  patternDropout: number;
  grainScale: number;
  psfSigmaUm: number;
  defocusTiltUm: number;
  defocusTiltAngleRad: number;
  defocusPatch: boolean;
  vignetting: number;
  hotSpot: number;
  photobleaching: number;
  fullWellElectrons: number;
  readNoiseElectrons: number;
  darkOffset: number;
  exposure: number;
  bitDepth: 8 | 12 | 16;
  colourBleed: { red: number; blue: number } | null;
  jpegQuality: number | null;
  scaleBar: boolean;
  textStamp: boolean;
  dust: number;
  debris: number;
  fibre: boolean;
  bubble: boolean;
  slideEdge: boolean;
  saturatedParticles: boolean;
}

const DEFAULT_BLEED = { red: [0.15, 0.3], blue: [0.08, 0.18] } as const;

const NO_ARTEFACTS: LabStyle['artefacts'] = { scaleBar: 0, textStamp: 0, dust: [0, 0], debris: [0, 2], fibre: 0.05, bubble: 0, slideEdge: 0, saturatedParticles: 0.1 };

/** Named styles besides `classic` and `random`. The benchmark holds some of them out (bench-shift.ts). */
export const LAB_STYLES: readonly LabStyle[] = [
  {
    name: 'research-40x-mono16',
    summary: 'Research microscope: 40× NA 0.95, cooled 16-bit monochrome sCMOS, 16-bit TIFF, even LED light, sparse to moderate cells',
    morphology: { nucleusDiameterUm: [12, 16], cytoplasmScale: [1.7, 2.3], confluence: [0.25, 0.6], overlapShare: [0.02, 0.06], irregularShare: 0.12, mitoticRate: [0.01, 0.04], cellBrightnessSigma: [0.3, 0.45] },
    staining: { nonspecific: [0.02, 0.06], nucleusToCytoplasm: [0.25, 0.5], perCellStrengthSigma: [0.2, 0.35], patternDropout: [0, 0.15], grainScale: [0.9, 1.1] },
    optics: { pixelSizeUm: [0.15, 0.22], psfSigmaUm: [0.16, 0.2], defocusTiltUm: [0, 0.4], defocusPatch: 0.1, vignetting: [0.03, 0.1], hotSpot: [0, 0.05], photobleaching: [0, 0.1] },
    camera: { formats: ['tiff-grey16'], fullWellElectrons: [15_000, 30_000], readNoiseElectrons: [1, 2], darkOffset: [0.002, 0.006], exposure: [0.5, 0.9], bitDepth: 16 },
    artefacts: NO_ARTEFACTS,
  },
  {
    name: 'routine-20x-colour-jpeg',
    summary: 'Routine lab: 20× NA 0.5, 8-bit colour CCD, JPEG export (quality 70–85, 4:2:0), scale bar and timestamp burnt in, strong vignetting',
    morphology: { nucleusDiameterUm: [11, 15], cytoplasmScale: [1.5, 2.0], confluence: [0.5, 0.9], overlapShare: [0.05, 0.12], irregularShare: 0.15, mitoticRate: [0.01, 0.03], cellBrightnessSigma: [0.35, 0.5] },
    staining: { nonspecific: [0.04, 0.12], nucleusToCytoplasm: [0.3, 0.6], perCellStrengthSigma: [0.25, 0.4], patternDropout: [0.05, 0.2], grainScale: [0.9, 1.2] },
    optics: { pixelSizeUm: [0.5, 0.65], psfSigmaUm: [0.3, 0.42], defocusTiltUm: [0.2, 1], defocusPatch: 0.3, vignetting: [0.3, 0.5], hotSpot: [0, 0.1], photobleaching: [0, 0.1] },
    camera: { formats: ['jpeg-rgb8'], fullWellElectrons: [6_000, 12_000], readNoiseElectrons: [6, 12], darkOffset: [0.02, 0.05], exposure: [0.8, 1.6], bitDepth: 8, colourBleed: { red: [0.25, 0.4], blue: [0.1, 0.25] }, jpegQuality: [70, 85] },
    artefacts: { scaleBar: 0.9, textStamp: 0.8, dust: [0, 3], debris: [0, 4], fibre: 0.1, bubble: 0.05, slideEdge: 0.03, saturatedParticles: 0.2 },
  },
  {
    name: 'mercury-hotspot-12bit',
    summary: 'Ageing mercury lamp: off-centre hot spot and uneven light, photobleached centre, 12-bit monochrome camera, dust on the optics',
    morphology: { nucleusDiameterUm: [12, 17], cytoplasmScale: [1.6, 2.2], confluence: [0.4, 0.85], overlapShare: [0.04, 0.1], irregularShare: 0.15, mitoticRate: [0.01, 0.03], cellBrightnessSigma: [0.35, 0.5] },
    staining: { nonspecific: [0.03, 0.1], nucleusToCytoplasm: [0.3, 0.6], perCellStrengthSigma: [0.2, 0.35], patternDropout: [0, 0.15], grainScale: [0.85, 1.1] },
    optics: { pixelSizeUm: [0.3, 0.4], psfSigmaUm: [0.22, 0.3], defocusTiltUm: [0, 0.6], defocusPatch: 0.2, vignetting: [0.15, 0.35], hotSpot: [0.4, 0.9], photobleaching: [0.15, 0.4] },
    camera: { formats: ['png-grey16', 'tiff-grey16'], fullWellElectrons: [8_000, 16_000], readNoiseElectrons: [4, 8], darkOffset: [0.01, 0.03], exposure: [0.6, 1.2], bitDepth: 12 },
    artefacts: { scaleBar: 0, textStamp: 0, dust: [2, 6], debris: [1, 5], fibre: 0.15, bubble: 0.05, slideEdge: 0, saturatedParticles: 0.3 },
  },
  {
    name: 'automated-reader-8bit',
    summary: 'Automated IIF reader: 20× LED, autofocus, 8-bit greyscale PNG at about 0.45 µm/px, confluent wells, little noise',
    morphology: { nucleusDiameterUm: [11, 14], cytoplasmScale: [1.5, 1.9], confluence: [0.85, 1.15], overlapShare: [0.1, 0.2], irregularShare: 0.1, mitoticRate: [0.02, 0.05], cellBrightnessSigma: [0.3, 0.4] },
    staining: { nonspecific: [0.03, 0.08], nucleusToCytoplasm: [0.35, 0.6], perCellStrengthSigma: [0.15, 0.3], patternDropout: [0, 0.1], grainScale: [0.95, 1.05] },
    optics: { pixelSizeUm: [0.42, 0.48], psfSigmaUm: [0.25, 0.3], defocusTiltUm: [0, 0.3], defocusPatch: 0.05, vignetting: [0.05, 0.12], hotSpot: [0, 0.05], photobleaching: [0, 0.05] },
    camera: { formats: ['png-grey8'], fullWellElectrons: [8_000, 14_000], readNoiseElectrons: [3, 5], darkOffset: [0.01, 0.02], exposure: [0.7, 1.1], bitDepth: 8 },
    artefacts: { ...NO_ARTEFACTS, debris: [0, 1], saturatedParticles: 0.05 },
  },
  {
    name: 'confluent-40x-colour-png',
    summary: '40× NA 0.75 with an 8-bit colour camera saved as PNG: confluent, overlapping monolayer, fixed exposure that saturates bright sera',
    morphology: { nucleusDiameterUm: [13, 18], cytoplasmScale: [1.6, 2.1], confluence: [0.9, 1.2], overlapShare: [0.15, 0.3], irregularShare: 0.2, mitoticRate: [0.02, 0.05], cellBrightnessSigma: [0.35, 0.5] },
    staining: { nonspecific: [0.03, 0.1], nucleusToCytoplasm: [0.3, 0.55], perCellStrengthSigma: [0.25, 0.4], patternDropout: [0.05, 0.2], grainScale: [1, 1.25] },
    optics: { pixelSizeUm: [0.22, 0.3], psfSigmaUm: [0.2, 0.26], defocusTiltUm: [0.2, 0.8], defocusPatch: 0.25, vignetting: [0.1, 0.25], hotSpot: [0, 0.15], photobleaching: [0, 0.1] },
    camera: { formats: ['png-rgb8'], fullWellElectrons: [5_000, 9_000], readNoiseElectrons: [5, 9], darkOffset: [0.015, 0.03], exposure: [1.4, 2.4], bitDepth: 8, colourBleed: { red: [0.15, 0.3], blue: [0.05, 0.15] } },
    artefacts: { scaleBar: 0.4, textStamp: 0.2, dust: [0, 2], debris: [0, 3], fibre: 0.1, bubble: 0.05, slideEdge: 0.02, saturatedParticles: 0.3 },
  },
  {
    name: 'low-light-noisy',
    summary: 'Dim light and short exposure: read-noise dominated 12-bit camera at high gain, high dark offset, focus drifting over the field',
    morphology: { nucleusDiameterUm: [12, 16], cytoplasmScale: [1.6, 2.1], confluence: [0.35, 0.8], overlapShare: [0.04, 0.1], irregularShare: 0.15, mitoticRate: [0.01, 0.03], cellBrightnessSigma: [0.35, 0.5] },
    staining: { nonspecific: [0.04, 0.12], nucleusToCytoplasm: [0.3, 0.6], perCellStrengthSigma: [0.25, 0.4], patternDropout: [0, 0.15], grainScale: [0.9, 1.15] },
    optics: { pixelSizeUm: [0.32, 0.5], psfSigmaUm: [0.24, 0.34], defocusTiltUm: [0.5, 1.6], defocusPatch: 0.3, vignetting: [0.1, 0.3], hotSpot: [0, 0.2], photobleaching: [0, 0.2] },
    camera: { formats: ['tiff-grey16', 'png-grey16'], fullWellElectrons: [1_500, 3_000], readNoiseElectrons: [10, 20], darkOffset: [0.04, 0.08], exposure: [0.25, 0.5], bitDepth: 12 },
    artefacts: { ...NO_ARTEFACTS, dust: [0, 2], debris: [0, 3], saturatedParticles: 0.15 },
  },
  {
    name: 'sparse-bright-dapi',
    summary: 'Sparse, freshly seeded cells, a bright kit with a DAPI counterstain page (16-bit two-page TIFF), 20× NA 0.8',
    morphology: { nucleusDiameterUm: [13, 18], cytoplasmScale: [1.8, 2.5], confluence: [0.15, 0.4], overlapShare: [0, 0.04], irregularShare: 0.1, mitoticRate: [0.02, 0.06], cellBrightnessSigma: [0.3, 0.45] },
    staining: { nonspecific: [0.02, 0.07], nucleusToCytoplasm: [0.25, 0.5], perCellStrengthSigma: [0.2, 0.35], patternDropout: [0, 0.15], grainScale: [0.9, 1.1] },
    optics: { pixelSizeUm: [0.3, 0.38], psfSigmaUm: [0.2, 0.26], defocusTiltUm: [0, 0.5], defocusPatch: 0.15, vignetting: [0.05, 0.2], hotSpot: [0, 0.1], photobleaching: [0, 0.15] },
    camera: { formats: ['tiff-fitc-dapi16'], fullWellElectrons: [12_000, 25_000], readNoiseElectrons: [2, 4], darkOffset: [0.003, 0.01], exposure: [0.9, 1.6], bitDepth: 16 },
    artefacts: { ...NO_ARTEFACTS, debris: [0, 3], slideEdge: 0.1, saturatedParticles: 0.2 },
  },
  {
    name: 'neglected-scope-artefacts',
    summary: 'Poorly kept microscope: dust, fibres, debris, air bubbles and slide edges, 8-bit colour PNG at 20×, label text burnt in',
    morphology: { nucleusDiameterUm: [11, 16], cytoplasmScale: [1.5, 2.1], confluence: [0.3, 0.9], overlapShare: [0.04, 0.12], irregularShare: 0.2, mitoticRate: [0.01, 0.04], cellBrightnessSigma: [0.35, 0.5] },
    staining: { nonspecific: [0.05, 0.14], nucleusToCytoplasm: [0.3, 0.7], perCellStrengthSigma: [0.25, 0.4], patternDropout: [0.05, 0.2], grainScale: [0.9, 1.2] },
    optics: { pixelSizeUm: [0.45, 0.6], psfSigmaUm: [0.28, 0.38], defocusTiltUm: [0.3, 1.2], defocusPatch: 0.35, vignetting: [0.15, 0.4], hotSpot: [0.1, 0.4], photobleaching: [0, 0.2] },
    camera: { formats: ['png-rgb8'], fullWellElectrons: [5_000, 10_000], readNoiseElectrons: [5, 10], darkOffset: [0.02, 0.04], exposure: [0.8, 1.5], bitDepth: 8, colourBleed: { red: [0.2, 0.35], blue: [0.1, 0.2] } },
    artefacts: { scaleBar: 0.3, textStamp: 0.7, dust: [3, 9], debris: [3, 9], fibre: 0.5, bubble: 0.4, slideEdge: 0.25, saturatedParticles: 0.5 },
  },
];

/** Domain randomisation: every facet from the widest range, every artefact possible. */
export const RANDOM_STYLE: LabStyle = {
  name: 'random',
  summary: 'Domain randomisation: every facet drawn from the widest range of all styles (for training)',
  morphology: { nucleusDiameterUm: [10, 18], cytoplasmScale: [1.45, 2.5], confluence: [0.15, 1.2], overlapShare: [0, 0.3], irregularShare: 0.15, mitoticRate: [0.01, 0.06], cellBrightnessSigma: [0.25, 0.55] },
  staining: { nonspecific: [0.02, 0.14], nucleusToCytoplasm: [0.2, 0.8], perCellStrengthSigma: [0.15, 0.45], patternDropout: [0, 0.25], grainScale: [0.8, 1.3] },
  optics: { pixelSizeUm: [0.15, 0.65], psfSigmaUm: [0.16, 0.42], defocusTiltUm: [0, 1.6], defocusPatch: 0.3, vignetting: [0, 0.5], hotSpot: [0, 0.8], photobleaching: [0, 0.4] },
  camera: { formats: ['png-rgb8', 'jpeg-rgb8', 'png-grey8', 'png-grey16', 'tiff-grey8', 'tiff-grey16'], fullWellElectrons: [1_500, 30_000], readNoiseElectrons: [1, 20], darkOffset: [0.002, 0.08], exposure: [0.25, 2.4], bitDepth: 12, colourBleed: { red: [0.1, 0.4], blue: [0.05, 0.25] }, jpegQuality: [65, 95] },
  artefacts: { scaleBar: 0.3, textStamp: 0.3, dust: [0, 6], debris: [0, 6], fibre: 0.2, bubble: 0.15, slideEdge: 0.1, saturatedParticles: 0.3 },
};

export const CLASSIC_STYLE_NAME = 'classic';
export const STYLE_NAMES: readonly string[] = [CLASSIC_STYLE_NAME, ...LAB_STYLES.map((s) => s.name), RANDOM_STYLE.name];

/** The style of a name; undefined for `classic` (the unstyled generator). */
export function findStyle(name: string): LabStyle | undefined {
  if (name === CLASSIC_STYLE_NAME) return undefined;
  const style = name === RANDOM_STYLE.name ? RANDOM_STYLE : LAB_STYLES.find((s) => s.name === name);
  if (!style) throw new DomainError('bad-request', `unknown synthetic lab style '${name}' (known: ${STYLE_NAMES.join(', ')})`);
  return style;
}

/**
 * One field's concrete rendering choices. The export format decides the camera: an RGB format is
 * a colour camera (FITC in green, bleed into red and blue), 8-bit formats an 8-bit sensor; random
 * mode draws the depth of 16-bit files between 12 and 16 bits.
 */
export function drawStyle(rng: Random, style: LabStyle, format: SynthFormat): StyleDraw {
  const u = (r: Range): number => rng.uniform(r[0], r[1]);
  const log = (r: Range): number => Math.exp(rng.uniform(Math.log(r[0]), Math.log(r[1])));
  const chance = (p: number): boolean => rng.next() < p;
  const count = (r: Range): number => rng.int(r[0], r[1]);
  const { morphology: m, staining: s, optics: o, camera: c, artefacts: a } = style;
  const rgb = format === 'png-rgb8' || format === 'jpeg-rgb8';
  const bleed = c.colourBleed ?? DEFAULT_BLEED;
  const colour = rgb ? { red: u(bleed.red), blue: u(bleed.blue) } : null;
  const sixteen = format === 'png-grey16' || format === 'tiff-grey16' || format === 'tiff-fitc-dapi16';
  const depth16 = style === RANDOM_STYLE ? rng.pick([12, 16] as const) : c.bitDepth === 8 ? 12 : c.bitDepth;
  const bitDepth = sixteen ? depth16 : 8;
  return {
    nucleusDiameterUm: u(m.nucleusDiameterUm),
    cytoplasmScale: m.cytoplasmScale,
    confluence: u(m.confluence),
    overlapShare: u(m.overlapShare),
    irregularShare: m.irregularShare,
    mitoticRate: u(m.mitoticRate),
    cellBrightnessSigma: u(m.cellBrightnessSigma),
    nonspecific: log(s.nonspecific),
    nucleusToCytoplasm: u(s.nucleusToCytoplasm),
    perCellStrengthSigma: u(s.perCellStrengthSigma),
    patternDropout: u(s.patternDropout),
    grainScale: u(s.grainScale),
    psfSigmaUm: u(o.psfSigmaUm),
    defocusTiltUm: u(o.defocusTiltUm),
    defocusTiltAngleRad: rng.uniform(-Math.PI, Math.PI),
    defocusPatch: chance(o.defocusPatch),
    vignetting: u(o.vignetting),
    hotSpot: u(o.hotSpot),
    photobleaching: u(o.photobleaching),
    fullWellElectrons: log(c.fullWellElectrons),
    readNoiseElectrons: u(c.readNoiseElectrons),
    darkOffset: u(c.darkOffset),
    exposure: log(c.exposure),
    bitDepth,
    colourBleed: colour,
    jpegQuality: format === 'jpeg-rgb8' ? Math.round(u(c.jpegQuality ?? [75, 92])) : null,
    scaleBar: chance(a.scaleBar),
    textStamp: chance(a.textStamp),
    dust: count(a.dust),
    debris: count(a.debris),
    fibre: chance(a.fibre),
    bubble: chance(a.bubble),
    slideEdge: chance(a.slideEdge),
    saturatedParticles: chance(a.saturatedParticles),
  };
}
