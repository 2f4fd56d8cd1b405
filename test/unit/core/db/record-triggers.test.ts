/**
 * The record's rules as enforced by the database alone (raw SQL, no core code in the way): each
 * test fails if its trigger or constraint is removed from migration 002.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type WritableDb } from '../../../../electron/core/db/connection';
import { getUserWithHash } from '../../../../electron/core/db/user.repo';
import { seedReadCase, seedTestUsers, TEST_USERS, tempDbPath } from '../../../support/record-fixtures';
import { ensureCase } from '../../../../electron/core/db/case.repo';

let db: WritableDb;
let physicianId: number;
let technologistId: number;

function insertDraft(caseId: number, supersedesId: number | null = null, version = 1): number {
  return Number(
    db
      .prepare(
        `INSERT INTO decisions (case_id, version, supersedes_id, state, labels_json, agreement_json, suggestion_json, amendment_reason, reviewer_id, created_at_ms, updated_at_ms)
         VALUES (?, ?, ?, 'draft', '[]', '{}', '{}', ?, ?, 1, 1)`,
      )
      .run(caseId, version, supersedesId, supersedesId === null ? null : 'reason', physicianId).lastInsertRowid,
  );
}

function insertSignature(caseId: number, decisionId: number, signerId = physicianId, supersedesId: number | null = null): number {
  return Number(
    db
      .prepare(
        `INSERT INTO signatures (case_id, decision_id, signer_id, signer_name, meaning, signed_at_ms, content_json, content_sha256, supersedes_id)
         VALUES (?, ?, ?, 'Dr', 'approved', 1, '{}', ?, ?)`,
      )
      .run(caseId, decisionId, signerId, 'a'.repeat(64), supersedesId).lastInsertRowid,
  );
}

/** Signs a read case with raw SQL in the order the rules allow. */
function signRaw(caseId: number): { decisionId: number; signatureId: number } {
  db.prepare("UPDATE cases SET status = 'in_review' WHERE id = ?").run(caseId);
  const decisionId = insertDraft(caseId);
  const signatureId = insertSignature(caseId, decisionId);
  db.prepare("UPDATE decisions SET state = 'signed' WHERE id = ?").run(decisionId);
  db.prepare("UPDATE cases SET status = 'signed' WHERE id = ?").run(caseId);
  return { decisionId, signatureId };
}

beforeEach(async () => {
  db = openDatabase(tempDbPath());
  await seedTestUsers(db);
  physicianId = getUserWithHash(db, TEST_USERS.physician.username)!.id;
  technologistId = getUserWithHash(db, TEST_USERS.technologist.username)!.id;
});

describe('database rules', () => {
  it('status flow: no skipping to signed, no going back', () => {
    const { caseId } = seedReadCase(db, { accessionId: 'F-1' });
    expect(() => db.prepare("UPDATE cases SET status = 'new' WHERE id = ?").run(caseId)).toThrow(/status cannot change/);
    db.prepare("UPDATE cases SET status = 'in_review' WHERE id = ?").run(caseId);
    expect(() => db.prepare("UPDATE cases SET status = 'read' WHERE id = ?").run(caseId)).toThrow(/status cannot change/);
    expect(() => db.prepare("UPDATE cases SET status = 'signed' WHERE id = ?").run(caseId)).toThrow(/only through a signature/);
  });

  it('no sign-off without a decision', () => {
    const { caseId } = seedReadCase(db, { accessionId: 'F-2' });
    expect(() => insertSignature(caseId, 999)).toThrow(/without an unsigned decision/);
  });

  it('no sign-off without a reading', () => {
    const kase = ensureCase(db, 'F-3', 1, 1);
    const decisionId = insertDraft(kase.id);
    expect(() => insertSignature(kase.id, decisionId)).toThrow(/without a reading/);
  });

  it('only active physicians sign', () => {
    const { caseId } = seedReadCase(db, { accessionId: 'F-4' });
    const decisionId = insertDraft(caseId);
    expect(() => insertSignature(caseId, decisionId, technologistId)).toThrow(/only an active physician/);
    db.prepare('UPDATE users SET active = 0 WHERE id = ?').run(physicianId);
    expect(() => insertSignature(caseId, decisionId, physicianId)).toThrow(/only an active physician/);
  });

  it('a signed case, its decision, slides, readings and signature cannot be updated or deleted', () => {
    const { caseId, slide, reading } = seedReadCase(db, { accessionId: 'F-5' });
    const { decisionId, signatureId } = signRaw(caseId);
    expect(() => db.prepare("UPDATE cases SET patient_name = 'X' WHERE id = ?").run(caseId)).toThrow(/signed case cannot be changed/);
    expect(() => db.prepare('DELETE FROM cases WHERE id = ?').run(caseId)).toThrow(/cannot be deleted/);
    expect(() => db.prepare("UPDATE decisions SET comment = 'changed' WHERE id = ?").run(decisionId)).toThrow(/signed decision cannot be changed/);
    expect(() => db.prepare('DELETE FROM decisions WHERE id = ?').run(decisionId)).toThrow(/cannot be deleted/);
    expect(() => db.prepare("UPDATE signatures SET meaning = 'reviewed' WHERE id = ?").run(signatureId)).toThrow(/cannot be changed/);
    expect(() => db.prepare('DELETE FROM signatures WHERE id = ?').run(signatureId)).toThrow(/cannot be deleted/);
    expect(() => db.prepare("UPDATE slides SET sha256 = 'x' WHERE id = ?").run(slide.id)).toThrow(/signed case cannot be changed/);
    expect(() => db.prepare('DELETE FROM slides WHERE id = ?').run(slide.id)).toThrow(/cannot be deleted/);
    expect(() => db.prepare("UPDATE readings SET predicted_json = '[]' WHERE id = ?").run(reading.id)).toThrow(/cannot be changed/);
    expect(() => db.prepare('DELETE FROM readings WHERE id = ?').run(reading.id)).toThrow(/cannot be deleted/);
    expect(() =>
      db.prepare("INSERT INTO slides (case_id, path, file_name, sha256, size_bytes, width_px, height_px, format, created_at_ms) VALUES (?, 'p', 'f', 'new', 1, 1, 1, 'png', 1)").run(caseId),
    ).toThrow(/cannot add a slide to a signed case/);
    expect(() => insertDraft(caseId, null, 2)).toThrow(/must amend its latest signed decision/);
  });

  it('an amendment is a new decision and signature pointing to the old ones, and marks the case amended', () => {
    const { caseId } = seedReadCase(db, { accessionId: 'F-6' });
    const first = signRaw(caseId);
    const amended = insertDraft(caseId, first.decisionId, 2);
    expect(() => insertSignature(caseId, amended, physicianId, null)).toThrow(/supersede the latest signature/);
    expect(() => db.prepare("UPDATE cases SET status = 'amended' WHERE id = ?").run(caseId)).toThrow(/only through an amendment signature/);
    insertSignature(caseId, amended, physicianId, first.signatureId);
    db.prepare("UPDATE decisions SET state = 'signed' WHERE id = ?").run(amended);
    db.prepare("UPDATE cases SET status = 'amended' WHERE id = ?").run(caseId);
    expect(db.prepare('SELECT status FROM cases WHERE id = ?').get(caseId)).toEqual({ status: 'amended' });
  });

  it('an unsigned case cannot be "amended", and a decision must be created as a draft', () => {
    const { caseId } = seedReadCase(db, { accessionId: 'F-7' });
    const d1 = insertDraft(caseId);
    db.prepare("DELETE FROM decisions WHERE id = ?").run(d1); // drafts may be discarded
    expect(() => insertDraft(caseId, 1, 2)).toThrow(/only a signed case can be amended/);
    expect(() =>
      db.prepare(
        `INSERT INTO decisions (case_id, version, state, labels_json, agreement_json, suggestion_json, reviewer_id, created_at_ms, updated_at_ms)
         VALUES (?, 1, 'signed', '[]', '{}', '{}', ?, 1, 1)`,
      ).run(caseId, physicianId),
    ).toThrow(/created as a draft/);
    expect(() => db.prepare("UPDATE decisions SET state = 'signed' WHERE id = ?").run(insertDraft(caseId))).toThrow(/only through a signature/);
  });

  it('users are never deleted and keep their username', () => {
    expect(() => db.prepare('DELETE FROM users WHERE id = ?').run(physicianId)).toThrow(/cannot be deleted/);
    expect(() => db.prepare("UPDATE users SET username = 'other' WHERE id = ?").run(physicianId)).toThrow(/cannot be changed/);
  });

  it('reports can only be superseded once; the export log is append-only', () => {
    const sha = 'b'.repeat(64);
    const report = (id: number) =>
      db.prepare("INSERT INTO reports (id, format, file_name, bytes, sha256, created_at_ms) VALUES (?, 'csv', 'day.csv', x'01', ?, 1)").run(id, sha);
    report(1);
    report(2);
    report(3);
    expect(() => db.prepare("UPDATE reports SET bytes = x'02' WHERE id = 1").run()).toThrow(/only superseded once/);
    db.prepare('UPDATE reports SET superseded_by_id = 2 WHERE id = 1').run();
    expect(() => db.prepare('UPDATE reports SET superseded_by_id = 3 WHERE id = 1').run()).toThrow(/only superseded once/);
    expect(() => db.prepare('DELETE FROM reports WHERE id = 3').run()).toThrow(/cannot be deleted/);
    db.prepare(
      "INSERT INTO report_exports (format, destination, sha256, size_bytes, case_ids_json, status, exported_at_ms) VALUES ('csv', '/x.csv', ?, 1, '[]', 'ok', 1)",
    ).run(sha);
    expect(() => db.prepare("UPDATE report_exports SET destination = '/y'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM report_exports').run()).toThrow(/append-only/);
  });
});
