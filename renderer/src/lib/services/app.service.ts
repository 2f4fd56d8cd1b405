/** The application as a whole: its version and model, and the push events from main (one typed map). */
import type { AppInfo, EventName, EventPayload } from '../../../../electron/contract';
import { api, call } from './api';

export function appInfo(): Promise<AppInfo> {
  return call('app/info', {});
}

/** Listens to one push event; returns the function that stops listening. */
export function onAppEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return api().on(event, listener);
}
