/** Handlers for drafts, sign-off, amendment and the audit trail. */
import type { WritableDb } from '../db/connection';
import { listAudit } from '../db/audit.repo';
import { actorOf, type SessionStore } from '../auth/session-store';
import { endSessionsIfLocked } from '../auth/auth.service';
import { setSetting } from '../db/settings.repo';
import { UNCERTAIN_MARGIN_SETTING, uncertainMarginOf } from './suggestion';
import type { HandlersFor } from '../handler';
import type { DomainEventBus } from '../domain-events';
import { amendCase, REVIEWER_ROLES, saveDraft, signCase, SIGNER_ROLES } from './review.service';
import { verifyRecord } from './record-verify';
import { toAuditSummary, toDecisionSummary, toSignatureSummary } from './summaries';

/** `events` hears of every committed signature ('signature/recorded'); the reports domain subscribes to it. */
export function reviewHandlers(db: WritableDb, sessions: SessionStore, events: DomainEventBus): HandlersFor<'review/save-draft' | 'review/sign' | 'review/amend' | 'review/settings' | 'review/update-settings' | 'audit/list' | 'audit/verify'> {
  const settings = () => ({ uncertainMargin: uncertainMarginOf(db) });
  return {
    'review/settings': (_request, ctx) => {
      sessions.require(ctx, 'see the review settings');
      return settings();
    },
    'review/update-settings': (request, ctx) => {
      const admin = sessions.require(ctx, 'change the review settings', ['admin']);
      setSetting(db, UNCERTAIN_MARGIN_SETTING, request.uncertainMargin, actorOf(admin));
      return settings();
    },
    'review/save-draft': (request, ctx) => {
      const user = sessions.require(ctx, 'save a decision', REVIEWER_ROLES);
      return toDecisionSummary(db, saveDraft(db, user, request));
    },
    'review/sign': async (request, ctx) => {
      const user = sessions.require(ctx, 'sign', SIGNER_ROLES);
      const signature = await endSessionsIfLocked(db, sessions, user, () => signCase(db, user, request));
      await events.emit('signature/recorded', { signatureId: signature.id, actor: actorOf(user) });
      return toSignatureSummary(db, signature);
    },
    'review/amend': async (request, ctx) => {
      const user = sessions.require(ctx, 'amend a signed case', SIGNER_ROLES);
      const { decision, signature } = await endSessionsIfLocked(db, sessions, user, () => amendCase(db, user, request));
      await events.emit('signature/recorded', { signatureId: signature.id, actor: actorOf(user) });
      return { decision: toDecisionSummary(db, decision), signature: toSignatureSummary(db, signature) };
    },
    'audit/list': (request, ctx) => {
      sessions.require(ctx, 'read the audit log', ['admin']);
      return listAudit(db, { afterId: request.afterId, limit: request.limit }).map(toAuditSummary);
    },
    'audit/verify': (_request, ctx) => {
      sessions.require(ctx, 'verify the audit log', ['admin']);
      return verifyRecord(db);
    },
  };
}
