import type { UserRole } from '../../contract';
import { sha256Hex } from './canonical-json';

export interface UserAuditState {
  username: string;
  displayName: string;
  role: UserRole;
  active: boolean;
  passwordSha256: string;
}

/**
 * What the audit log records of an account, so `ana audit verify` can compare it with the row:
 * the sha256 of the password hash stands for the hash (a swapped hash shows up, the hash itself
 * stays out of the log). No connection import: migration 004 uses it.
 */
export function userAuditState(user: { username: string; displayName: string; role: UserRole; active: boolean; passwordHash: string }): UserAuditState {
  return { username: user.username, displayName: user.displayName, role: user.role, active: user.active, passwordSha256: sha256Hex(user.passwordHash) };
}
