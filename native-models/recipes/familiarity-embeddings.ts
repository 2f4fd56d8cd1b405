/**
 * Mean patch embeddings of slide files as the reading computes them (prepareSlide: decode, grid,
 * field verdict, patches with cells; the model's embeddings output), for the familiarity
 * reference and its benchmark, with the fields' acquisition statistics (core/quality/acquisition.ts).
 * Fields that are not readable are skipped (they are never judged).
 */
import type { AcquisitionStatistics } from '../../electron/core/quality/acquisition';
import { createEngine, type InferenceEngine } from '../../electron/core/inference/engine';
import type { ModelPackage } from '../../electron/core/models/model-package';
import { hashFile, prepareSlide } from '../../electron/core/reading/prepare-slide';
import { scorePatchesWithEmbedding } from '../../electron/core/reading/read-slide';

export async function meanEmbeddingsOf(model: ModelPackage, paths: string[], onField?: (done: number) => void): Promise<{ path: string; embedding: Float32Array; acquisition: AcquisitionStatistics }[]> {
  const engine: InferenceEngine = await createEngine(model, { providers: ['cpu'] });
  const out: { path: string; embedding: Float32Array; acquisition: AcquisitionStatistics }[] = [];
  try {
    for (const [i, path] of paths.entries()) {
      const prepared = await prepareSlide(await hashFile(path), model.manifest, null);
      if (prepared.verdict.quality.verdict === 'readable') {
        const { meanEmbedding } = await scorePatchesWithEmbedding(engine, prepared, model.manifest.labels.length);
        // prepareSlide measures the acquisition statistics unless told not to.
        if (meanEmbedding && prepared.verdict.acquisition) out.push({ path, embedding: meanEmbedding, acquisition: prepared.verdict.acquisition });
      }
      onField?.(i + 1);
    }
  } finally {
    await engine.close();
  }
  return out;
}
