/**
 * The browser-side half of the loopback test host: defines `window.ana` (the contract API object)
 * over fetch and server-sent events, exactly as the Electron preload does over IPC. Served as a
 * plain script so it runs before the renderer's module code. It carries the host's per-start token
 * on every call (header for fetch, query for the event stream, which cannot send headers); the
 * renderer's own requests (scripts, slide images) carry it in the cookie set with the page.
 */
export function bridgeScript(token: string): string {
  return `(() => {
  const token = ${JSON.stringify(token)};
  const key = 'ana-session-id';
  let sessionId = sessionStorage.getItem(key);
  if (!sessionId) { sessionId = crypto.randomUUID(); sessionStorage.setItem(key, sessionId); }
  const listeners = new Map();
  const source = new EventSource('events?token=' + encodeURIComponent(token));
  source.onmessage = (message) => {
    const { event, payload } = JSON.parse(message.data);
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  window.ana = Object.freeze({
    async invoke(channel, request) {
      const response = await fetch('api/' + channel, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ana-session': sessionId, 'x-ana-token': token },
        body: JSON.stringify(request ?? {}),
      });
      return response.json();
    },
    on(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(listener);
      return () => listeners.get(event).delete(listener);
    },
  });
})();`;
}
