/**
 * The loopback test host: serves the built renderer and the real core's channel handlers over
 * HTTP on 127.0.0.1, so end-to-end tests drive the real app in Chromium without Electron.
 * Electron's IPC and this host are both thin transports over `App.handle()`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { slideIdOfImagePath } from '../../electron/contract';
import type { App } from '../../electron/core/app';
import { BRIDGE_SCRIPT } from './bridge';

export interface TestHost {
  url: string;
  close(): Promise<void>;
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

export async function startTestHost(options: { app: App; rendererDir: string; port?: number }): Promise<TestHost> {
  const rendererDir = resolve(options.rendererDir);
  const eventStreams = new Set<ServerResponse>();
  const unsubscribe = options.app.onEvent((event, payload) => {
    const data = `data: ${JSON.stringify({ event, payload })}\n\n`;
    for (const stream of eventStreams) stream.write(data);
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    if (req.method === 'POST' && path.startsWith('/api/')) {
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
    if (path === '/__host/bridge.js') return send(res, 200, CONTENT_TYPES['.js']!, BRIDGE_SCRIPT);
    if (path === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
    const slideId = slideIdOfImagePath(path);
    if (slideId !== null) {
      try {
        const image = await options.app.slideImage(slideId);
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
      }
      return send(res, 200, CONTENT_TYPES[extname(abs)] ?? 'application/octet-stream', bytes);
    } catch {
      return send(res, 404, 'text/plain', `Not found: ${path}`);
    }
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error) => send(res, 500, 'text/plain', String((error as Error).stack ?? error)));
  });
  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      unsubscribe();
      for (const stream of eventStreams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
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
