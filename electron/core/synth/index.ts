/** Synthetic HEp-2 fields with known truth, for tests, demos, training and benchmarks. */
export { generateField } from './styled-field';
export { intensityLevel, DEFAULT_PIXEL_SIZE_UM, PIXEL_SIZE_RANGE_UM, MIN_POSITIVE_INTENSITY } from './field';
export { writeDataset, DEFAULT_SPLITS, DEFAULT_SIZE_PX, type WriteDatasetOptions, type DatasetSummary } from './dataset';
export { readDatasetCsv, parseDatasetCsv, formatDatasetCsv, DATASET_CSV_HEADER, type DatasetRow } from './dataset-csv';
export { encodeField, SYNTH_FORMATS, isSynthFormat, formatExtension, type SynthFormat } from './encode';
export { DEFAULT_LABEL_DISTRIBUTION, sampleLabelSet } from './label-sampler';
export { CELL_MIXINGS } from './synth.types';
export type { CellMixing, FieldOptions, SynthField, CellTruth, LabelDistribution, PatternSubtypes, IntensityLevel, BoxPx } from './synth.types';
export { renderMontage, type MontageOptions } from './montage';
export { LAB_STYLES, RANDOM_STYLE, STYLE_NAMES, CLASSIC_STYLE_NAME, findStyle, type LabStyle } from './styles';
export { renderStyleMontage, type StyleMontageOptions } from './style-montage';
