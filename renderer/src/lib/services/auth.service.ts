/** The window's session: who is logged in, logging in and out, and creating the first administrator. */
import type { ResponseOf, SessionUser } from '../../../../electron/contract';
import { call } from './api';

export function sessionStatus(): Promise<ResponseOf<'auth/status'>> {
  return call('auth/status', {});
}

export function login(username: string, password: string): Promise<SessionUser> {
  return call('auth/login', { username, password });
}

export function createFirstAdmin(username: string, displayName: string, password: string): Promise<SessionUser> {
  return call('auth/create-first-admin', { username, displayName, password });
}

export function logout(): Promise<unknown> {
  return call('auth/logout', {});
}
