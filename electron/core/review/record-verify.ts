/**
 * The full tamper check behind `ana audit verify` and the `audit/verify` channel, in both
 * directions:
 *  - the audit hash chain, and the chain against its anchors outside the database (a cut-off or
 *    rewritten tail);
 *  - the record's protective triggers against this build's definitions;
 *  - every signature against its content hash and the record as it is now;
 *  - every stored report's bytes against their sha256;
 *  - every audited object (user, case, decision, signature, report, export-log row) has its
 *    creation entry, and every object the log records still exists with the values the log last
 *    recorded for it (a role, a password hash, a status, a report's sha256, ...).
 * Each verification appends the head it saw to the anchor file.
 */
import type { ReadableDb } from '../db/connection';
import { protectionProblems } from '../db/connection';
import { verifyAuditChain } from '../db/audit.repo';
import { anchorPathOf, anchorProblems, appendAnchor, auditHead, readAnchors } from '../db/audit-anchor';
import { canonicalJson, sha256Hex } from '../db/canonical-json';
import { listAllSignatures } from '../db/signature.repo';
import { userAuditState } from '../db/user-audit-state';
import type { UserWithHash } from '../db/user.repo';
import { signatureProblem } from './signed-content';

export interface RecordVerification {
  ok: boolean;
  auditEntries: number;
  /** Hash of the newest audit entry: noted outside the PC (e.g. in the daily log), it pins the whole chain. */
  headHash: string;
  signaturesChecked: number;
  /** The anchor file checked and appended to; null for an in-memory database. */
  anchorPath: string | null;
  /** Anchor lines the log was checked against. */
  anchorsChecked: number;
  /** Why this verification's head could not be appended to the anchor file (e.g. a read-only copy), if so. */
  anchorNotWritten?: string;
  problems: string[];
}

type State = Record<string, unknown>;

/** An audited kind of object: its table as the audit log records it. */
interface AuditedKind {
  entity: string;
  /** Audit actions that bring an object of this kind into being. */
  creates: readonly string[];
  /** The values the audit log records and verification compares. */
  fields: readonly string[];
  /** Every row, by id, in the audit log's terms. */
  rows(db: ReadableDb): Map<string, State>;
}

function rowsBy(db: ReadableDb, sql: string, map: (row: State) => State = (row) => row): Map<string, State> {
  return new Map((db.prepare(sql).all() as State[]).map((row) => [String(row.id), map(row)]));
}

const KINDS: readonly AuditedKind[] = [
  {
    entity: 'user',
    creates: ['create', 'baseline'],
    fields: ['username', 'displayName', 'role', 'active', 'passwordSha256'],
    rows: (db) =>
      rowsBy(db, 'SELECT id, username, display_name AS displayName, role, active, password_hash AS passwordHash FROM users', (row) =>
        ({ ...userAuditState({ ...(row as unknown as UserWithHash), active: row.active === 1 }) }),
      ),
  },
  {
    entity: 'case',
    creates: ['create'],
    fields: ['accessionId', 'status', 'receivedAtMs', 'patientId', 'patientName', 'patientBirthDate', 'runId'],
    rows: (db) =>
      rowsBy(
        db,
        `SELECT id, accession_id AS accessionId, status, received_at_ms AS receivedAtMs, patient_id AS patientId, patient_name AS patientName,
           patient_birth_date AS patientBirthDate, run_id AS runId FROM cases`,
      ),
  },
  {
    entity: 'decision',
    creates: ['create'],
    fields: ['version', 'supersedesId', 'state', 'labels', 'comment', 'agreement', 'suggestion', 'amendmentReason', 'reviewerId'],
    rows: (db) =>
      rowsBy(
        db,
        `SELECT id, version, supersedes_id AS supersedesId, state, labels_json AS labels, comment, agreement_json AS agreement,
           suggestion_json AS suggestion, amendment_reason AS amendmentReason, reviewer_id AS reviewerId FROM decisions`,
        (row) => ({ ...row, labels: JSON.parse(String(row.labels)), agreement: JSON.parse(String(row.agreement)), suggestion: JSON.parse(String(row.suggestion)) }),
      ),
  },
  {
    entity: 'signature',
    creates: ['sign', 'amend'],
    fields: ['caseId', 'decisionId', 'signerId', 'signerName', 'meaning', 'signedAtMs', 'contentSha256', 'supersedesId'],
    rows: (db) =>
      rowsBy(
        db,
        `SELECT id, case_id AS caseId, decision_id AS decisionId, signer_id AS signerId, signer_name AS signerName, meaning,
           signed_at_ms AS signedAtMs, content_sha256 AS contentSha256, supersedes_id AS supersedesId FROM signatures`,
      ),
  },
  {
    entity: 'report',
    creates: ['create'],
    fields: ['caseId', 'signatureId', 'format', 'fileName', 'sha256', 'sizeBytes', 'createdBy', 'createdAtMs', 'supersededById'],
    rows: (db) =>
      rowsBy(
        db,
        `SELECT id, case_id AS caseId, signature_id AS signatureId, format, file_name AS fileName, sha256, length(bytes) AS sizeBytes,
           created_by AS createdBy, created_at_ms AS createdAtMs, superseded_by_id AS supersededById FROM reports`,
      ),
  },
  {
    entity: 'report-export',
    creates: ['export'],
    fields: ['reportId', 'format', 'destination', 'sha256', 'sizeBytes', 'caseIds', 'deidentified', 'status', 'error', 'exportedBy', 'exportedAtMs'],
    rows: (db) =>
      rowsBy(
        db,
        `SELECT id, report_id AS reportId, format, destination, sha256, size_bytes AS sizeBytes, case_ids_json AS caseIds, deidentified,
           status, error, exported_by AS exportedBy, exported_at_ms AS exportedAtMs FROM report_exports`,
        (row) => ({ ...row, caseIds: JSON.parse(String(row.caseIds)), deidentified: row.deidentified === 1 }),
      ),
  },
];

/** Problems listed per kind of check before the rest is summarised (a wholesale edit is one finding, not thousands). */
const MAX_PER_CHECK = 20;

interface Recorded {
  /** The first entry that records the object (its creation, if the log is whole). */
  firstRow: number;
  firstAction: string;
  created: boolean;
  deleted: boolean;
  /** Per field: the value the log last recorded, and in which row. */
  values: Map<string, { value: unknown; row: number }>;
}

/** Replays the log's entries of one kind: what it says each object is now. */
function replay(db: ReadableDb, kind: AuditedKind): Map<string, Recorded> {
  const recorded = new Map<string, Recorded>();
  const entries = db.prepare('SELECT id, action, entity_id AS entityId, new_json AS newJson FROM audit_log WHERE entity = ? ORDER BY id').iterate(kind.entity) as Iterable<{
    id: number;
    action: string;
    entityId: string | null;
    newJson: string | null;
  }>;
  for (const entry of entries) {
    if (entry.entityId === null) continue;
    let object = recorded.get(entry.entityId);
    if (!object) recorded.set(entry.entityId, (object = { firstRow: entry.id, firstAction: entry.action, created: false, deleted: false, values: new Map() }));
    object.created ||= kind.creates.includes(entry.action);
    object.deleted = entry.action === 'delete';
    let value: unknown;
    try {
      value = entry.newJson === null ? null : JSON.parse(entry.newJson);
    } catch {
      value = null; // an unparsable entry fails its hash anyway
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    for (const field of kind.fields) if (field in value) object.values.set(field, { value: (value as State)[field], row: entry.id });
  }
  return recorded;
}

function show(value: unknown): string {
  const text = canonicalJson(value ?? null);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Both directions for one kind: rows without a creation entry, and recorded objects missing or different. */
function objectProblems(db: ReadableDb, kind: AuditedKind): string[] {
  const rows = kind.rows(db);
  const recorded = replay(db, kind);
  const problems: string[] = [];
  for (const id of rows.keys()) {
    if (!recorded.get(id)?.created) problems.push(`${kind.entity} ${id} has no creation entry in the audit log (entries were removed)`);
  }
  for (const [id, object] of recorded) {
    const row = rows.get(id);
    if (!row) {
      if (!object.deleted) problems.push(`${kind.entity} ${id}: audit row ${object.firstRow} (${object.firstAction}) records it, but it is missing from the record (deleted)`);
      continue;
    }
    for (const [field, { value, row: auditRow }] of object.values) {
      if (canonicalJson(row[field] ?? null) === canonicalJson(value ?? null)) continue;
      problems.push(
        field === 'passwordSha256'
          ? `${kind.entity} ${id}: the password hash is not the one recorded by audit row ${auditRow} (replaced without an audit entry)`
          : `${kind.entity} ${id}: ${field} is ${show(row[field])} in the record, but ${show(value)} per audit row ${auditRow} (changed without an audit entry)`,
      );
    }
  }
  return capped(problems);
}

function capped(problems: string[]): string[] {
  return problems.length <= MAX_PER_CHECK ? problems : [...problems.slice(0, MAX_PER_CHECK), `... and ${problems.length - MAX_PER_CHECK} more like these`];
}

/** Stored report bytes re-hashed against their sha256 column. */
function reportBytesProblems(db: ReadableDb): string[] {
  const problems: string[] = [];
  const reports = db.prepare('SELECT id, file_name AS fileName, bytes, sha256 FROM reports ORDER BY id').iterate() as Iterable<{ id: number; fileName: string; bytes: Uint8Array; sha256: string }>;
  for (const report of reports) {
    if (sha256Hex(report.bytes) !== report.sha256) problems.push(`report ${report.id} (${report.fileName}): the stored bytes do not match their sha256 (altered)`);
  }
  return capped(problems);
}

export interface VerifyOptions {
  /** The anchor file to check and append to; default: beside the database file; null: none. */
  anchorPath?: string | null;
  /** Copies of anchor files kept elsewhere, checked too but never written. */
  alsoCheck?: readonly string[];
  nowMs?: number;
}

export function verifyRecord(db: ReadableDb & { readonly name?: string }, options: VerifyOptions = {}): RecordVerification {
  const chain = verifyAuditChain(db);
  const problems = [...protectionProblems(db), ...capped(chain.problems.map((p) => p.message))];
  const anchorPath = options.anchorPath !== undefined ? options.anchorPath : anchorPathOf(db.name ?? '');
  const anchors = [anchorPath, ...(options.alsoCheck ?? [])].filter((p): p is string => !!p).map(readAnchors);
  const allAnchors = anchors.flatMap((a) => a.anchors);
  problems.push(...anchors.flatMap((a) => a.problems), ...anchorProblems(db, allAnchors));
  let signaturesChecked = 0;
  const signatureProblems: string[] = [];
  for (const sig of listAllSignatures(db)) {
    signaturesChecked++;
    const problem = signatureProblem(db, sig);
    if (problem) signatureProblems.push(problem);
  }
  problems.push(...capped(signatureProblems), ...reportBytesProblems(db));
  for (const kind of KINDS) problems.push(...objectProblems(db, kind));
  const head = auditHead(db);
  const ok = problems.length === 0;
  let anchorNotWritten: string | undefined;
  try {
    // Verifying a copy on a read-only medium must still work: the check above does not depend on this.
    if (anchorPath) appendAnchor(anchorPath, { atMs: options.nowMs ?? Date.now(), event: 'verify', ...head, verified: ok });
  } catch (error) {
    anchorNotWritten = (error as Error).message;
  }
  return { ok, auditEntries: chain.entries, headHash: chain.headHash, signaturesChecked, anchorPath, anchorsChecked: allAnchors.length, anchorNotWritten, problems };
}
