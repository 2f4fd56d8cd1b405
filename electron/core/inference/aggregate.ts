/** Image-level aggregation of per-patch probabilities (method.md: max over patches per class). */
export function aggregate(patchScores: Float32Array, patchCount: number, labelCount: number, method: 'max' | 'mean'): number[] {
  const out = new Array<number>(labelCount).fill(method === 'max' ? 0 : 0);
  if (patchCount === 0) return out;
  for (let p = 0; p < patchCount; p++) {
    for (let k = 0; k < labelCount; k++) {
      const v = patchScores[p * labelCount + k]!;
      out[k] = method === 'max' ? Math.max(out[k]!, v) : out[k]! + v / patchCount;
    }
  }
  return out;
}

export function predictedLabels(labels: string[], probabilities: number[], thresholds: Record<string, number>): string[] {
  return labels.filter((key, k) => probabilities[k]! >= (thresholds[key] ?? 0.5));
}
