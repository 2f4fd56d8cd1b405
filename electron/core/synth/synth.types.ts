/**
 * Types of the synthetic HEp-2 field generator. Coordinates are in image pixels of the field
 * (`...Px`), physical sizes in micrometres (`...Um`); `fitc` and `dapi` are row-major, 0..1,
 * linear in the simulated camera signal.
 */
/** File formats the generator writes (encode.ts), as a lab's cameras export them. */
export const SYNTH_FORMATS = ['png-rgb8', 'jpeg-rgb8', 'png-grey8', 'png-grey16', 'tiff-grey8', 'tiff-grey16', 'tiff-fitc-dapi16'] as const;
export type SynthFormat = (typeof SYNTH_FORMATS)[number];

/** Probabilities that shape the sampled label sets of a data set. */
export interface LabelDistribution {
  /** Relative frequency of each pattern key among positive fields (keys of electron/contract/labels.ts). */
  weights: Readonly<Record<string, number>>;
  /** Share of negative fields (empty label set). */
  negativeRate: number;
  /** Probabilities of 1, 2, 3... patterns in a positive field (normalised when sampled). */
  cardinality: readonly number[];
}

/** Expert-level subtypes chosen per field for the patterns that have them. */
export interface PatternSubtypes {
  /** AC-4 fine, AC-2 dense fine (stains the metaphase plate), AC-5 coarse. */
  speckled: 'fine' | 'dense-fine' | 'coarse';
  nuclear_dots: 'few' | 'multiple';
  nucleolar: 'homogeneous' | 'clumpy' | 'punctate';
  nuclear_envelope: 'smooth' | 'punctate';
}

export interface FieldOptions {
  widthPx: number;
  heightPx: number;
  /** Micrometres per pixel; 0.2–0.65 for 20x–63x objectives. Default 0.5. */
  pixelSizeUm?: number;
  /** Label keys of the serum; [] = negative; undefined = sampled from `labelDistribution`. */
  labels?: readonly string[];
  labelDistribution?: LabelDistribution;
  /** Titer-like staining strength 0..1, independent of the pattern; undefined = sampled. */
  intensity?: number;
  /** Number of cells wanted; fewer are placed if the field cannot hold them. Default 80–250. */
  cellCount?: number;
  /** Fix some expert-level subtypes instead of drawing them. */
  subtypes?: Partial<PatternSubtypes>;
  /** Share of mitotic (metaphase) cells; default drawn per field within 1–3%. */
  mitoticRate?: number;
  /** Also render a DAPI (nuclear counterstain) channel. */
  dapi?: boolean;
  /** false: return the noise-free specific signal without blur, background or noise (for measuring). */
  imageFormation?: boolean;
  /** Lab style name (styles.ts); undefined or 'classic' = the classic generator, byte for byte. */
  style?: string;
  /** Export format the styled camera writes (decides colour and bit depth); default the style's first. */
  format?: SynthFormat;
  /**
   * How a mixed serum's patterns share the cells: 'shared' (default, the generator as before: every
   * cell shows every pattern, as two antibodies do) or 'separate' (each cell shows one of them, as a
   * field composed from single-pattern cell images, or antigens expressed in different cells).
   */
  cellMixing?: CellMixing;
}

export const CELL_MIXINGS = ['shared', 'separate'] as const;
export type CellMixing = (typeof CELL_MIXINGS)[number];

export interface BoxPx {
  xPx: number;
  yPx: number;
  widthPx: number;
  heightPx: number;
}

export interface CellTruth {
  id: number;
  /** Centre of the nucleus (interphase) or of the metaphase plate (mitotic). */
  centreXPx: number;
  centreYPx: number;
  /** Box around the whole cell outline (cytoplasm), clipped to the field. */
  box: BoxPx;
  /** Nucleus (or metaphase plate) as an ellipse; the outline is irregular around it. */
  nucleus: { radiusXPx: number; radiusYPx: number; angleRad: number };
  mitotic: boolean;
  /** Pattern keys staining this cell: the field's label set, or its one pattern with `cellMixing: 'separate'`. */
  patterns: string[];
  /** Relative strength of each pattern in this cell (mixed sera vary between cells). */
  strengths: Record<string, number>;
  /** Counts of the discrete structures drawn in this cell, for measuring the generator. */
  nucleoli: number;
  centromereDots?: number;
  nuclearDots?: number;
  /** Direction of the Golgi cap from the nucleus centre. */
  golgiAngleRad?: number;
}

export interface SynthField {
  widthPx: number;
  heightPx: number;
  pixelSizeUm: number;
  fitc: Float32Array;
  dapi?: Float32Array;
  /** Label keys in the order of LABEL_KEYS; [] = negative. */
  labels: string[];
  /** Titer-like strength 0..1 and its reading as a level. */
  intensity: number;
  intensityLevel: IntensityLevel;
  subtypes: PatternSubtypes;
  cells: CellTruth[];
  /** Set for styled fields only (classic fields carry none, so their output stays as it was). */
  style?: string;
  /** The style's concrete rendering choices for this field (rounded), for the truth file. */
  styleParams?: Record<string, number | boolean | string | null>;
  /** Colour camera: red and blue channels with their own noise (FITC bleed); fitc is green. */
  colour?: { red: Float32Array; blue: Float32Array };
  /** JPEG export quality of the style's camera software (4:2:0). */
  jpegQuality?: number;
}

export type IntensityLevel = 'negative' | 'weak' | 'moderate' | 'strong' | 'very-strong';
