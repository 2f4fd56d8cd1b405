/** Review decisions, electronic sign-off, amendments and the audit trail. */
import { z } from 'zod';
import { freeText, lineText, Password } from './text';

export const Intensity = z.enum(['borderline', 'weak', 'moderate', 'strong']);
export type Intensity = z.infer<typeof Intensity>;

/** One final pattern with its own ICAP code and intensity or titer (mixed patterns each get theirs). */
export const DecisionLabel = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a label key such as "homogeneous"'),
    icapCode: z.string().regex(/^AC-(\d|[1-2]\d)$/, 'must be an ICAP code AC-1 … AC-29').optional(),
    intensity: Intensity.optional(),
    titer: z.string().regex(/^1:[1-9]\d{0,6}$/, 'must be a titer such as "1:160"').optional(),
  })
  .strict();
export type DecisionLabel = z.infer<typeof DecisionLabel>;

const DecisionLabels = z
  .array(DecisionLabel)
  .max(64)
  .refine((labels) => new Set(labels.map((l) => l.key)).size === labels.length, 'each label may appear only once');

/** Per label: the reviewer kept the suggestion (confirmed), added a label, or rejected a suggested one. */
export const LabelAgreement = z.enum(['confirmed', 'added', 'rejected']);
export type LabelAgreement = z.infer<typeof LabelAgreement>;

export const SignatureMeaning = z.enum(['reviewed', 'approved', 'amended']);
export type SignatureMeaning = z.infer<typeof SignatureMeaning>;

export const DecisionSummary = z.object({
  id: z.number().int(),
  caseId: z.number().int(),
  version: z.number().int(),
  supersedesId: z.number().int().nullable(),
  state: z.enum(['draft', 'signed']),
  labels: z.array(DecisionLabel),
  comment: z.string(),
  agreement: z.record(z.string(), LabelAgreement),
  suggestion: z.object({
    readingIds: z.array(z.number().int()),
    probabilities: z.record(z.string(), z.number()),
    predicted: z.array(z.string()),
  }),
  amendmentReason: z.string().nullable(),
  reviewer: z.object({ id: z.number().int(), username: z.string(), displayName: z.string() }),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
});
export type DecisionSummary = z.infer<typeof DecisionSummary>;

export const SignatureSummary = z.object({
  id: z.number().int(),
  caseId: z.number().int(),
  decisionId: z.number().int(),
  signerId: z.number().int(),
  /** The signer's printed name as it was at signing time. */
  signerName: z.string(),
  meaning: SignatureMeaning,
  signedAtMs: z.number(),
  contentSha256: z.string(),
  supersedesId: z.number().int().nullable(),
  /** The signed content still matches its hash and the record it was computed from. */
  valid: z.boolean(),
  problem: z.string().nullable(),
});
export type SignatureSummary = z.infer<typeof SignatureSummary>;

export const AuditEntrySummary = z.object({
  id: z.number().int(),
  atMs: z.number(),
  userId: z.number().int().nullable(),
  actor: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  caseId: z.number().int().nullable(),
  oldValue: z.unknown(),
  newValue: z.unknown(),
  hash: z.string(),
});
export type AuditEntrySummary = z.infer<typeof AuditEntrySummary>;

const CaseId = z.number().int().positive();

/**
 * A negative result (no label) on a case whose every field was judged not readable is refused
 * unless the signer sets this: the confirmation is then recorded in the signed content and audit.
 */
const ConfirmNotReadable = z.boolean().default(false);

export const reviewChannels = {
  /** Creates or replaces the case's draft decision (technologist or physician). */
  'review/save-draft': {
    request: z.object({ caseId: CaseId, labels: DecisionLabels, comment: freeText(4000).default('') }).strict(),
    response: DecisionSummary,
  },
  /** Signs the draft decision (physician; the password is re-entered). */
  'review/sign': {
    request: z.object({ caseId: CaseId, password: Password, meaning: z.enum(['reviewed', 'approved']).default('approved'), confirmNotReadable: ConfirmNotReadable }).strict(),
    response: SignatureSummary,
  },
  /** A new decision version and signature superseding the latest signed ones (physician, password). */
  'review/amend': {
    request: z
      .object({ caseId: CaseId, labels: DecisionLabels, comment: freeText(4000).default(''), reason: lineText(1000), password: Password, confirmNotReadable: ConfirmNotReadable })
      .strict(),
    response: z.object({ decision: DecisionSummary, signature: SignatureSummary }),
  },
  /** Review settings: the uncertainty margin under which a case is flagged uncertain. */
  'review/settings': {
    request: z.object({}).strict(),
    response: z.object({ uncertainMargin: z.number() }),
  },
  'review/update-settings': {
    request: z.object({ uncertainMargin: z.number().min(0).max(0.5) }).strict(),
    response: z.object({ uncertainMargin: z.number() }),
  },
  /** The whole audit log, oldest first, in pages (admin). */
  'audit/list': {
    request: z.object({ afterId: z.number().int().nonnegative().default(0), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    response: z.array(AuditEntrySummary),
  },
  /** Re-checks the audit chain and every signature (admin); the same check as `ana audit verify`. */
  'audit/verify': {
    request: z.object({}).strict(),
    response: z.object({ ok: z.boolean(), auditEntries: z.number().int(), headHash: z.string(), signaturesChecked: z.number().int(), problems: z.array(z.string()) }),
  },
} as const;
