import type { Result } from './result';
import type { Channel, RequestOf, ResponseOf } from './channels';
import type { EventName, EventPayload } from './events';

/**
 * The object the renderer sees as `window.ana`: built by the Electron preload from IPC, or by the
 * test host's bridge script from fetch + server-sent events. The renderer talks to nothing else.
 */
export interface AnaApi {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
