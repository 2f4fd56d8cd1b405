/**
 * One generic IPC channel for the whole contract: `ana:invoke(channel, request)`. The sending
 * frame must be the main frame of our app:// page; the core validates the channel name and the
 * request against the contract's schema before any handler runs, and answers with a result
 * envelope (errors are data, never thrown across the boundary). One session per web contents.
 */
import { ipcMain } from 'electron';
import type { App } from '../core/app';
import { isTrustedSender } from './security';

export const INVOKE_CHANNEL = 'ana:invoke';
export const EVENT_CHANNEL = 'ana:event';

export function registerIpc(core: App, log: (message: string) => void): void {
  ipcMain.handle(INVOKE_CHANNEL, async (event, channel: unknown, request: unknown) => {
    const frame = event.senderFrame;
    const trusted = isTrustedSender(frame ? { url: frame.url, isMainFrame: frame.parent === null } : null);
    if (!trusted) {
      log(`IPC refused: '${String(channel)}' from untrusted frame ${frame?.url ?? '(gone)'}`);
      return { ok: false, code: 'forbidden', message: `IPC from untrusted frame ${frame?.url ?? '(gone)'}` };
    }
    if (typeof channel !== 'string') return { ok: false, code: 'bad-request', message: 'Channel must be a string' };
    return core.handle(channel, request, { sessionId: `window-${event.sender.id}` });
  });
}
