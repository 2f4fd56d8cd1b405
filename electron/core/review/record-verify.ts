/**
 * The full tamper check behind `ana audit verify` and the `audit/verify` channel: the audit hash
 * chain, every signature against its content hash and the record as it is now, and that every
 * user, decision and signature has its audit entry (which catches a cut-off tail of the log).
 */
import type { ReadableDb } from '../db/connection';
import { verifyAuditChain } from '../db/audit.repo';
import { listAllSignatures } from '../db/signature.repo';
import { signatureProblem } from './signed-content';

export interface RecordVerification {
  ok: boolean;
  auditEntries: number;
  /** Hash of the newest audit entry: noted outside the PC (e.g. in the daily log), it pins the whole chain. */
  headHash: string;
  signaturesChecked: number;
  problems: string[];
}

const AUDITED_TABLES = [
  { table: 'users', entity: 'user' },
  { table: 'decisions', entity: 'decision' },
  { table: 'signatures', entity: 'signature' },
] as const;

export function verifyRecord(db: ReadableDb): RecordVerification {
  const chain = verifyAuditChain(db);
  const problems = chain.problems.map((p) => p.message);
  let signaturesChecked = 0;
  for (const sig of listAllSignatures(db)) {
    signaturesChecked++;
    const problem = signatureProblem(db, sig);
    if (problem) problems.push(problem);
  }
  for (const { table, entity } of AUDITED_TABLES) {
    const missing = db
      .prepare(
        `SELECT id FROM ${table} t WHERE NOT EXISTS (
           SELECT 1 FROM audit_log a WHERE a.entity = ? AND a.entity_id = CAST(t.id AS TEXT) AND a.action IN ('create','sign','amend'))
         ORDER BY id LIMIT 20`,
      )
      .all(entity) as { id: number }[];
    for (const { id } of missing) problems.push(`${entity} ${id} has no creation entry in the audit log (entries were removed)`);
  }
  return { ok: problems.length === 0, auditEntries: chain.entries, headHash: chain.headHash, signaturesChecked, problems };
}
