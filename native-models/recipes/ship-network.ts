/**
 * Recipe that makes a whole-network package trained by `ana train-network` the shipped default:
 * the same graph, weights, normalisation, pooling and thresholds, under the default's identity
 * (id `ana-default`, its version and parent), with the hand-written model card and the commands
 * that rebuild it in place of the training run's local paths. The familiarity reference is added
 * afterwards by build-familiarity-reference.ts, which hashes it into the manifest.
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
const to = resolve(values.to);
await rm(to, { recursive: true, force: true });
await mkdir(to, { recursive: true });
const modelBytes = await readFile(trained.modelPath);
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
  provenance: { ...provenance, recipe: 'ana train-network, then native-models/recipes/ship-network.ts', rebuild },
  // Packages trained before train-network named their pooling here said "max" whatever it was.
  metrics: { ...trained.manifest.metrics, thresholds: `per label, best F1 on the validation split (image level, ${trained.manifest.aggregation} over patches)` },
});
await writeManifest(to, manifest);
const shipped = await loadModelPackage(to);
console.log(`${to}: ${shipped.manifest.id} ${shipped.manifest.version} (from ${values.from}, ${trained.manifest.id} ${trained.manifest.version})`);
