/**
 * What every fine-tuning mode hands back to the run (finetune.ts): the candidate package, the
 * active and candidate reports on the same frozen validation cases, and how it got there; plus the
 * steps both modes share (where a candidate is written, which slides are still readable, slide
 * bags merged into case bags).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FinetuneMode } from '../../../contract';
import { DomainError } from '../../errors';
import type { ModelPackage } from '../../models/model-package';
import { subsetBags, type BagDataset } from '../dataset';
import type { ScoredReport } from '../metrics/metrics';
import type { TrainingCase } from './signed-cases';

export interface Candidate {
  model: ModelPackage;
  /** Both versions on the same frozen validation cases, with the scores the gate compares operating points on. */
  activeScored: ScoredReport;
  candidateScored: ScoredReport;
  counts: { fit: number; stop: number; validation: number; leftOut: LeftOutSlides };
  /** Learning the adapted extractor (mode 'adapt'). */
  adaptMs?: number;
  prepareMs: number;
  trainMs: number;
  epochs: number;
  bestEpoch: number;
  /** The epoch cap training ended at while early stopping would have gone on (trainer.ts, `endedAtEpochCap`); absent otherwise. */
  endedAtEpochCap?: number;
}

/** Signed slides a run could not use (a file gone since it was read, or one that no longer decodes): each path with the reason, and how many signed cases were left with none. */
export interface LeftOutSlides {
  slides: { path: string; reason: string }[];
  cases: number;
}

export function joinLeftOut(a: LeftOutSlides, b: LeftOutSlides): LeftOutSlides {
  return { slides: [...a.slides, ...b.slides], cases: a.cases + b.cases };
}

/** In [fit, stop, validation] groups: the ones a run cannot do without. */
export const FIT_AND_VALIDATION: readonly number[] = [0, 2];

/** Why a slide's file cannot be used before decoding it: gone (moved, deleted, a folder not reachable). */
export const fileGone = (path: string): string | null => (existsSync(path) ? null : 'file not found');

/**
 * The cases of each group without the slides `why` gives a reason for, and without a case left
 * with no slide: a few moved or damaged files should not fail a lab's run, and they are reported.
 * A `required` group (by default every one; for fine-tuning the training and the validation cases,
 * since early stopping can do without) that loses every case fails the run instead: that is a
 * folder out of reach, not a few files, and a gate on no cases would judge nothing.
 */
export function leaveOutSlides<T extends TrainingCase>(groups: T[][], why: (path: string) => string | null, required: readonly number[] = groups.map((_, i) => i)): { kept: T[][]; leftOut: LeftOutSlides } {
  const leftOut: LeftOutSlides = { slides: [], cases: 0 };
  const kept = groups.map((g) =>
    g
      .map((c) => {
        const slides = c.slides.filter((s) => {
          const reason = why(s.path);
          if (reason !== null) leftOut.slides.push({ path: s.path, reason });
          return reason === null;
        });
        return { ...c, slides };
      })
      .filter((c) => {
        if (c.slides.length === 0) leftOut.cases++;
        return c.slides.length > 0;
      }),
  );
  if (required.some((i) => kept[i]!.length === 0 && groups[i]!.length > 0)) {
    const slides = groups.flat().reduce((n, c) => n + c.slides.length, 0);
    const first = leftOut.slides[0]!;
    throw new DomainError(
      'bad-request',
      `the field files of ${leftOut.cases} of the ${groups.flat().length} signed cases cannot be used (${leftOut.slides.length} of ${slides} slides; e.g. ${first.path}: ${first.reason}), leaving no ${required.length === 1 ? 'case' : 'training or no validation case'} to use: is the folder the slides were read from reachable?`,
    );
  }
  return { kept, leftOut };
}

/** Slide bags in case order (one per slide) → one bag per case, split back into the groups (one group: the same patches, not a copy). */
export function mergeIntoCases(data: BagDataset, groups: TrainingCase[][]): BagDataset[] {
  const all = groups.flat();
  const K = data.labels.length;
  const caseOffsets = new Int32Array(all.length + 1);
  const caseLabels = new Uint8Array(all.length * K);
  let slide = 0;
  all.forEach((c, i) => {
    slide += c.slides.length;
    caseOffsets[i + 1] = data.bagOffsets[slide]!;
    caseLabels.set(data.bagLabels.subarray((slide - 1) * K, slide * K), i * K);
  });
  const merged: BagDataset = { ...data, bagOffsets: caseOffsets, bagLabels: caseLabels, bagIds: all.map((c) => c.accessionId) };
  if (groups.length === 1) return [merged];
  let at = 0;
  return groups.map((g) => {
    const idx = g.map((_, i) => at + i);
    at += g.length;
    return subsetBags(merged, idx);
  });
}

/** The version a run's candidate gets: the active version's without its build part, then the mode's tag and the run's id (0.7.0+ft12). */
export function candidateVersion(activeVersion: string, mode: FinetuneMode, runId: number): string {
  return `${activeVersion.split('+')[0]}+${mode === 'adapt' ? 'adapt' : mode === 'thresholds' ? 'thr' : 'ft'}${runId}`;
}

export function candidateDir(modelsDir: string, id: string, version: string): string {
  return join(modelsDir, `${id}-${version.replace(/[^A-Za-z0-9.+-]/g, '_')}`);
}
