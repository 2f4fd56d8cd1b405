import type { DecisionLabel, LabelAgreement } from '../../contract';
import { appendAudit, type Actor } from './audit.repo';
import { runWrite, type ReadableDb, type WritableDb } from './connection';

/** What the reviewer saw when deciding: the readings and the case-level suggestion. */
export interface DecisionSuggestion {
  readingIds: number[];
  models: { modelId: string; modelVersion: string }[];
  probabilities: Record<string, number>;
  predicted: string[];
}

export interface DecisionRow {
  id: number;
  caseId: number;
  version: number;
  supersedesId: number | null;
  state: 'draft' | 'signed';
  /** Final labels; empty means negative (AC-0). */
  labels: DecisionLabel[];
  comment: string;
  agreement: Record<string, LabelAgreement>;
  suggestion: DecisionSuggestion;
  amendmentReason: string | null;
  reviewerId: number;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface DecisionContent {
  labels: DecisionLabel[];
  comment: string;
  agreement: Record<string, LabelAgreement>;
  suggestion: DecisionSuggestion;
}

const SELECT_DECISION = `SELECT id, case_id AS caseId, version, supersedes_id AS supersedesId, state, labels_json AS labelsJson,
  comment, agreement_json AS agreementJson, suggestion_json AS suggestionJson, amendment_reason AS amendmentReason,
  reviewer_id AS reviewerId, created_at_ms AS createdAtMs, updated_at_ms AS updatedAtMs FROM decisions`;

type RawDecision = Omit<DecisionRow, 'labels' | 'agreement' | 'suggestion'> & { labelsJson: string; agreementJson: string; suggestionJson: string };

function fromRaw(raw: RawDecision | undefined): DecisionRow | undefined {
  if (!raw) return undefined;
  const { labelsJson, agreementJson, suggestionJson, ...rest } = raw;
  return { ...rest, labels: JSON.parse(labelsJson), agreement: JSON.parse(agreementJson), suggestion: JSON.parse(suggestionJson) };
}

export function getDecisionById(db: ReadableDb, id: number): DecisionRow | undefined {
  return fromRaw(db.prepare(`${SELECT_DECISION} WHERE id = ?`).get(id) as RawDecision | undefined);
}

export function listDecisionsOfCase(db: ReadableDb, caseId: number): DecisionRow[] {
  return (db.prepare(`${SELECT_DECISION} WHERE case_id = ? ORDER BY version, id`).all(caseId) as RawDecision[]).map((r) => fromRaw(r)!);
}

export function getDraftOfCase(db: ReadableDb, caseId: number): DecisionRow | undefined {
  return fromRaw(db.prepare(`${SELECT_DECISION} WHERE case_id = ? AND state = 'draft'`).get(caseId) as RawDecision | undefined);
}

export function latestSignedDecision(db: ReadableDb, caseId: number): DecisionRow | undefined {
  return fromRaw(
    db.prepare(`${SELECT_DECISION} WHERE case_id = ? AND state = 'signed' ORDER BY version DESC LIMIT 1`).get(caseId) as RawDecision | undefined,
  );
}

/**
 * Cases with a slide whose latest signed decision has no labels (signed negative, AC-0): one query,
 * for the Settings page; the same rule as `listSignedCases` filtered on empty labels (review/).
 */
export function countSignedNegativeCases(db: ReadableDb): number {
  const row = db
    .prepare(
      `SELECT count(*) AS n FROM cases c
       WHERE EXISTS (SELECT 1 FROM slides s WHERE s.case_id = c.id)
         AND (SELECT json_array_length(d.labels_json) FROM decisions d WHERE d.case_id = c.id AND d.state = 'signed' ORDER BY d.version DESC LIMIT 1) = 0`,
    )
    .get() as { n: number };
  return row.n;
}

function auditValue(d: DecisionRow) {
  return { version: d.version, supersedesId: d.supersedesId, state: d.state, labels: d.labels, comment: d.comment, agreement: d.agreement, suggestion: d.suggestion, amendmentReason: d.amendmentReason, reviewerId: d.reviewerId };
}

export function insertDecision(
  db: WritableDb,
  input: DecisionContent & { caseId: number; reviewerId: number; supersedesId?: number | null; amendmentReason?: string | null },
  actor: Actor,
  nowMs = Date.now(),
): DecisionRow {
  return runWrite(db, `Saving a decision for case ${input.caseId}`, () => {
    const { n } = db.prepare('SELECT coalesce(max(version), 0) AS n FROM decisions WHERE case_id = ?').get(input.caseId) as { n: number };
    const info = db
      .prepare(
        `INSERT INTO decisions (case_id, version, supersedes_id, state, labels_json, comment, agreement_json, suggestion_json,
           amendment_reason, reviewer_id, created_at_ms, updated_at_ms)
         VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.caseId,
        n + 1,
        input.supersedesId ?? null,
        JSON.stringify(input.labels),
        input.comment,
        JSON.stringify(input.agreement),
        JSON.stringify(input.suggestion),
        input.amendmentReason ?? null,
        input.reviewerId,
        nowMs,
        nowMs,
      );
    const row = getDecisionById(db, Number(info.lastInsertRowid))!;
    appendAudit(db, { actor, action: 'create', entity: 'decision', entityId: row.id, caseId: row.caseId, newValue: auditValue(row), atMs: nowMs });
    return row;
  });
}

/** Changes a draft (the database refuses for a signed decision). Old and new values are audited. */
export function updateDraft(db: WritableDb, id: number, content: DecisionContent & { reviewerId: number }, actor: Actor, nowMs = Date.now()): DecisionRow {
  return runWrite(db, `Updating decision ${id}`, () => {
    const before = getDecisionById(db, id);
    if (!before) throw new Error(`Decision ${id} does not exist`);
    db.prepare('UPDATE decisions SET labels_json = ?, comment = ?, agreement_json = ?, suggestion_json = ?, reviewer_id = ?, updated_at_ms = ? WHERE id = ?').run(
      JSON.stringify(content.labels),
      content.comment,
      JSON.stringify(content.agreement),
      JSON.stringify(content.suggestion),
      content.reviewerId,
      nowMs,
      id,
    );
    const after = getDecisionById(db, id)!;
    appendAudit(db, { actor, action: 'update', entity: 'decision', entityId: id, caseId: after.caseId, oldValue: auditValue(before), newValue: auditValue(after), atMs: nowMs });
    return after;
  });
}

/** Marks a draft signed; the database requires its signature row to exist already. */
export function markDecisionSigned(db: WritableDb, id: number, actor: Actor, nowMs = Date.now()): void {
  runWrite(db, `Signing decision ${id}`, () => {
    const before = getDecisionById(db, id);
    db.prepare("UPDATE decisions SET state = 'signed', updated_at_ms = ? WHERE id = ?").run(nowMs, id);
    appendAudit(db, { actor, action: 'update', entity: 'decision', entityId: id, caseId: before?.caseId ?? null, oldValue: { state: before?.state }, newValue: { state: 'signed' }, atMs: nowMs });
  });
}
