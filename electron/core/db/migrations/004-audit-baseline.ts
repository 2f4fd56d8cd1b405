import type { Migration } from './migration';
import type { UserRole } from '../../../contract';
import { insertAuditEntry } from '../audit-chain';
import { userAuditState } from '../user-audit-state';

/**
 * Audit baseline: from this version on, every account's audit entries carry the sha256 of its
 * password hash, so `ana audit verify` can tell a hash swapped behind the application's back.
 * Accounts created before have no such entry; this records each one's current state once
 * (action `baseline`), so they are covered from the upgrade on.
 */
export const migration004: Migration = {
  name: 'audit-baseline',
  up(db) {
    const users = db.prepare('SELECT id, username, display_name AS displayName, role, active, password_hash AS passwordHash FROM users ORDER BY id').all() as {
      id: number;
      username: string;
      displayName: string;
      role: UserRole;
      active: number;
      passwordHash: string;
    }[];
    for (const user of users) {
      insertAuditEntry(db, {
        actor: { userId: null, name: 'system:upgrade' },
        action: 'baseline',
        entity: 'user',
        entityId: user.id,
        newValue: userAuditState({ ...user, active: user.active === 1 }),
      });
    }
  },
};
