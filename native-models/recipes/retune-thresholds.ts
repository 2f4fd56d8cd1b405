/**
 * Recipe that gives a package new per-label thresholds, tuned on validation fields it never saw,
 * as a new version: the same model, embeddings and pooling, scored on the fields exactly as
 * `ana eval` scores them, each label's threshold the best F1 on them (the grid and tie rule of
 * training, core/training/metrics/thresholds.ts). The model card gets a section saying so, the
 * rebuild commands get this one. With `--evaluate`, only prints the thresholds and each evaluation
 * set's macro-F1 under the old and the new ones (nothing written):
 *
 *   npx tsx native-models/recipes/retune-thresholds.ts --model native-models/ana-default \
 *     --data VX1/labels.csv,VX2/labels.csv [--evaluate name=DIR/labels.csv[:split],...] \
 *     [--to native-models/ana-default --version 0.5.1 --command "the synth commands; this command"]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../../electron/core/inference/engine';
import { ModelManifest } from '../../electron/core/models/manifest';
import { loadModelPackage, sha256Hex, writeManifest } from '../../electron/core/models/model-package';
import { scorePackageOn } from '../../electron/core/training/heads/train-model';
import { evaluate, type MultiLabelData } from '../../electron/core/training/metrics/metrics';
import { tuneThresholds } from '../../electron/core/training/metrics/thresholds';
import { embeddedSet, joined, namedSets } from './scored-sets';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'native-models/ana-default' },
    data: { type: 'string' },
    evaluate: { type: 'string' },
    to: { type: 'string' },
    version: { type: 'string' },
    command: { type: 'string', multiple: true },
  },
});
if (!values.data || (values.to && (!values.version || !values.command?.length))) {
  throw new Error('usage: --model DIR --data A.csv[,B.csv] [--evaluate name=C.csv[:split],...] [--to DIR --version V --command "rebuild step" ...]');
}
const model = await loadModelPackage(resolve(values.model));
const labels = model.manifest.labels.map((l) => l.key);
const K = labels.length;
const engine = await createEngine(model, { providers: ['cpu'], warn: () => {} });

/** A CSV (all rows, or `path:split`) scored as `ana eval` scores it. */
async function scored(spec: string): Promise<MultiLabelData> {
  return (await scorePackageOn(model, await embeddedSet(model, engine, spec))).data;
}

const old = labels.map((k) => model.manifest.thresholds[k] ?? 0.5);
const tuning = joined(await Promise.all(values.data.split(',').map(scored)));
const tuned = tuneThresholds(tuning.truth, tuning.scores, tuning.imageCount, K);
const show = (t: number[]) => labels.map((k, i) => `${k} ${t[i]!.toFixed(3)}`).join(', ');
console.log(`${tuning.imageCount} tuning fields`);
console.log(`thresholds now:   ${show(old)}`);
console.log(`thresholds tuned: ${show(tuned)}`);
for (const [name, spec] of namedSets(values.evaluate)) {
  const data = await scored(spec);
  const [before, after] = [evaluate(data, labels, old), evaluate(data, labels, tuned)];
  console.log(`${name} (${data.imageCount} fields): macro-F1 ${before.f1_macro.toFixed(3)} → ${after.f1_macro.toFixed(3)}, micro-F1 ${before.f1_micro.toFixed(3)} → ${after.f1_micro.toFixed(3)}`);
}
await engine.close();

if (values.to) {
  const to = resolve(values.to);
  if (to !== model.dir) throw new Error('--to must be the --model folder: the package is re-versioned in place (copy it first to keep the old one)');
  const cardPath = join(to, 'MODEL_CARD.md');
  const title = `# Model card: ${model.manifest.id} ${model.manifest.version}`;
  const card = `${(await readFile(cardPath, 'utf8')).replace(title, `# Model card: ${model.manifest.id} ${values.version} (${model.manifest.version} with re-tuned thresholds)`)}
## ${values.version}: thresholds re-tuned

${values.version} is ${model.manifest.version} with new per-label thresholds, the best F1 on ${tuning.imageCount}
generated validation fields that neither training nor ${model.manifest.version}'s thresholds saw (${values.data.split(',').map((csv) => `\`${basename(dirname(resolve(csv)))}\``).join(', ')}; their commands are in the manifest's \`provenance.rebuild\`);
the network, its weights and pooling are ${model.manifest.version}'s. Thresholds ${model.manifest.version}: ${show(old)}.
Thresholds ${values.version}: ${show(tuned)}.
`;
  await writeFile(cardPath, card);
  const manifest = ModelManifest.parse({
    ...model.manifest,
    version: values.version,
    parentVersion: model.manifest.version,
    displayName: model.manifest.displayName.replace(model.manifest.version, values.version!),
    thresholds: Object.fromEntries(labels.map((k, i) => [k, tuned[i]!])),
    files: model.manifest.files.map((f) => (f.role === 'card' ? { ...f, sha256: sha256Hex(Buffer.from(card)) } : f)),
    provenance: {
      ...model.manifest.provenance,
      rebuild: [...((model.manifest.provenance['rebuild'] as string[] | undefined) ?? []), ...values.command!],
    },
    metrics: { ...model.manifest.metrics, thresholds: `per label, best F1 on ${tuning.imageCount} validation fields not used in training (${values.version}; image level, ${model.manifest.aggregation} over patches)` },
  });
  await writeManifest(to, manifest);
  const shipped = await loadModelPackage(to);
  console.log(`${to}: ${shipped.manifest.id} ${shipped.manifest.version} (parent ${shipped.manifest.parentVersion})`);
}
