/**
 * The loopback test host: serves the built renderer and the real core's channel handlers over
 * HTTP on 127.0.0.1, so end-to-end tests drive the real app in Chromium without Electron.
 * Electron's IPC and this host are both thin transports over `App.handle()`.
 *
 * For development and demos, not clinical data (docs/test-host.md). Still, any web page the same
 * machine's browser opens can reach 127.0.0.1, so every request must pass three checks:
 * - `Host` is 127.0.0.1:PORT or localhost:PORT (a DNS-rebinding page sends its own name);
 * - `Origin`, when sent, is this host's own origin (a cross-site form or fetch is refused);
 * - the per-start random token, as `x-ana-token` header, `token` query parameter or the cookie
 *   that the page at `host.url` sets (SameSite=Strict, HttpOnly, named per port); images and
 *   the event stream included. `host.url` already carries the token: callers just open it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { slideImageOfPath } from '../../electron/contract';
import type { App } from '../../electron/core/app';
import { bridgeScript } from './bridge';

export interface TestHost {
  /** The page to open, token included: `http://127.0.0.1:PORT/?token=…`. */
  url: string;
  /** This start's token (for clients other than a browser: send it as the `x-ana-token` header). */
  token: string;
  close(): Promise<void>;
}

export interface TestHostOptions {
  app: App;
  rendererDir: string;
  port?: number;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function startTestHost(options: TestHostOptions): Promise<TestHost> {
  const rendererDir = resolve(options.rendererDir);
  const token = randomBytes(32).toString('base64url');
  let port = 0;
  const eventStreams = new Set<ServerResponse>();
  const unsubscribe = options.app.onEvent((event, payload) => {
    const data = `data: ${JSON.stringify({ event, payload })}\n\n`;
    for (const stream of eventStreams) stream.write(data);
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusal = refuseRequest(req, port, token);
    if (refusal) return send(res, refusal.status, 'text/plain', refusal.message);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    if (req.method === 'POST' && path.startsWith('/api/')) {
      // JSON only: a cross-site form or text/plain POST needs no CORS preflight; application/json does.
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return send(res, 415, 'text/plain', 'API requests must be application/json');
      const body = await readBody(req);
      let request: unknown;
      try {
        request = body.length ? JSON.parse(body) : {};
      } catch {
        return send(res, 200, 'application/json', JSON.stringify({ ok: false, code: 'bad-request', message: 'Request body is not valid JSON' }));
      }
      const sessionId = String(req.headers['x-ana-session'] ?? 'anonymous');
      const result = await options.app.handle(path.slice('/api/'.length), request, { sessionId });
      return send(res, 200, 'application/json', JSON.stringify(result));
    }
    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'Method not allowed');
    if (path === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': connected\n\n');
      eventStreams.add(res);
      req.on('close', () => eventStreams.delete(res));
      return;
    }
    if (path === '/__host/bridge.js') return send(res, 200, CONTENT_TYPES['.js']!, bridgeScript(token));
    if (path === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
    const slideImage = slideImageOfPath(path);
    if (slideImage !== null) {
      try {
        const image = await options.app.slideImage(slideImage.slideId, slideImage.channel);
        return send(res, 200, image.contentType, image.bytes);
      } catch (error) {
        return send(res, 404, 'text/plain', (error as Error).message);
      }
    }
    const file = path === '/' ? '/index.html' : path;
    const abs = normalize(join(rendererDir, file));
    if (!abs.startsWith(rendererDir + sep)) return send(res, 403, 'text/plain', 'Forbidden');
    try {
      let bytes: Buffer | string = await readFile(abs);
      if (file === '/index.html') {
        // Load the bridge before the renderer's module script, as Electron's preload would.
        bytes = bytes.toString('utf8').replace('<head>', '<head>\n    <script src="__host/bridge.js"></script>');
        // The page's own requests (scripts, styles, slide images) then carry the token as a cookie.
        res.setHeader('set-cookie', `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`);
      }
      return send(res, 200, CONTENT_TYPES[extname(abs)] ?? 'application/octet-stream', bytes);
    } catch {
      return send(res, 404, 'text/plain', `Not found: ${path}`);
    }
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error) => send(res, 500, 'text/plain', `Internal error: ${String((error as Error).message ?? error).split('\n')[0]}`));
  });
  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    async close() {
      unsubscribe();
      for (const stream of eventStreams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** Cookies are shared by every port of a host name, so each host's cookie carries its port. */
function cookieName(port: number): string {
  return `ana-host-token-${port}`;
}

/** Why a request is refused (status and one line), or null when it may proceed. */
export function refuseRequest(req: IncomingMessage, port: number, token: string): { status: number; message: string } | null {
  const host = (req.headers.host ?? '').toLowerCase();
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return { status: 421, message: `Host '${req.headers.host ?? ''}' is not this test host (127.0.0.1:${port} or localhost:${port})` };
  const origin = req.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) return { status: 403, message: `Origin '${origin}' may not use this test host` };
  if (req.headers['sec-fetch-site'] === 'cross-site') return { status: 403, message: 'Cross-site requests may not use this test host' };
  if (!presentsToken(req, port, token)) return { status: 401, message: 'Missing or wrong test-host token: open the URL the host printed (it carries ?token=…)' };
  return null;
}

function presentsToken(req: IncomingMessage, port: number, token: string): boolean {
  const header = req.headers['x-ana-token'];
  const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('token');
  const cookie = (req.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim().split('='))
    .find(([name]) => name === cookieName(port))?.[1];
  return [typeof header === 'string' ? header : undefined, query ?? undefined, cookie].some((candidate) => candidate !== undefined && sameSecret(candidate, token));
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Uint8Array): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
