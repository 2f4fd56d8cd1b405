import type { Migration } from './migration';
import { appendAudit } from '../audit.repo';
import { getUserWithHashById, userAuditState } from '../user.repo';

/**
 * Audit baseline: from this version on, every account's audit entries carry the sha256 of its
 * password hash, so `ana audit verify` can tell a hash swapped behind the application's back.
 * Accounts created before have no such entry; this records each one's current state once
 * (action `baseline`), so they are covered from the upgrade on.
 */
export const migration004: Migration = {
  name: 'audit-baseline',
  up(db) {
    const ids = db.prepare('SELECT id FROM users ORDER BY id').all() as { id: number }[];
    for (const { id } of ids) {
      appendAudit(db, {
        actor: { userId: null, name: 'system:upgrade' },
        action: 'baseline',
        entity: 'user',
        entityId: id,
        newValue: userAuditState(getUserWithHashById(db, id)!),
      });
    }
  },
};
