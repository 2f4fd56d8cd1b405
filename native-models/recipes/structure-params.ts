/**
 * The learned parameters of a package of the default extractor family (./structure-extractor.ts),
 * read back from its model.onnx: the codebooks (scale, window mean, whitening, centroids), the
 * embedding standardisation and the head. Everything else in the graph is fixed by the recipe, so
 * these parameters rebuild the package's graph in either form (reference or fast) whoever trained
 * it: the default model, a fine-tuned head or a lab-adapted codebook.
 */
import { readGraphNodes, readInitializers } from '../../electron/core/models/onnx-graph';
import { WINDOW_PX, type Codebook } from '../../electron/core/models/codebook-features';

const DIM = WINDOW_PX * WINDOW_PX;

export interface StructureModelParams {
  codebooks: Codebook[];
  standard: { mean: Float32Array; std: Float32Array };
  head: { weights: Float32Array; bias: Float32Array };
  labelCount: number;
}

/** Reads the parameters; throws naming what is missing when the graph is not of this family. */
export function readStructureModelParams(modelBytes: Uint8Array): StructureModelParams {
  const nodes = readGraphNodes(modelBytes);
  const producer = new Map(nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const { emb_mean: mean, emb_std: std, head_w: weights, head_b: bias } = readInitializers(modelBytes, ['emb_mean', 'emb_std', 'head_w', 'head_b']);
  const codebooks: Codebook[] = [];
  for (let s = 0; ; s++) {
    const conv = nodes.find((n) => n.opType === 'Conv' && n.inputs[1] === `cb${s}_whiten`);
    if (!conv) break;
    const pooled = producer.get(conv.inputs[0]!);
    const downsample = pooled?.opType === 'AveragePool' ? pooled.ints.kernel_shape![0]! : 1;
    const stride = conv.ints.strides?.[0] ?? 1;
    const t = readInitializers(modelBytes, [`cb${s}_whiten`, `cb${s}_wmu`, `cb${s}_centroids`]);
    const whiten = t[`cb${s}_whiten`]!.data;
    // The graph stores W·μ and −2·c_k (codebook-features.ts); μ is W⁻¹(W·μ) (W is the ZCA matrix,
    // symmetric positive definite), and W·μ is kept as stored so a rebuild reproduces it exactly.
    const whitenedMean = t[`cb${s}_wmu`]!.data;
    const mean = solve(whiten, whitenedMean);
    const centroids = t[`cb${s}_centroids`]!.data.map((v) => v / -2);
    codebooks.push({ scale: { downsample, stride }, mean, whiten, centroids, whitenedMean });
  }
  return { codebooks, standard: { mean: mean!.data, std: std!.data }, head: { weights: weights!.data, bias: bias!.data }, labelCount: bias!.data.length };
}

/** x with A·x = b for a DIM×DIM row-major A, by Gaussian elimination with partial pivoting (float64). */
function solve(a: Float32Array, b: Float32Array): Float32Array {
  const m = Array.from({ length: DIM }, (_, i) => [...Array.from(a.subarray(i * DIM, (i + 1) * DIM)), b[i]!]);
  for (let c = 0; c < DIM; c++) {
    let pivot = c;
    for (let r = c + 1; r < DIM; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    for (let r = c + 1; r < DIM; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= DIM; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const x = new Float64Array(DIM);
  for (let r = DIM - 1; r >= 0; r--) {
    let v = m[r]![DIM]!;
    for (let k = r + 1; k < DIM; k++) v -= m[r]![k]! * x[k]!;
    x[r] = v / m[r]![r]!;
  }
  return Float32Array.from(x);
}
