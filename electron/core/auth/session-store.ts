/**
 * Who is logged in, per CallContext.sessionId (one per window or test-host page). Kept in core, in
 * memory: a restart logs everyone out. Every check re-reads the user from the database, so a
 * deactivation or role change takes effect on the very next call; sessions idle longer than
 * `idleTimeoutMs` expire.
 */
import type { SessionUser, UserRole } from '../../contract';
import type { ReadableDb } from '../db/connection';
import type { Actor } from '../db/audit.repo';
import { getUserById } from '../db/user.repo';
import { DomainError } from '../errors';
import type { CallContext } from '../handler';

export const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60 * 1000;

interface Session {
  userId: number;
  lastSeenMs: number;
}

export class SessionStore {
  readonly #sessions = new Map<string, Session>();

  constructor(
    private readonly db: ReadableDb,
    private readonly options: { idleTimeoutMs?: number; nowMs?: () => number } = {},
  ) {}

  #now(): number {
    return (this.options.nowMs ?? Date.now)();
  }

  login(ctx: CallContext, userId: number): void {
    this.#sessions.set(ctx.sessionId, { userId, lastSeenMs: this.#now() });
  }

  /** Returns whether a session was open. */
  logout(ctx: CallContext): boolean {
    return this.#sessions.delete(ctx.sessionId);
  }

  /** The logged-in, active user of this session, or null. Refreshes the idle timer. */
  current(ctx: CallContext): SessionUser | null {
    const session = this.#sessions.get(ctx.sessionId);
    if (!session) return null;
    const now = this.#now();
    if (now - session.lastSeenMs > (this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS)) {
      this.#sessions.delete(ctx.sessionId);
      return null;
    }
    const user = getUserById(this.db, session.userId);
    if (!user || !user.active) {
      this.#sessions.delete(ctx.sessionId);
      return null;
    }
    session.lastSeenMs = now;
    return { id: user.id, username: user.username, displayName: user.displayName, role: user.role };
  }

  /**
   * The caller, who must be logged in and hold one of `roles` (any role when omitted). Throws
   * `unauthenticated` or `forbidden` naming what was attempted.
   */
  require(ctx: CallContext, what: string, roles?: readonly UserRole[]): SessionUser {
    const user = this.current(ctx);
    if (!user) throw new DomainError('unauthenticated', `Log in to ${what}`);
    if (roles && !roles.includes(user.role)) {
      throw new DomainError('forbidden', `${user.username} (${user.role}) may not ${what}; this needs the role ${roles.join(' or ')}`);
    }
    return user;
  }

  /** Ends every session of a user (deactivation, password reset). */
  endSessionsOf(userId: number): void {
    for (const [id, session] of this.#sessions) if (session.userId === userId) this.#sessions.delete(id);
  }
}

export function actorOf(user: SessionUser): Actor {
  return { userId: user.id, name: user.username };
}
