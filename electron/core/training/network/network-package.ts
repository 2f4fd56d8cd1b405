/**
 * Reads a whole-network model package (manifest kind 'network') back into a network and its
 * parameters, so local fine-tuning can start from the shipped weights. The network description is
 * the manifest's `network` payload; the weights are the graph's initialisers, named as
 * buildInferenceGraph writes them.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DomainError } from '../../errors';
import { ModelManifest as ManifestSchema, type ModelManifest } from '../../models/manifest';
import { loadModelPackage, sha256Hex } from '../../models/model-package';
import { readInitializers } from '../../models/onnx-graph';
import { buildInferenceGraph, inferenceInitializerName } from './graphs';
import { checkParams, createNetwork, type Network, type NetworkSpec, type ParamSet } from './network';

export async function loadNetworkPackage(dir: string): Promise<{ net: Network; params: ParamSet; manifest: ModelManifest }> {
  const pkg = await loadModelPackage(dir);
  if (pkg.manifest.kind !== 'network') throw new DomainError('model-invalid', `${dir}: not a whole-network package (its manifest's kind is '${pkg.manifest.kind}')`);
  const net = createNetwork(pkg.manifest.network as unknown as NetworkSpec);
  const names = net.params.map((p) => inferenceInitializerName(net, p.name));
  let tensors;
  try {
    tensors = readInitializers(await readFile(pkg.modelPath), names);
  } catch (error) {
    throw new DomainError('model-invalid', `${pkg.modelPath}: ${(error as Error).message}`, { cause: error });
  }
  const params: ParamSet = {};
  net.params.forEach((p, i) => (params[p.name] = tensors[names[i]!]!.data));
  checkParams(net, params, pkg.modelPath);
  return { net, params, manifest: pkg.manifest };
}

export interface NetworkPackageWrite {
  spec: NetworkSpec;
  params: ParamSet;
  version: string;
  displayName: string;
  thresholds: Record<string, number>;
  provenance: Record<string, unknown>;
  metrics: Record<string, unknown>;
  card: string;
}

/**
 * Writes a derived whole-network package into `outDir`: the base manifest's labels, patch grid,
 * normalisation and aggregation, the new weights baked into model.onnx, its own card, and the
 * network description as the manifest's `network` payload so it can be fine-tuned again.
 */
export async function writeNetworkPackage(base: ModelManifest, outDir: string, w: NetworkPackageWrite): Promise<string> {
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const net = createNetwork(w.spec);
  const { bytes, embeddingDims } = buildInferenceGraph(net, w.params, { name: 'ana-whole-network' });
  await writeFile(join(dir, 'model.onnx'), bytes);
  const cardBytes = new TextEncoder().encode(w.card);
  await writeFile(join(dir, 'MODEL_CARD.md'), cardBytes);
  const manifest = ManifestSchema.parse({
    ...base,
    kind: 'network',
    network: w.spec,
    version: w.version,
    parentVersion: base.version,
    displayName: w.displayName,
    outputs: { probabilities: 'probabilities', embeddings: embeddingDims > 0 ? 'embeddings' : null },
    thresholds: w.thresholds,
    files: [
      { path: 'model.onnx', sha256: sha256Hex(bytes), role: 'model' },
      { path: 'MODEL_CARD.md', sha256: sha256Hex(cardBytes), role: 'card' },
    ],
    provenance: w.provenance,
    metrics: w.metrics,
  });
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return dir;
}

/** Index of the first layer of the network's last `blocks` convolution blocks (0 when it has no more). */
export function lastBlocksStart(spec: NetworkSpec, blocks: number): number {
  if (!Number.isInteger(blocks) || blocks < 1) throw new DomainError('bad-request', `last blocks: ${blocks} is not a positive whole number of blocks`);
  const convs = spec.layers.flatMap((l, i) => (l.kind === 'conv2d' ? [i] : []));
  if (blocks >= convs.length) return 0;
  return convs[convs.length - blocks]!;
}
