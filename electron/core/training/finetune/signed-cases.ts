/**
 * The fine-tuning data set: every case with a signed decision, labelled with the final labels of
 * its latest signed decision (an amendment supersedes the original), its slides as one bag (the
 * labels belong to the case, i.e. to all of its fields together). The split into training and
 * validation cases is by a salted hash of the accession number: deterministic, case-level (no
 * fields of one serum on both sides) and frozen — a case never changes sides as new cases arrive,
 * so the validation set only grows and candidates are always compared on the same cases.
 */
import { createHash } from 'node:crypto';
import type { ReadableDb } from '../../db/connection';
import { listCases } from '../../db/case.repo';
import { latestSignedDecision } from '../../db/decision.repo';
import { listSlidesOfCase } from '../../db/slide.repo';
import type { PixelSizeSource } from '../../../contract/quality';

/** What fine-tuning learns from in a case: its labels and its slides' files (a signed case, or a labelled row of a dataset CSV). */
export interface TrainingCase {
  accessionId: string;
  labels: string[];
  slides: { path: string; pixelSizeUm: number | null }[];
}

export interface SignedCase extends TrainingCase {
  caseId: number;
  decisionId: number;
  slides: { slideId: number; path: string; pixelSizeUm: number | null; pixelSizeSource: PixelSizeSource | null }[];
}

export const VALIDATION_SALT = 'ana-finetune-validation-v1';

export function listSignedCases(db: ReadableDb): SignedCase[] {
  const out: SignedCase[] = [];
  for (const c of listCases(db)) {
    const decision = latestSignedDecision(db, c.id);
    if (!decision) continue;
    const slides = listSlidesOfCase(db, c.id).map((s) => ({ slideId: s.id, path: s.path, pixelSizeUm: s.pixelSizeUm, pixelSizeSource: s.pixelSizeSource }));
    if (slides.length === 0) continue;
    out.push({ caseId: c.id, accessionId: c.accessionId, decisionId: decision.id, labels: decision.labels.map((l) => l.key), slides });
  }
  return out.sort((a, b) => a.caseId - b.caseId);
}

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
