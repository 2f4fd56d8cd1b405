import type { Channel, ParsedRequestOf, ResponseOf } from '../contract';

/** Who is calling: one id per window (Electron) or per page load (test host). */
export interface CallContext {
  sessionId: string;
}

/** A channel's handler: receives the request after schema validation. Throw DomainError to fail. */
export type Handler<C extends Channel> = (request: ParsedRequestOf<C>, ctx: CallContext) => Promise<ResponseOf<C>> | ResponseOf<C>;

/** The handlers for a subset of channels; each domain module exports one such map. */
export type HandlersFor<C extends Channel> = { [K in C]: Handler<K> };
