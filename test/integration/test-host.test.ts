/**
 * The loopback test host refuses what a hostile web page in the same browser could send: another
 * Host (DNS rebinding), another Origin (cross-site form or fetch), and any request without this
 * start's token, slide images and the event stream included. The URL it returns carries the
 * token, so opening it is all a caller does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp, type App } from '../../electron/core/app';
import { defaultModelDir, projectRoot } from '../../electron/core/paths';
import { hostDatabaseProblem } from '../host/host-database';
import { startTestHost, type TestHost } from '../host/test-host';

let dir: string;
let app: App;
let host: TestHost;
let port: number;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request, so Host, Origin and Cookie are exactly what the test says. */
function call(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        res.destroy();
        return done({ status: res.statusCode!, headers: res.headers, body: '' });
      }
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ana-host-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body></body></html>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  app = await createApp({ dbPath: join(dir, 'ana.db'), modelDir: defaultModelDir(), version: 'host-test', providers: ['cpu'], log: () => {} });
  host = await startTestHost({ app, rendererDir });
  port = Number(new URL(host.url).port);
});

afterAll(async () => {
  await host?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const json = { 'content-type': 'application/json' };

describe('test host: token on every request', () => {
  it('the URL it returns carries a fresh random token', async () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=[A-Za-z0-9_-]{43}$`));
    expect(new URL(host.url).searchParams.get('token')).toBe(host.token);
    const other = await startTestHost({ app, rendererDir: join(dir, 'renderer') });
    try {
      expect(other.token).not.toBe(host.token);
    } finally {
      await other.close();
    }
  });

  it('refuses every path without the token: page, scripts, API, slide images, event stream', async () => {
    for (const [path, method] of [['/', 'GET'], ['/assets/app.js', 'GET'], ['/__host/bridge.js', 'GET'], ['/slides/1/image', 'GET'], ['/events', 'GET'], ['/api/app/info', 'POST']] as const) {
      const reply = await call(path, method === 'POST' ? json : {}, method, method === 'POST' ? '{}' : undefined);
      expect([path, reply.status]).toEqual([path, 401]);
      expect(reply.body).toMatch(/Missing or wrong test-host token/);
    }
    expect((await call('/?token=wrong')).status).toBe(401);
    expect((await call('/api/app/info', { ...json, 'x-ana-token': `${host.token}x` }, 'POST', '{}')).status).toBe(401);
  });

  it('the page at host.url sets the token cookie; the page\'s own requests (images, scripts) and the bridge then pass', async () => {
    const page = await call(new URL(host.url).pathname + new URL(host.url).search);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script src="__host/bridge.js"></script>');
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^ana-host-token-${port}=${host.token}; Path=/; HttpOnly; SameSite=Strict`));
    const jar = { cookie: cookie.split(';')[0]! };
    expect((await call('/assets/app.js', jar)).status).toBe(200);
    const image = await call('/slides/1/image', jar);
    expect(image.status).toBe(404); // passed the checks; there is no slide 1
    expect(image.body).not.toMatch(/token/);
    const bridge = await call('/__host/bridge.js', jar);
    expect(bridge.body).toContain(`'x-ana-token': token`);
    expect(bridge.body).toContain(JSON.stringify(host.token));
    expect((await call(`/events?token=${host.token}`)).status).toBe(200);
    const info = await call('/api/app/info', { ...json, 'x-ana-token': host.token }, 'POST', '{}');
    expect(JSON.parse(info.body)).toMatchObject({ ok: true, value: { version: 'host-test' } });
  });
});

describe('test host: Host and Origin', () => {
  const withToken = () => ({ 'x-ana-token': host.token });

  it('refuses any Host but 127.0.0.1:PORT and localhost:PORT (DNS rebinding)', async () => {
    expect((await call('/assets/app.js', { ...withToken(), host: `evil.example:${port}` })).status).toBe(421);
    expect((await call('/assets/app.js', { ...withToken(), host: '127.0.0.1' })).status).toBe(421);
    expect((await call('/assets/app.js', { ...withToken(), host: `127.0.0.1:${port + 1}` })).status).toBe(421);
    expect((await call('/assets/app.js', { ...withToken(), host: `localhost:${port}` })).status).toBe(200);
  });

  it('refuses another Origin, and a cross-site text/plain POST even before the token', async () => {
    const hostile = await call('/api/auth/login', { 'content-type': 'text/plain', origin: 'http://evil.example' }, 'POST', '{"username":"admin","password":"x"}');
    expect(hostile.status).toBe(403);
    expect(hostile.body).toBe("Origin 'http://evil.example' may not use this test host");
    expect((await call('/api/app/info', { ...json, ...withToken(), origin: `http://127.0.0.1:${port + 1}` }, 'POST', '{}')).status).toBe(403);
    expect((await call('/api/app/info', { ...json, ...withToken(), origin: 'null' }, 'POST', '{}')).status).toBe(403);
    expect((await call('/api/app/info', { ...json, ...withToken(), 'sec-fetch-site': 'cross-site' }, 'POST', '{}')).status).toBe(403);
    // Same origin passes; an API call must be JSON.
    expect((await call('/api/app/info', { ...json, ...withToken(), origin: `http://127.0.0.1:${port}` }, 'POST', '{}')).status).toBe(200);
    expect((await call('/api/app/info', { 'content-type': 'text/plain', ...withToken() }, 'POST', '{}')).status).toBe(415);
  });
});

describe('npm run host: only throw-away databases', () => {
  it('accepts a database in the temporary folder; refuses one elsewhere, also through a link', () => {
    expect(hostDatabaseProblem(join(tmpdir(), 'ana-host-x', 'new', 'ana.db'))).toBeNull();
    // The file-system root is outside the temporary folder wherever the checkout lives.
    expect(hostDatabaseProblem(resolve('/', 'ana-lab', 'ana.db'))).toMatch(/^refusing to open .*ana\.db: the test host is for development and demos .* pass --allow-any-db/);
    const link = join(dir, 'out');
    symlinkSync(resolve('/'), link);
    expect(hostDatabaseProblem(join(link, 'ana.db'))).toMatch(/^refusing to open/);
  });

  it('serve.ts exits with one clear line, before opening anything, for a database outside the temporary folder', () => {
    const outside = resolve('/', 'ana-no-such-folder', 'clinical.db');
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot(), 'test/host/serve.ts'), '--db', outside, '--port', '0'], { encoding: 'utf8', timeout: 60_000, cwd: projectRoot() });
    expect(run.stderr.trim()).toMatch(/^ana test host: refusing to open .*clinical\.db: .* pass --allow-any-db to open another one \(never a clinical record\)$/);
    expect(run.status).toBe(2);
  });
});
