/**
 * Events between core domains (the renderer's push events are the contract's, electron/contract/
 * events.ts): one typed map. A domain says what happened; the domains that act on it subscribe in
 * the composition root (app.ts), so neither imports the other. Subscribers are awaited in order,
 * so when the emitting handler returns their work is done (a signature's reports exist when
 * 'review/sign' answers); a subscriber reports its own failures and never fails the emitter.
 */
import type { Actor } from './db/audit.repo';

export interface DomainEvents {
  /** A signature (sign-off or amendment) is committed to the record. */
  'signature/recorded': { signatureId: number; actor: Actor };
}

type Subscriber<E extends keyof DomainEvents> = (payload: DomainEvents[E]) => Promise<void> | void;

export class DomainEventBus {
  private readonly subscribers = new Map<keyof DomainEvents, Subscriber<keyof DomainEvents>[]>();

  on<E extends keyof DomainEvents>(event: E, subscriber: Subscriber<E>): void {
    this.subscribers.set(event, [...(this.subscribers.get(event) ?? []), subscriber as Subscriber<keyof DomainEvents>]);
  }

  async emit<E extends keyof DomainEvents>(event: E, payload: DomainEvents[E]): Promise<void> {
    for (const subscriber of this.subscribers.get(event) ?? []) await subscriber(payload);
  }
}
