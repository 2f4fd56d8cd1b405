/**
 * How much of the fine-tuned weights a whole-network candidate keeps: a share between the active
 * version's weights (0) and the fine-tuned ones (1), fixed or chosen on the lab's early-stopping
 * cases (weight-space ensembling, WiSE-FT).
 */
import { DomainError } from '../../errors';
import type { Pooling } from '../../inference/aggregate';
import { bagCount, type BagDataset } from '../dataset';
import { evaluate, onLabels } from '../metrics/metrics';
import { blendParams, type ParamSet } from '../network/network';
import type { NetworkStepper } from '../network/network-stepper';
import { scoreDataset } from '../network/network-trainer';
import { votingLabels } from '../trainer';

/** A share of the fine-tuned weights in the candidate, or 'auto': chosen on the lab's early-stopping cases. */
export type Blend = number | 'auto';

/**
 * The share 'auto' keeps unless the lab's cases clearly rank another better: this share of the
 * fine-tuned weights, the rest the active version's (weight-space ensembling, WiSE-FT; Wortsman
 * et al., CVPR 2022). Measured on the shift benchmark's held-out styles at +300 with two seeds (docs/results.md, "Blending the weights"):
 * halfway read 0.870 / 0.873 macro-F1 at prevalence thresholds against 0.861 / 0.864 for the
 * fine-tuned weights and 0.864 for the package's, the best of α = 0, 0.25, 0.5, 0.75, 1 for both
 * seeds; at the package's thresholds 0.856 / 0.860 against 0.838 / 0.839. At +100 (one seed, the
 * active version's thresholds, as below 200 cases) 0.859 against 0.836 as trained.
 */
export const HALFWAY_BLEND = 0.5;

/**
 * `ana finetune`'s blend for a whole network: halfway unless the lab's early-stopping cases rank
 * another share better by more than `BLEND_CHOICE_MARGIN` — on a package far from the lab's
 * microscope the fine-tuned weights as trained read far better than halfway (docs/results.md,
 * *Choosing the blend on the lab's own cases*).
 */
export const DEFAULT_NETWORK_BLEND: Blend = 'auto';

/** 'auto' with fewer early-stopping cases than this keeps `HALFWAY_BLEND`: a handful of cases cannot rank five blends. */
export const MIN_CASES_TO_CHOOSE_BLEND = 20;

/** The early-stopping mAP by which another share must beat halfway for 'auto' to choose it (a few dozen cases rank nearby shares by chance; docs/results.md, *Choosing the blend*). */
export const BLEND_CHOICE_MARGIN = 0.02;

/** The shares `ana finetune --blend auto` tries: the active version's weights (0) to the fine-tuned ones (1). */
export const BLEND_CHOICES: readonly number[] = [0, 0.25, 0.5, 0.75, 1];

/**
 * The share whose blend ranks the early-stopping cases best (mAP, as the package reads: no
 * thresholds involved), chosen by the lab's own cases because the best share depends on how far
 * the active version is from the lab's microscope. `fallback` stays unless another share beats
 * its mAP by more than `margin` (a few dozen cases rank nearby shares by chance); ties go to the
 * share nearest `fallback`.
 */
export function bestBlend(tried: readonly { blend: number; map: number }[], fallback: number, margin = 0): number {
  const kept = tried.find((t) => t.blend === fallback);
  let best = kept;
  for (const t of tried) {
    if (kept && t.map <= kept.map + margin) continue;
    if (!best || t.map > best.map + 1e-12 || (Math.abs(t.map - best.map) <= 1e-12 && Math.abs(t.blend - fallback) < Math.abs(best.blend - fallback))) best = t;
  }
  return best?.blend ?? fallback;
}

/** `blend` if it is 'auto' or a share of the fine-tuned weights (0: the active version's, 1: as trained); else a 'bad-request' error. */
export function checkedBlend(blend: Blend): Blend {
  if (blend !== 'auto' && !(blend >= 0 && blend <= 1)) throw new DomainError('bad-request', `blend must be between 0 (the active version's weights) and 1 (the fine-tuned weights), got ${blend}`);
  return blend;
}

/**
 * Loads the candidate's weights into `stepper`, (1 − blend)·base + blend·tuned. 'auto' reads the
 * early-stopping cases at each of `BLEND_CHOICES` (pooled as the package reads) and keeps halfway
 * unless another share ranks them better by more than `BLEND_CHOICE_MARGIN` (`bestBlend`); with
 * fewer than `MIN_CASES_TO_CHOOSE_BLEND` of them it keeps halfway. The labels the loss left out
 * (`untrained`) do not vote (`votingLabels`). Returns the share loaded and, for 'auto', what each
 * share scored.
 */
export async function applyBlend(stepper: NetworkStepper, base: ParamSet, tuned: ParamSet, blend: Blend, stop: BagDataset | null, pooling: Pooling, untrained: readonly number[] = []): Promise<{ blend: number; tried: { blend: number; map: number }[] }> {
  const load = (share: number) => stepper.restore({ ...stepper.snapshot(), params: share === 1 ? tuned : blendParams(stepper.net, base, tuned, share) });
  const fixed = (share: number) => {
    load(share);
    return { blend: share, tried: [] };
  };
  if (blend !== 'auto') return fixed(blend);
  if (!stop || bagCount(stop) < MIN_CASES_TO_CHOOSE_BLEND) return fixed(HALFWAY_BLEND);
  const tried: { blend: number; map: number }[] = [];
  for (const share of BLEND_CHOICES) {
    load(share);
    tried.push({ blend: share, map: await stopCasesMap(stepper, stop, pooling, untrained) });
  }
  const chosen = bestBlend(tried, HALFWAY_BLEND, BLEND_CHOICE_MARGIN);
  load(chosen);
  return { blend: chosen, tried };
}

/** The mAP of the weights loaded in `stepper` on the early-stopping cases, pooled as the package reads (no thresholds involved), over the labels the loss trained (`votingLabels`). */
export async function stopCasesMap(stepper: NetworkStepper, stop: BagDataset, pooling: Pooling, untrained: readonly number[]): Promise<number> {
  const scores = (await scoreDataset(stepper, stop, 256, pooling)).image;
  const K = stop.labels.length;
  const on = onLabels({ truth: stop.bagLabels, scores, imageCount: bagCount(stop), labelCount: K }, stop.labels, votingLabels(K, untrained));
  return evaluate(on.data, on.labels).map;
}
