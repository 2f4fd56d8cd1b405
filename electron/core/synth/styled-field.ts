/**
 * `generateField(options, seed)`: one synthetic HEp-2 field with its ground truth, in the classic
 * look (no `style`, or 'classic': byte-identical to the generator before styles) or in a lab
 * style (styles.ts). A styled field draws the serum exactly as a classic one (labels, subtypes,
 * titer first, so the intensity says nothing about the pattern), then the style's concrete
 * choices, then cells whose pattern strengths vary from cell to cell — a pattern may be missing
 * from some cells, more often in mixed sera, so a field's label is not every cell's label — and
 * finally the style's microscope and camera (styled-formation.ts).
 */
import { Random } from '../random';
import { layoutCells, type Morphology } from './cell-layout';
import { renderCell } from './cell-render';
import { cellPatterns, cellTruth, drawSerum, emptyPlanes, generateClassicField, intensityLevel, makeTextures, mixStrengths, round3, showOnly, validateOptions } from './field';
import { formStyledImage, specimenMasks } from './styled-formation';
import { drawStyle, findStyle, type LabStyle, type StyleDraw } from './styles';
import type { CellTruth, FieldOptions, SynthField } from './synth.types';

/** Most cells a styled field renders (a confluent 20× field could hold more; the cost grows with cells). */
const MAX_STYLED_CELLS = 700;
/** Area one classic cell claims at full confluence (cell-layout.ts), for a 13.5 µm nucleus and 1.8× cytoplasm. */
const CLASSIC_CELL_AREA_UM2 = 700;

export function generateField(options: FieldOptions, seed: number): SynthField {
  const style = options.style === undefined ? undefined : findStyle(options.style);
  return style ? generateStyledField(options, seed, style) : generateClassicField(options, seed);
}

function generateStyledField(options: FieldOptions, seed: number, style: LabStyle): SynthField {
  const { widthPx, heightPx } = options;
  const rng = new Random(seed);
  const { labels, subtypes, intensity } = drawSerum(rng, options);
  const format = options.format ?? style.camera.formats[0]!;
  const draw = drawStyle(rng, style, format);
  const pixelSizeUm = options.pixelSizeUm ?? round3(rng.uniform(style.optics.pixelSizeUm[0], style.optics.pixelSizeUm[1]));
  validateOptions(options, pixelSizeUm);
  const geometry = { widthPx, heightPx, pixelSizeUm };

  const textures = makeTextures(rng, pixelSizeUm / draw.grainScale);
  const morphology: Morphology = {
    nucleusDiameterUm: draw.nucleusDiameterUm,
    cytoplasmScale: draw.cytoplasmScale,
    overlapShare: draw.overlapShare,
    irregularShare: draw.irregularShare,
    brightnessSigma: draw.cellBrightnessSigma,
  };
  const cells = layoutCells(rng, widthPx, heightPx, pixelSizeUm, options.cellCount ?? styledCellCount(draw, geometry), options.mitoticRate ?? draw.mitoticRate, morphology);
  const fieldStrengths = mixStrengths(rng, labels);
  const planes = emptyPlanes(widthPx, heightPx, options.dapi ?? false);
  // A pattern missing from a cell: mixed sera more often (two antibodies, two cell-cycle profiles).
  const dropout = labels.length > 1 ? draw.patternDropout : draw.patternDropout * 0.4;
  const nucleusNonspecific = 0.9 * draw.nucleusToCytoplasm;
  const shown = cellPatterns(options.cellMixing, seed, cells.length, labels);
  const truths: CellTruth[] = [];
  for (const [index, cell] of cells.entries()) {
    const strengths: Record<string, number> = {};
    for (const [key, s] of Object.entries(fieldStrengths)) {
      const weak = s.heterogeneous && rng.next() > s.strongShare;
      const absent = !cell.mitotic && rng.next() < dropout;
      strengths[key] = absent ? 0 : round3(s.level * Math.exp(rng.normal(0, draw.perCellStrengthSigma)) * (weak ? rng.uniform(0.15, 0.4) : 1));
    }
    const patterns = showOnly(strengths, shown?.[index], labels);
    const drawn = renderCell(rng, planes, textures, cell, strengths, subtypes, pixelSizeUm, nucleusNonspecific);
    truths.push(cellTruth(cell, patterns, strengths, drawn, widthPx, heightPx));
  }

  const base = { widthPx, heightPx, pixelSizeUm, labels, intensity: round3(intensity), intensityLevel: intensityLevel(intensity), subtypes, cells: truths, style: style.name, styleParams: styleParams(draw, format) };
  if (options.imageFormation === false) {
    const fitc = planes.specific;
    const gain = intensity || 1;
    for (let i = 0; i < fitc.length; i++) fitc[i] = Math.min(1, fitc[i]! * gain);
    return { ...base, fitc, dapi: planes.dapi ?? undefined };
  }
  const masks = specimenMasks(rng, draw, geometry);
  const image = planes.specific;
  for (let i = 0; i < image.length; i++) image[i] = image[i]! * intensity + planes.nonspecific[i]! * draw.nonspecific;
  const formed = formStyledImage(rng, image, draw, geometry, masks, true);
  let dapi: Float32Array | undefined;
  if (planes.dapi) {
    const dapiImage = planes.dapi;
    const dapiGain = rng.uniform(0.45, 0.8);
    for (let i = 0; i < dapiImage.length; i++) dapiImage[i] = dapiImage[i]! * dapiGain;
    dapi = formStyledImage(rng, dapiImage, { ...draw, colourBleed: null }, geometry, masks, false).fitc;
  }
  return { ...base, fitc: formed.fitc, dapi, colour: formed.colour, jpegQuality: draw.jpegQuality ?? undefined };
}

/** Cells for the style's confluence: the field's capacity scales with the cells' drawn size. */
function styledCellCount(draw: StyleDraw, { widthPx, heightPx, pixelSizeUm }: { widthPx: number; heightPx: number; pixelSizeUm: number }): number {
  const areaUm2 = widthPx * heightPx * pixelSizeUm * pixelSizeUm;
  const cytoMean = (draw.cytoplasmScale[0] + draw.cytoplasmScale[1]) / 2;
  const cellAreaUm2 = CLASSIC_CELL_AREA_UM2 * (draw.nucleusDiameterUm / 13.5) ** 2 * (cytoMean / 1.8) ** 2;
  return Math.max(1, Math.min(MAX_STYLED_CELLS, Math.round((areaUm2 / cellAreaUm2) * draw.confluence)));
}

/** The draw, rounded, for truth.jsonl (so a benchmark can relate errors to defocus, noise, ...). */
function styleParams(draw: StyleDraw, format: string): Record<string, number | boolean | string | null> {
  const out: Record<string, number | boolean | string | null> = { format };
  for (const [key, value] of Object.entries(draw)) {
    if (typeof value === 'number') out[key] = round3(value);
    else if (typeof value === 'boolean' || value === null) out[key] = value;
    else if (key === 'colourBleed') {
      out.bleedRed = round3((value as { red: number }).red);
      out.bleedBlue = round3((value as { blue: number }).blue);
    }
  }
  return out;
}
