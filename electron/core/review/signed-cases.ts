/**
 * The record's signed cases: each case with a signed decision, its labels those of its latest
 * signed decision (an amendment supersedes the original; none means negative, AC-0) and its
 * slides. Fine-tuning learns from them (training/finetune/signed-cases.ts); the screening
 * calibration takes the fields of those signed negative (./signed-negatives.ts). It lives with
 * review, not training, so that Settings can use it without a folder cycle (training reads the
 * microscope profile from settings/).
 */
import type { ReadableDb } from '../db/connection';
import { listCases } from '../db/case.repo';
import { latestSignedDecision } from '../db/decision.repo';
import { listSlidesOfCase } from '../db/slide.repo';
import type { PixelSizeSource } from '../../contract/quality';

export interface SignedCase {
  caseId: number;
  accessionId: string;
  decisionId: number;
  /** Label keys of the latest signed decision; empty: signed negative (AC-0). */
  labels: string[];
  slides: { slideId: number; path: string; pixelSizeUm: number | null; pixelSizeSource: PixelSizeSource | null }[];
}

/** Every signed case with at least one slide, by case id. */
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
