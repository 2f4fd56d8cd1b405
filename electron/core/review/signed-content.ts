/**
 * What a signature signs: the case identifiers, its slides (by file sha256), the readings the
 * reviewer saw (model version, outputs and field verdicts), the decision, the signer's printed
 * name, the meaning, the time and, when given, the signer's explicit confirmation of a negative on
 * not-readable fields — as canonical JSON, whose sha256 is stored with the signature. Verification
 * rebuilds the same content from the record as it is now: any change to a signed case, slide,
 * reading or decision (however it was made) shows up as a mismatch.
 */
import type { SignatureMeaning } from '../../contract';
import { canonicalJson, sha256Hex } from '../db/canonical-json';
import type { ReadableDb } from '../db/connection';
import { getCaseById } from '../db/case.repo';
import { getDecisionById } from '../db/decision.repo';
import { getReadingById } from '../db/reading.repo';
import { listSlidesOfCase } from '../db/slide.repo';
import { getUserById } from '../db/user.repo';
import type { SignatureRow } from '../db/signature.repo';

export const SIGNED_CONTENT_FORMAT = 'ana-signed-content/1';

export interface SignedContentInput {
  caseId: number;
  decisionId: number;
  readingIds: number[];
  signerId: number;
  signerName: string;
  meaning: SignatureMeaning;
  signedAtMs: number;
  supersedesSignatureId: number | null;
  /** The signer confirmed a negative although no field was readable (only recorded when true). */
  confirmNotReadable?: boolean;
}

/** Builds the content from the record; throws if a referenced row is missing. */
export function buildSignedContent(db: ReadableDb, input: SignedContentInput): { json: string; sha256: string } {
  const kase = getCaseById(db, input.caseId);
  const decision = getDecisionById(db, input.decisionId);
  const signer = getUserById(db, input.signerId);
  if (!kase || !decision || !signer) throw new Error(`case ${input.caseId}, decision ${input.decisionId} or signer ${input.signerId} is missing`);
  const readings = input.readingIds.map((id) => {
    const r = getReadingById(db, id);
    if (!r) throw new Error(`reading ${id} is missing`);
    return {
      id: r.id,
      slideId: r.slideId,
      modelId: r.modelId,
      modelVersion: r.modelVersion,
      status: r.status,
      labels: r.labels,
      probabilities: r.probabilities,
      predicted: r.predicted,
      thresholds: r.thresholds,
      patchScoresSha256: sha256Hex(new Uint8Array(r.patchScores.buffer, r.patchScores.byteOffset, r.patchScores.byteLength)),
      // The field verdict the signer saw; absent for readings made before the analysis, so their
      // earlier signatures rebuild unchanged.
      ...(r.quality ? { quality: r.quality } : {}),
      ...(r.screening ? { screening: r.screening } : {}),
      ...(r.familiarity ? { familiarity: r.familiarity } : {}),
    };
  });
  const content = {
    format: SIGNED_CONTENT_FORMAT,
    case: {
      id: kase.id,
      accessionId: kase.accessionId,
      patientId: kase.patientId,
      patientName: kase.patientName,
      patientBirthDate: kase.patientBirthDate,
      receivedAtMs: kase.receivedAtMs,
      runId: kase.runId,
    },
    slides: listSlidesOfCase(db, kase.id).map((s) => ({ id: s.id, fileName: s.fileName, sha256: s.sha256, sizeBytes: s.sizeBytes })),
    readings,
    decision: {
      id: decision.id,
      caseId: decision.caseId,
      version: decision.version,
      supersedesId: decision.supersedesId,
      labels: decision.labels,
      comment: decision.comment,
      agreement: decision.agreement,
      amendmentReason: decision.amendmentReason,
      reviewerId: decision.reviewerId,
    },
    signer: { id: signer.id, username: signer.username, printedName: input.signerName },
    meaning: input.meaning,
    signedAtMs: input.signedAtMs,
    supersedesSignatureId: input.supersedesSignatureId,
    ...(input.confirmNotReadable ? { confirmNotReadable: true } : {}),
  };
  const json = canonicalJson(content);
  return { json, sha256: sha256Hex(json) };
}

/** Null when the signature holds; otherwise what is wrong with it. */
export function signatureProblem(db: ReadableDb, sig: SignatureRow): string | null {
  if (sha256Hex(sig.contentJson) !== sig.contentSha256) return `signature ${sig.id} (case ${sig.caseId}): the stored signed content does not match its sha256`;
  let stored: { readings?: { id: number }[]; decision?: { id: number }; confirmNotReadable?: boolean };
  try {
    stored = JSON.parse(sig.contentJson);
  } catch {
    return `signature ${sig.id} (case ${sig.caseId}): the stored signed content is not valid JSON`;
  }
  let rebuilt: string;
  try {
    rebuilt = buildSignedContent(db, {
      caseId: sig.caseId,
      decisionId: sig.decisionId,
      readingIds: (stored.readings ?? []).map((r) => r.id),
      signerId: sig.signerId,
      signerName: sig.signerName,
      meaning: sig.meaning,
      signedAtMs: sig.signedAtMs,
      supersedesSignatureId: sig.supersedesId,
      confirmNotReadable: stored.confirmNotReadable === true,
    }).json;
  } catch (error) {
    return `signature ${sig.id} (case ${sig.caseId}): signed record is incomplete: ${(error as Error).message}`;
  }
  if (rebuilt !== sig.contentJson) {
    const now = JSON.parse(rebuilt) as Record<string, unknown>;
    const then = stored as Record<string, unknown>;
    const changed = Object.keys(now).filter((k) => canonicalJson(now[k]) !== canonicalJson(then[k]));
    return `signature ${sig.id} (case ${sig.caseId}): the record changed after signing (${changed.join(', ') || 'content'})`;
  }
  return null;
}
