/**
 * Recipe that makes a whole-network package trained by `ana train-network` the shipped default:
 * the same weights, normalisation, pooling and thresholds, under the default's identity (id
 * `ana-default`, its version and parent), with the hand-written model card and the commands that
 * rebuild it in place of the training run's local paths. The graph is built again from the
 * weights as today's reading graph (buildInferenceGraph: group normalisation fused), and checked
 * to read generated fields as the trained graph does before anything is written. The familiarity
 * reference is added afterwards by build-familiarity-reference.ts, which hashes it into the manifest.
 *
 *   npx tsx native-models/recipes/ship-network.ts --from TRAINED_DIR --to native-models/ana-default \
 *     --version 0.5.0 --parent-version 0.4.0 --card CARD.md --rebuild REBUILD.txt
 *
 * `--to` is emptied first; the training checkpoint and metrics stay behind with the run.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ModelManifest } from '../../electron/core/models/manifest';
import { loadModelPackage, sha256Hex, writeManifest } from '../../electron/core/models/model-package';
import { buildInferenceGraph } from '../../electron/core/training/network/graphs';
import { loadNetworkPackage } from '../../electron/core/training/network/network-package';
import { assertSameReading, compareGraphs } from './graph-equivalence';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    version: { type: 'string' },
    'parent-version': { type: 'string' },
    card: { type: 'string' },
    rebuild: { type: 'string' },
  },
});
if (!values.from || !values.to || !values.version || !values.card || !values.rebuild) {
  throw new Error('usage: --from TRAINED_DIR --to DIR --version V [--parent-version V] --card CARD.md --rebuild REBUILD.txt');
}
const trained = await loadModelPackage(resolve(values.from));
if (trained.manifest.kind !== 'network') throw new Error(`${values.from}: not a whole-network package (kind ${trained.manifest.kind})`);
const { net, params } = await loadNetworkPackage(trained.dir);
const modelBytes = buildInferenceGraph(net, params, { name: 'ana-whole-network' }).bytes;
const { patch, normalisation, input, labels } = trained.manifest;
const check = await compareGraphs(new Uint8Array(await readFile(trained.modelPath)), modelBytes, 4, 18_000, labels.length, { patchSizeUm: patch.sizeUm, inputPx: input.shape[3]!, ...normalisation });
assertSameReading(trained.modelPath, check);
const to = resolve(values.to);
await rm(to, { recursive: true, force: true });
await mkdir(to, { recursive: true });
await writeFile(join(to, 'model.onnx'), modelBytes);
const card = await readFile(resolve(values.card));
await writeFile(join(to, 'MODEL_CARD.md'), card);
const rebuild = (await readFile(resolve(values.rebuild), 'utf8')).split('\n').filter((l) => l.trim());
const { dataset: _localPath, ...provenance } = trained.manifest.provenance as Record<string, unknown>;
const manifest = ModelManifest.parse({
  ...trained.manifest,
  id: 'ana-default',
  version: values.version,
  parentVersion: values['parent-version'] ?? null,
  displayName: `ANA patterns (whole network, ${values.version})`,
  files: [
    { path: 'model.onnx', sha256: sha256Hex(modelBytes), role: 'model' },
    { path: 'MODEL_CARD.md', sha256: sha256Hex(card), role: 'card' },
  ],
  provenance: { ...provenance, recipe: 'ana train-network, then native-models/recipes/ship-network.ts', rebuild, graph: { recipe: 'native-models/recipes/ship-network.ts (buildInferenceGraph)', check } },
  // Packages trained before train-network named their pooling here said "max" whatever it was.
  metrics: { ...trained.manifest.metrics, thresholds: `per label, best F1 on the validation split (image level, ${trained.manifest.aggregation} over patches)` },
});
await writeManifest(to, manifest);
const shipped = await loadModelPackage(to);
console.log(`${to}: ${shipped.manifest.id} ${shipped.manifest.version} (from ${values.from}, ${trained.manifest.id} ${trained.manifest.version}); reading graph rebuilt, on ${check.fields} generated fields max |Δ field probability| ${check.maxFieldProbabilityDiff.toExponential(2)}`);
