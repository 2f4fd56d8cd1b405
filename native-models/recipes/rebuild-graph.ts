/**
 * Rebuilds the graph of a package of the default extractor family (./structure-extractor.ts:
 * filter bank + structure features + codebooks, with its head) from the package's own parameters
 * (./structure-params.ts), in the fast form (default) or the reference form. The features are the
 * same up to float rounding; the recipe checks it on generated fields before writing anything, and
 * keeps the package's version, head, thresholds, card and familiarity reference (re-keyed to the
 * new extractor hash). Deterministic: the same package gives the same bytes.
 *
 *   npx tsx native-models/recipes/rebuild-graph.ts --model native-models/ana-default [--out DIR] [--form fast|reference] [--check-fields 4]
 *
 * Without --out the package is rewritten in place. Apply it to any package of the family (the
 * retrained default, a lab-adapted package); packages built by the recipes are already fast.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModelPackage, sha256Hex, writeManifest } from '../../electron/core/models/model-package';
import type { ModelManifest } from '../../electron/core/models/manifest';
import { subgraphSha256 } from '../../electron/core/models/onnx-graph';
import { assertSameReading, compareGraphs } from './graph-equivalence';
import { buildStructureModel, STRUCTURE_EXTRACTOR_ID, structureExtractorNames } from './structure-extractor';
import { readStructureModelParams } from './structure-params';
import type { ExtractorGraphForm } from './structure-features';

export interface RebuildResult {
  dir: string;
  form: ExtractorGraphForm;
  extractorSha256: string;
  difference: Awaited<ReturnType<typeof compareGraphs>>;
}

export async function rebuildPackageGraph(modelDir: string, outDir: string, form: ExtractorGraphForm, checkFields = 4): Promise<RebuildResult> {
  const pkg = await loadModelPackage(modelDir);
  const { manifest } = pkg;
  if (manifest.kind !== 'extractor-head' || manifest.extractor?.id !== STRUCTURE_EXTRACTOR_ID) {
    throw new Error(`${pkg.dir}: not a package of the ${STRUCTURE_EXTRACTOR_ID} extractor family (kind ${manifest.kind}, extractor ${manifest.kind === 'extractor-head' ? manifest.extractor?.id : 'none'})`);
  }
  const before = new Uint8Array(await readFile(pkg.modelPath));
  const params = readStructureModelParams(before);
  const dims = structureExtractorNames(params.codebooks).length;
  if (params.standard.mean.length !== dims) throw new Error(`${pkg.modelPath}: ${params.standard.mean.length} embedding dimensions, but this family's extractor with ${params.codebooks.length} codebooks has ${dims}`);
  const after = buildStructureModel(params.standard, params.head, params.labelCount, params.codebooks, form);
  const difference = await compareGraphs(before, after, checkFields, 18_000, params.labelCount);
  assertSameReading(pkg.modelPath, difference);
  const extractorSha256 = subgraphSha256(after, manifest.outputs.embeddings ?? 'embeddings');
  const absOut = resolve(outDir);
  await mkdir(absOut, { recursive: true });
  const files: ModelManifest['files'] = [];
  for (const file of manifest.files) {
    let bytes: Uint8Array = new Uint8Array(await readFile(join(pkg.dir, file.path)));
    if (file.role === 'model') bytes = after;
    if (file.role === 'reference') {
      // The reference describes the embeddings, which the rebuild leaves unchanged: only its key moves.
      const reference = JSON.parse(new TextDecoder().decode(bytes));
      if (reference.extractorSha256) reference.extractorSha256 = extractorSha256;
      bytes = new TextEncoder().encode(JSON.stringify(reference) + '\n');
    }
    await writeFile(join(absOut, file.path), bytes);
    files.push({ ...file, sha256: sha256Hex(bytes) });
  }
  const graph = { recipe: 'native-models/recipes/rebuild-graph.ts', form, fromExtractorSha256: manifest.extractor.sha256, check: difference };
  // Edit the manifest as stored (its key order, its fields) rather than the parsed one.
  const stored = JSON.parse(await readFile(join(pkg.dir, 'manifest.json'), 'utf8')) as ModelManifest & { extractor: { sha256: string } };
  stored.extractor.sha256 = extractorSha256;
  stored.files = files;
  stored.provenance = { ...stored.provenance, graph };
  await writeManifest(absOut, stored);
  await loadModelPackage(absOut); // the package still verifies
  return { dir: absOut, form, extractorSha256, difference };
}

if (process.argv[1] && import.meta.url === `file://${resolve(process.argv[1])}`) {
  const { values } = parseArgs({ options: { model: { type: 'string' }, out: { type: 'string' }, form: { type: 'string', default: 'fast' }, 'check-fields': { type: 'string', default: '4' } } });
  if (!values.model || !['fast', 'reference'].includes(values.form)) throw new Error('usage: --model DIR [--out DIR] [--form fast|reference] [--check-fields N]');
  const result = await rebuildPackageGraph(values.model, values.out ?? values.model, values.form as ExtractorGraphForm, Number(values['check-fields']));
  const d = result.difference;
  console.log(`${result.dir}: ${result.form} graph, extractor ${result.extractorSha256.slice(0, 12)}…; on ${d.fields} generated fields (${d.patches} patches): max |Δ embedding| ${d.maxEmbeddingDiff.toExponential(2)} sd, max |Δ field probability| ${d.maxFieldProbabilityDiff.toExponential(2)}, max |Δ field log-odds| ${d.maxFieldLogitDiff.toExponential(2)}`);
}
