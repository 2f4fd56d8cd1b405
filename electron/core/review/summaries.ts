/** Contract shapes of the record's rows (what cases/get and the review channels return). */
import type { AuditEntrySummary, DecisionSummary, SignatureSummary } from '../../contract';
import type { ReadableDb } from '../db/connection';
import type { AuditEntry } from '../db/audit.repo';
import type { DecisionRow } from '../db/decision.repo';
import type { SignatureRow } from '../db/signature.repo';
import { getUserById } from '../db/user.repo';
import { signatureProblem } from './signed-content';

export function toDecisionSummary(db: ReadableDb, d: DecisionRow): DecisionSummary {
  const reviewer = getUserById(db, d.reviewerId);
  return {
    id: d.id,
    caseId: d.caseId,
    version: d.version,
    supersedesId: d.supersedesId,
    state: d.state,
    labels: d.labels,
    comment: d.comment,
    agreement: d.agreement,
    suggestion: { readingIds: d.suggestion.readingIds, probabilities: d.suggestion.probabilities, predicted: d.suggestion.predicted },
    amendmentReason: d.amendmentReason,
    reviewer: { id: d.reviewerId, username: reviewer?.username ?? '?', displayName: reviewer?.displayName ?? '?' },
    createdAtMs: d.createdAtMs,
    updatedAtMs: d.updatedAtMs,
  };
}

export function toSignatureSummary(db: ReadableDb, s: SignatureRow): SignatureSummary {
  const problem = signatureProblem(db, s);
  return {
    id: s.id,
    caseId: s.caseId,
    decisionId: s.decisionId,
    signerId: s.signerId,
    signerName: s.signerName,
    meaning: s.meaning,
    signedAtMs: s.signedAtMs,
    contentSha256: s.contentSha256,
    supersedesId: s.supersedesId,
    valid: problem === null,
    problem,
  };
}

export function toAuditSummary(e: AuditEntry): AuditEntrySummary {
  return {
    id: e.id,
    atMs: e.atMs,
    userId: e.userId,
    actor: e.actor,
    action: e.action,
    entity: e.entity,
    entityId: e.entityId,
    caseId: e.caseId,
    oldValue: e.oldJson === null ? null : JSON.parse(e.oldJson),
    newValue: e.newJson === null ? null : JSON.parse(e.newJson),
    hash: e.hash,
  };
}
