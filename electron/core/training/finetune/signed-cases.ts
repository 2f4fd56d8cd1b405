/**
 * The fine-tuning data set: every case with a signed decision (listed by review/signed-cases.ts,
 * which Settings' screening calibration uses too), labelled with the final labels of
 * its latest signed decision (an amendment supersedes the original), its slides as one bag (the
 * labels belong to the case, i.e. to all of its fields together). The split into training and
 * validation cases is by a salted hash of the accession number: deterministic, case-level (no
 * fields of one serum on both sides) and frozen — a case never changes sides as new cases arrive,
 * so the validation set only grows and candidates are always compared on the same cases.
 */
import { createHash } from 'node:crypto';
import type { FinetuneReadiness } from '../../../contract';
import type { PixelSizeSource } from '../../../contract/quality';
import type { ReadableDb } from '../../db/connection';
import { listSignedCases, type SignedCase } from '../../review/signed-cases';

/** Fewer signed cases than this and fine-tuning refuses to run. */
export const MIN_SIGNED_CASES = 20;
/** The share of the signed cases kept back, by accession, for the validation gate. */
export const VALIDATION_SHARE = 0.25;

/** What the record offers fine-tuning now: its signed cases, the minimum a run needs, and how many the gate would keep back. */
export function finetuneReadiness(db: ReadableDb): FinetuneReadiness {
  const cases = listSignedCases(db);
  return { signedCases: cases.length, minimum: MIN_SIGNED_CASES, validationCases: splitSignedCases(cases, VALIDATION_SHARE).validation.length };
}

/** What fine-tuning learns from in a case: its labels and its slides' files (a signed case, or a labelled row of a dataset CSV). */
export interface TrainingCase {
  accessionId: string;
  labels: string[];
  slides: { path: string; pixelSizeUm: number | null }[];
}

export const VALIDATION_SALT = 'ana-finetune-validation-v1';

/**
 * The size each slide is cut at for training: the one recorded when it was read, except that a
 * slide read at the model's assumed size (its file stated none and no microscope profile was set
 * then) is cut at the profile's size once one is set. The case's labels hold at any scale, and
 * its signed readings stay as they were; trained at the assumed size, the lab's model would learn
 * its cells at a scale it no longer reads them at (docs/results.md, *What reading at the wrong
 * scale costs*). `resized` counts the slides that take the profile's size.
 */
export function atProfilePixelSize<S extends { pixelSizeUm: number | null; pixelSizeSource: PixelSizeSource | null }, C extends { slides: S[] }>(
  cases: C[],
  profilePixelSizeUm: number | null,
): { cases: C[]; resized: number } {
  if (profilePixelSizeUm === null) return { cases, resized: 0 };
  let resized = 0;
  const out = cases.map((c) => ({
    ...c,
    slides: c.slides.map((s) => {
      if (s.pixelSizeSource !== 'model-default') return s;
      resized++;
      return { ...s, pixelSizeUm: profilePixelSizeUm };
    }),
  }));
  return { cases: out, resized };
}

export function isValidationCase(accessionId: string, share: number): boolean {
  return createHash('sha256').update(`${VALIDATION_SALT}:${accessionId}`).digest().readUInt32BE(0) / 2 ** 32 < share;
}

export function splitSignedCases(cases: readonly SignedCase[], validationShare: number): { train: SignedCase[]; validation: SignedCase[] } {
  const train: SignedCase[] = [];
  const validation: SignedCase[] = [];
  for (const c of cases) (isValidationCase(c.accessionId, validationShare) ? validation : train).push(c);
  return { train, validation };
}
