/**
 * The review flow: drafts, sign-off and amendment. Each step checks the caller's role and the
 * case's state here (clear messages) and is refused again by the database's triggers if this code
 * is ever wrong. Signing re-checks the password, binds the sha256 of the exact signed content and,
 * once committed, appends the audit chain's head to the anchor file beside the database.
 */
import type { DecisionLabel, SessionUser } from '../../contract';
import { findLabel, LABEL_KEYS } from '../../contract';
import { type WritableDb, runWrite } from '../db/connection';
import { anchorHead } from '../db/audit-anchor';
import { getCaseById, setCaseStatus, type CaseRow } from '../db/case.repo';
import {
  getDraftOfCase,
  insertDecision,
  latestSignedDecision,
  markDecisionSigned,
  updateDraft,
  type DecisionRow,
} from '../db/decision.repo';
import { latestReadingsOfCase } from '../db/reading.repo';
import { insertSignature, latestSignatureOfCase, type SignatureRow } from '../db/signature.repo';
import { confirmPassword } from '../auth/auth.service';
import { actorOf } from '../auth/session-store';
import { DomainError } from '../errors';
import { agreementOf, suggestionOf } from './suggestion';
import { buildSignedContent } from './signed-content';

export const REVIEWER_ROLES = ['technologist', 'physician'] as const;
export const SIGNER_ROLES = ['physician'] as const;

export interface DecisionInput {
  caseId: number;
  labels: DecisionLabel[];
  comment: string;
}

function requireCase(db: WritableDb, caseId: number): CaseRow {
  const kase = getCaseById(db, caseId);
  if (!kase) throw new DomainError('not-found', `Case ${caseId} does not exist`);
  return kase;
}

function isSigned(kase: CaseRow): boolean {
  return kase.status === 'signed' || kase.status === 'amended';
}

/** Fills in the ICAP code from the vocabulary and checks keys and codes. */
function normaliseLabels(db: WritableDb, caseId: number, labels: DecisionLabel[]): DecisionLabel[] {
  const modelKeys = new Set(latestReadingsOfCase(db, caseId).flatMap((r) => r.labels));
  return labels.map((label) => {
    const known = findLabel(label.key);
    if (!known && !modelKeys.has(label.key)) {
      throw new DomainError('bad-request', `Unknown label '${label.key}' for case ${caseId}; known labels: ${[...new Set([...LABEL_KEYS, ...modelKeys])].join(', ')}`);
    }
    if (known && label.icapCode && !known.icapCodes.includes(label.icapCode)) {
      throw new DomainError('bad-request', `ICAP code ${label.icapCode} does not belong to '${label.key}' (${known.icapCodes.join(', ')})`);
    }
    return { ...label, icapCode: label.icapCode ?? known?.icapCodes[0] };
  });
}

function requireRole(user: SessionUser, roles: readonly string[], what: string): void {
  if (!roles.includes(user.role)) throw new DomainError('forbidden', `${user.username} (${user.role}) may not ${what}; this needs the role ${roles.join(' or ')}`);
}

export function saveDraft(db: WritableDb, user: SessionUser, input: DecisionInput, nowMs = Date.now()): DecisionRow {
  requireRole(user, REVIEWER_ROLES, 'save a decision');
  return runWrite(db, `Saving the decision of case ${input.caseId}`, () => {
    const kase = requireCase(db, input.caseId);
    if (isSigned(kase)) throw new DomainError('conflict', `Case ${kase.accessionId} is signed; amend it instead of saving a draft`);
    const labels = normaliseLabels(db, kase.id, input.labels);
    const suggestion = suggestionOf(latestReadingsOfCase(db, kase.id));
    const content = { labels, comment: input.comment, suggestion, agreement: agreementOf(suggestion.predicted, labels) };
    const draft = getDraftOfCase(db, kase.id);
    const actor = actorOf(user);
    const saved = draft
      ? updateDraft(db, draft.id, { ...content, reviewerId: user.id }, actor, nowMs)
      : insertDecision(db, { ...content, caseId: kase.id, reviewerId: user.id }, actor, nowMs);
    if (kase.status !== 'in_review') setCaseStatus(db, kase.id, 'in_review', actor);
    return saved;
  });
}

function signDecision(db: WritableDb, user: SessionUser, decision: DecisionRow, meaning: 'reviewed' | 'approved' | 'amended', supersedes: SignatureRow | null, nowMs: number): SignatureRow {
  const { json, sha256 } = buildSignedContent(db, {
    caseId: decision.caseId,
    decisionId: decision.id,
    readingIds: decision.suggestion.readingIds,
    signerId: user.id,
    signerName: user.displayName,
    meaning,
    signedAtMs: nowMs,
    supersedesSignatureId: supersedes?.id ?? null,
  });
  const actor = actorOf(user);
  const signature = insertSignature(
    db,
    {
      caseId: decision.caseId,
      decisionId: decision.id,
      signerId: user.id,
      signerName: user.displayName,
      meaning,
      signedAtMs: nowMs,
      contentJson: json,
      contentSha256: sha256,
      supersedesId: supersedes?.id ?? null,
    },
    actor,
  );
  markDecisionSigned(db, decision.id, actor, nowMs);
  setCaseStatus(db, decision.caseId, supersedes ? 'amended' : 'signed', actor);
  return signature;
}

/** The signature is committed by now: a failed anchor write is reported as such, not as a failed signing. */
function anchorAfterSigning(db: WritableDb, event: 'sign' | 'amend', done: string): void {
  try {
    anchorHead(db, event);
  } catch (error) {
    throw new DomainError('internal', `${done}, but ${(error as Error).message} Run \`ana audit verify\` once it is fixed.`, { cause: error });
  }
}

/** The readings the reviewer saw must be the case's current ones, and there must be at least one. */
function checkReadings(db: WritableDb, kase: CaseRow, readingIds: number[]): void {
  const current = latestReadingsOfCase(db, kase.id).map((r) => r.id);
  if (current.length === 0) throw new DomainError('conflict', `Case ${kase.accessionId} has no reading; no sign-off without a reading`);
  if (current.join(',') !== [...readingIds].join(',')) {
    throw new DomainError('conflict', `Case ${kase.accessionId} has new readings since the decision was saved; review them and save the decision again`);
  }
}

export async function signCase(
  db: WritableDb,
  user: SessionUser,
  input: { caseId: number; password: string; meaning: 'reviewed' | 'approved' },
  nowMs = Date.now(),
): Promise<SignatureRow> {
  requireRole(user, SIGNER_ROLES, 'sign');
  const kase = requireCase(db, input.caseId);
  await confirmPassword(db, user, input.password, `signing case ${kase.accessionId}`);
  const signature = runWrite(db, `Signing case ${kase.accessionId}`, () => {
    const now = requireCase(db, input.caseId);
    if (isSigned(now)) throw new DomainError('conflict', `Case ${now.accessionId} is already signed; amend it to change the decision`);
    const draft = getDraftOfCase(db, now.id);
    if (!draft) throw new DomainError('conflict', `Case ${now.accessionId} has no decision to sign; save a decision first`);
    checkReadings(db, now, draft.suggestion.readingIds);
    return signDecision(db, user, draft, input.meaning, null, nowMs);
  });
  anchorAfterSigning(db, 'sign', `Case ${kase.accessionId} was signed`);
  return signature;
}

export async function amendCase(
  db: WritableDb,
  user: SessionUser,
  input: DecisionInput & { reason: string; password: string },
  nowMs = Date.now(),
): Promise<{ decision: DecisionRow; signature: SignatureRow }> {
  requireRole(user, SIGNER_ROLES, 'amend a signed case');
  const kase = requireCase(db, input.caseId);
  await confirmPassword(db, user, input.password, `amending case ${kase.accessionId}`);
  const amended = runWrite(db, `Amending case ${kase.accessionId}`, () => {
    const now = requireCase(db, input.caseId);
    if (!isSigned(now)) throw new DomainError('conflict', `Case ${now.accessionId} is not signed; save and sign a decision instead of amending`);
    const previous = latestSignedDecision(db, now.id)!;
    const previousSignature = latestSignatureOfCase(db, now.id)!;
    const labels = normaliseLabels(db, now.id, input.labels);
    const suggestion = suggestionOf(latestReadingsOfCase(db, now.id));
    if (suggestion.readingIds.length === 0) throw new DomainError('conflict', `Case ${now.accessionId} has no reading; no sign-off without a reading`);
    const decision = insertDecision(
      db,
      {
        caseId: now.id,
        labels,
        comment: input.comment,
        suggestion,
        agreement: agreementOf(suggestion.predicted, labels),
        reviewerId: user.id,
        supersedesId: previous.id,
        amendmentReason: input.reason,
      },
      actorOf(user),
      nowMs,
    );
    const signature = signDecision(db, user, decision, 'amended', previousSignature, nowMs);
    return { decision: { ...decision, state: 'signed' as const }, signature };
  });
  anchorAfterSigning(db, 'amend', `Case ${kase.accessionId} was amended`);
  return amended;
}
