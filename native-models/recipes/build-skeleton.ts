/**
 * Recipe for the walking-skeleton model package: a tiny, untrained convolutional scorer built by
 * our own graph builder. It proves the path file → ONNX Runtime → record; its scores mean nothing.
 * Usage: npm run ana -- ... (not needed) | tsx native-models/recipes/build-skeleton.ts [OUT_DIR]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PATTERN_LABELS } from '../../electron/contract/labels';
import { GraphBuilder } from '../../electron/core/models/onnx-graph';
import { Random } from '../../electron/core/random';
import { extractorHeadManifest } from './package-manifest';

const INPUT_PX = 64;
const FILTERS = 8;

export function buildSkeletonGraph(seed = 1): Uint8Array {
  const rng = new Random(seed);
  const labels = PATTERN_LABELS.length;
  const g = new GraphBuilder({ name: 'ana-skeleton' });
  const x = g.input('patches', ['N', 1, INPUT_PX, INPUT_PX]);
  const w = g.initializer('conv_w', [FILTERS, 1, 5, 5], Array.from({ length: FILTERS * 25 }, () => rng.normal(0, 0.2)));
  const b = g.initializer('conv_b', [FILTERS], new Array(FILTERS).fill(0));
  const conv = g.node('Conv', [x, w, b], { kernel_shape: [5, 5], strides: [4, 4], pads: [2, 2, 2, 2] });
  const pooled = g.node('GlobalAveragePool', [g.node('Relu', [conv])]);
  const embeddings = g.node('Flatten', [pooled], { axis: 1 }, ['embeddings']);
  const hw = g.initializer('head_w', [labels, FILTERS], Array.from({ length: labels * FILTERS }, () => rng.normal(0, 0.5)));
  const hb = g.initializer('head_b', [labels], new Array(labels).fill(-1));
  const logits = g.node('Gemm', [embeddings, hw, hb], { transB: 1 });
  g.node('Sigmoid', [logits], {}, ['probabilities']);
  g.output('probabilities', ['N', labels]);
  g.output('embeddings', ['N', FILTERS]);
  return g.toBytes();
}

export async function writeSkeletonPackage(outDir: string): Promise<void> {
  const bytes = buildSkeletonGraph();
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'model.onnx'), bytes);
  const manifest = extractorHeadManifest(bytes, {
    version: '0.0.1-skeleton',
    displayName: 'Walking skeleton (untrained)',
    labels: PATTERN_LABELS.map(({ key, displayName, icapCodes }) => ({ key, displayName, icapCodes })),
    layout: {
      input: { name: 'patches', shape: [-1, 1, INPUT_PX, INPUT_PX], dtype: 'float32' },
      patch: { sizeUm: 100, defaultPixelSizeUm: 0.5, backgroundMax: 0 },
      normalisation: { mean: 0.1, std: 0.1 },
    },
    thresholds: Object.fromEntries(PATTERN_LABELS.map((l) => [l.key, 0.5])),
    extractor: null,
    provenance: { recipe: 'native-models/recipes/build-skeleton.ts', trained: false },
  });
  await writeFile(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeSkeletonPackage(resolve(process.argv[2] ?? 'native-models/ana-default'));
}
