/**
 * The default extractors: patches of 128 µm at 256 px (0.5 µm/px) → the per-structure features of
 * ./structure-features.ts at full resolution, plus the filter bank of ./filter-bank.ts
 * (RMS-normalised, top-5 % pooling) on the patch average-pooled 2×2 to 128 px (the 0.1.0 bank,
 * which is four times cheaper there than at 256 px): version 2.0.0 (model 0.3.0). Version 3.0.0
 * adds the codebook features of core/models/codebook-features.ts, learned from the training fields.
 * Output: the concatenated features.
 */
import { GraphBuilder } from '../../electron/core/models/onnx-graph';
import { addFilterBank, DEFAULT_FILTER_BANK, featureNames, type FilterBankConfig } from './filter-bank';
import { addCodebookFeatures, codebookFeatureNames, type Codebook } from '../../electron/core/models/codebook-features';
import { addStructureFeatures, RMS_FLOOR, structureFeatureNames, type ExtractorGraphForm } from './structure-features';
import { buildHeadedModel } from './logistic-head';

export const STRUCTURE_EXTRACTOR_ID = 'ana-filter-bank';
export const STRUCTURE_EXTRACTOR_VERSION = '2.0.0';
export const CODEBOOK_EXTRACTOR_VERSION = '3.0.0';
export const STRUCTURE_INPUT_PX = 256;
export const STRUCTURE_BANK: FilterBankConfig = { ...DEFAULT_FILTER_BANK, inputPx: 128, normalise: true, topFraction: 0.05 };

export function structureExtractorNames(codebooks: Codebook[] = []): string[] {
  return [...featureNames(STRUCTURE_BANK).map((n) => `bank_${n}`), ...structureFeatureNames(), ...codebookFeatureNames(codebooks)];
}

/** Appends the extractor; returns the raw (unstandardised) feature tensor and its width. */
export function addStructureExtractor(g: GraphBuilder, input: string, codebooks: Codebook[] = [], form: ExtractorGraphForm = 'fast'): { features: string; dims: number } {
  const half = g.node('AveragePool', [input], { kernel_shape: [2, 2], strides: [2, 2] });
  const bank = addFilterBank(g, half, STRUCTURE_BANK);
  const structure = addStructureFeatures(g, input, { inputPx: STRUCTURE_INPUT_PX, form });
  if (codebooks.length === 0) return { features: g.node('Concat', [bank.features, structure.features], { axis: 1 }), dims: bank.dims + structure.dims };
  const rms = g.node('Sqrt', [g.node('Add', [g.node('GlobalAveragePool', [g.node('Mul', [input, input])]), g.initializer('cb_tiny', [1], [1e-12])])]);
  const normalised = g.node('Div', [input, g.node('Max', [rms, g.initializer('cb_rms_floor', [1], [RMS_FLOOR])])]);
  const code = addCodebookFeatures(g, normalised, codebooks);
  return { features: g.node('Concat', [bank.features, structure.features, code.features], { axis: 1 }), dims: bank.dims + structure.dims + code.dims };
}

/**
 * extractor → standardise → 'embeddings' → Gemm(head_w, head_b) → Sigmoid → 'probabilities'.
 * `form` 'fast' (default) and 'reference' compute the same features up to float rounding
 * (structure-features.ts); every package built from here gets the fast graph, and
 * ./rebuild-graph.ts rebuilds an existing package's graph from its parameters.
 */
export function buildStructureModel(
  standard: { mean: Float32Array; std: Float32Array },
  head: { weights: Float32Array; bias: Float32Array },
  labelCount: number,
  codebooks: Codebook[] = [],
  form: ExtractorGraphForm = 'fast',
): Uint8Array {
  return buildHeadedModel(STRUCTURE_INPUT_PX, (g, x) => addStructureExtractor(g, x, codebooks, form), standard, head, labelCount);
}
