/**
 * Reads a whole-network model package back into a network and its parameters, so local
 * fine-tuning can start from the shipped weights. The network description travels in the
 * manifest's provenance (`network`); the weights are the graph's initialisers, named as
 * buildInferenceGraph writes them.
 */
import { readFile } from 'node:fs/promises';
import { DomainError } from '../../errors';
import type { ModelManifest } from '../../models/manifest';
import { loadModelPackage } from '../../models/model-package';
import { readInitializers } from '../../models/onnx-graph';
import { inferenceInitializerName } from './graphs';
import { checkParams, createNetwork, type Network, type NetworkSpec, type ParamSet } from './network';

export async function loadNetworkPackage(dir: string): Promise<{ net: Network; params: ParamSet; manifest: ModelManifest }> {
  const pkg = await loadModelPackage(dir);
  const spec = pkg.manifest.provenance['network'] as NetworkSpec | undefined;
  if (!spec || !Array.isArray(spec.inputShape) || !Array.isArray(spec.layers)) {
    throw new DomainError('model-invalid', `${dir}: not a whole-network package (its manifest has no provenance.network description)`);
  }
  const net = createNetwork(spec);
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
