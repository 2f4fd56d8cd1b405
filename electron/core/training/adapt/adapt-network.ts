/**
 * Mode 'adapt' for a whole-network active version (docs/lab-adaptation.md): a seeded sample of
 * the lab's read fields is cut as the package reads them, and the network below its head is
 * pre-trained on their patches without labels (pretrain-network.ts). Fine-tuning on the signed
 * cases starts from the result (../finetune/finetune-network.ts); the gate judges the candidate.
 */
import { DomainError } from '../../errors';
import type { ProviderName } from '../../inference/providers';
import { patchOptionsOf } from '../../models/manifest';
import type { ModelPackage } from '../../models/model-package';
import { Random } from '../../random';
import { patchCount } from '../dataset';
import type { Progress } from '../heads/train-model';
import type { Network, ParamSet } from '../network/network';
import { pixelBags, type FieldRow } from '../network/patch-dataset';
import { DEFAULT_PRETRAINING, pretrainNetwork, type PretrainingOptions } from './pretrain-network';

export interface NetworkAdaptation {
  /** Fields sampled (seeded) from those given. Default `DEFAULT_ADAPTATION_FIELDS`. */
  fields?: number;
  /** Self-supervised epochs over their patches. Default `DEFAULT_PRETRAINING.epochs`. */
  epochs?: number;
  seed?: number;
}

/** As the codebooks' adaptation: 200 fields hold about 6,000 patches at 1024×768. */
export const DEFAULT_ADAPTATION_FIELDS = 200;

export interface AdaptedNetwork {
  params: ParamSet;
  /** What the package's provenance records. */
  provenance: { fields: number; sampled: number; patches: number; pretraining: Omit<PretrainingOptions, 'augment'> & { augment: 'style' }; epochLosses: number[]; ms: number };
  ms: number;
}

export async function adaptNetworkToFields(
  active: ModelPackage,
  base: { net: Network; params: ParamSet },
  fields: readonly FieldRow[],
  adaptation: NetworkAdaptation,
  hooks: { providers?: ProviderName[]; threads?: number; onProgress?: (p: Progress) => void; isCancelled?: () => boolean } = {},
): Promise<AdaptedNetwork> {
  const t0 = performance.now();
  const count = adaptation.fields ?? DEFAULT_ADAPTATION_FIELDS;
  const seed = adaptation.seed ?? DEFAULT_PRETRAINING.seed;
  if (fields.length === 0) throw new DomainError('bad-request', 'no fields to adapt the network to');
  const sample = seededSample(fields, count, seed);
  const controller = new AbortController();
  const patches = await pixelBags(sample.map((f) => ({ ...f, labels: [] })), patchOptionsOf(active.manifest), {
    labels: active.manifest.labels.map((l) => l.key),
    signal: controller.signal,
    onProgress: (done, total) => {
      if (hooks.isCancelled?.()) controller.abort();
      hooks.onProgress?.({ phase: 'adapt', done, total, message: "cutting the lab's fields" });
    },
  });
  const options: Partial<PretrainingOptions> = { seed, ...(adaptation.epochs === undefined ? {} : { epochs: adaptation.epochs }) };
  const result = await pretrainNetwork(base.net, base.params, patches, options, {
    providers: hooks.providers,
    threads: hooks.threads,
    isCancelled: hooks.isCancelled,
    onProgress: (p) => hooks.onProgress?.({ phase: 'adapt', done: p.step, total: p.steps, message: `self-supervised epoch ${p.epoch}` }),
  });
  const { augment: _augment, ...recipe } = { ...DEFAULT_PRETRAINING, ...options };
  return {
    params: result.params,
    provenance: { fields: fields.length, sampled: sample.length, patches: patchCount(patches), pretraining: { ...recipe, augment: 'style' }, epochLosses: result.epochLosses, ms: Math.round(result.ms) },
    ms: performance.now() - t0,
  };
}

/** `count` of `items` in a seeded order (all of them when there are fewer). */
function seededSample<T>(items: readonly T[], count: number, seed: number): T[] {
  if (!(Number.isInteger(count) && count >= 1)) throw new DomainError('bad-request', `fields to adapt to must be a whole number >= 1, got ${count}`);
  return new Random(seed).shuffle([...items]).slice(0, count);
}
