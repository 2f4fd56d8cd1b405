/** Account actions: a user's own password, and user administration (admin). */
import type { RequestOf, UserSummary } from '../../../../electron/contract';
import { call } from './api';

export function changePassword(currentPassword: string, newPassword: string): Promise<unknown> {
  return call('auth/change-password', { currentPassword, newPassword });
}

export function listUsers(): Promise<UserSummary[]> {
  return call('users/list', {});
}

export function createUser(draft: RequestOf<'users/create'>): Promise<unknown> {
  return call('users/create', draft);
}

export function updateUser(change: RequestOf<'users/update'>): Promise<unknown> {
  return call('users/update', change);
}

export function resetUserPassword(userId: number, newPassword: string): Promise<unknown> {
  return call('users/reset-password', { userId, newPassword });
}
