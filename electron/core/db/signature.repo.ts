import type { SignatureMeaning } from '../../contract';
import { appendAudit, type Actor } from './audit.repo';
import { runWrite, type ReadableDb, type WritableDb } from './connection';

export interface SignatureRow {
  id: number;
  caseId: number;
  decisionId: number;
  signerId: number;
  signerName: string;
  meaning: SignatureMeaning;
  signedAtMs: number;
  /** The exact canonical JSON that was signed. */
  contentJson: string;
  contentSha256: string;
  supersedesId: number | null;
}

export type NewSignature = Omit<SignatureRow, 'id'>;

const SELECT_SIGNATURE = `SELECT id, case_id AS caseId, decision_id AS decisionId, signer_id AS signerId, signer_name AS signerName,
  meaning, signed_at_ms AS signedAtMs, content_json AS contentJson, content_sha256 AS contentSha256,
  supersedes_id AS supersedesId FROM signatures`;

export function getSignatureById(db: ReadableDb, id: number): SignatureRow | undefined {
  return db.prepare(`${SELECT_SIGNATURE} WHERE id = ?`).get(id) as SignatureRow | undefined;
}

export function listSignaturesOfCase(db: ReadableDb, caseId: number): SignatureRow[] {
  return db.prepare(`${SELECT_SIGNATURE} WHERE case_id = ? ORDER BY id`).all(caseId) as SignatureRow[];
}

export function latestSignatureOfCase(db: ReadableDb, caseId: number): SignatureRow | undefined {
  return db.prepare(`${SELECT_SIGNATURE} WHERE case_id = ? ORDER BY id DESC LIMIT 1`).get(caseId) as SignatureRow | undefined;
}

export function listAllSignatures(db: ReadableDb): Iterable<SignatureRow> {
  return db.prepare(`${SELECT_SIGNATURE} ORDER BY id`).iterate() as Iterable<SignatureRow>;
}

export function insertSignature(db: WritableDb, signature: NewSignature, actor: Actor): SignatureRow {
  return runWrite(db, `Signing case ${signature.caseId}`, () => {
    const info = db
      .prepare(
        `INSERT INTO signatures (case_id, decision_id, signer_id, signer_name, meaning, signed_at_ms, content_json, content_sha256, supersedes_id)
         VALUES (@caseId, @decisionId, @signerId, @signerName, @meaning, @signedAtMs, @contentJson, @contentSha256, @supersedesId)`,
      )
      .run(signature);
    const row = getSignatureById(db, Number(info.lastInsertRowid))!;
    const { contentJson: _content, ...summary } = row;
    appendAudit(db, {
      actor,
      action: row.supersedesId === null ? 'sign' : 'amend',
      entity: 'signature',
      entityId: row.id,
      caseId: row.caseId,
      newValue: summary,
      atMs: row.signedAtMs,
    });
    return row;
  });
}
