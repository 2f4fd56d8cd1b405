/**
 * The manifest of an extractor-head package as our recipes write it. What follows from the graph
 * and the package layout is filled in here — the kind, the tensor names every recipe graph uses
 * ('probabilities', 'embeddings', 'head_w', 'head_b'), no parent version, model.onnx's hash and
 * the extractor sub-graph's hash — so a recipe states only what is its own.
 */
import type { ExtractorHeadManifest, ModelManifest } from '../../electron/core/models/manifest';
import { sha256Hex } from '../../electron/core/models/model-package';
import { subgraphSha256 } from '../../electron/core/models/onnx-graph';

export interface ExtractorHeadSpec {
  /** Default 'ana-default'. */
  id?: string;
  version: string;
  displayName: string;
  labels: ModelManifest['labels'];
  /** Input size, patch grid and normalisation (baseManifest in build-default.ts). */
  layout: Pick<ModelManifest, 'input' | 'patch' | 'normalisation'>;
  /** Default 'max'. */
  aggregation?: ModelManifest['aggregation'];
  thresholds: ModelManifest['thresholds'];
  /** The extractor's identity; null for a graph without a shared extractor (the walking skeleton). */
  extractor: { id: string; version: string } | null;
  /** Files besides model.onnx (the model card). */
  otherFiles?: ModelManifest['files'];
  provenance: ModelManifest['provenance'];
  metrics?: ModelManifest['metrics'];
}

export function extractorHeadManifest(modelBytes: Uint8Array, spec: ExtractorHeadSpec): ExtractorHeadManifest {
  return {
    schemaVersion: 1,
    kind: 'extractor-head',
    id: spec.id ?? 'ana-default',
    version: spec.version,
    parentVersion: null,
    displayName: spec.displayName,
    labels: spec.labels,
    ...spec.layout,
    outputs: { probabilities: 'probabilities', embeddings: 'embeddings' },
    aggregation: spec.aggregation ?? 'max',
    thresholds: spec.thresholds,
    extractor: spec.extractor && { ...spec.extractor, sha256: subgraphSha256(modelBytes, 'embeddings') },
    head: { weights: 'head_w', bias: 'head_b' },
    files: [{ path: 'model.onnx', sha256: sha256Hex(modelBytes), role: 'model' }, ...(spec.otherFiles ?? [])],
    provenance: spec.provenance,
    metrics: spec.metrics ?? {},
  };
}
