/**
 * The Electron main process: a thin shell. It owns the window, the app:// protocol and the IPC
 * transport; all domain work is done by the core (electron/core/app.ts), the same code the CLI and
 * the loopback test host run in plain Node.
 */
import { app, BrowserWindow, ipcMain, net, protocol, session } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createApp, type App } from '../core/app';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY, hardenSession, hardenWindow, isAppUrl } from './security';

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const here = import.meta.dirname;
const rendererDir = join(here, '..', 'renderer');
const resourcesDir = app.isPackaged ? process.resourcesPath : join(here, '..', '..');

let core: App | null = null;
let mainWindow: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  app.whenReady().then(start, (error) => {
    console.error(error);
    app.exit(1);
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => void core?.close());
}

async function start(): Promise<void> {
  core = await createApp({
    dbPath: join(app.getPath('userData'), 'ana.db'),
    modelDir: join(resourcesDir, 'native-models', 'ana-default'),
    version: app.getVersion(),
  });
  registerProtocol(core);
  registerIpc(core);
  hardenSession(session.defaultSession);
  mainWindow = createWindow();
  core.onEvent((event, payload) => mainWindow?.webContents.send('ana:event', { event, payload }));
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'ANA Workstation',
    backgroundColor: '#111418',
    webPreferences: {
      preload: join(here, '..', 'preload', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: !app.isPackaged,
    },
  });
  hardenWindow(window);
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

/** app://local/... serves the built renderer and slide display images, with a strict CSP. */
function registerProtocol(core: App): void {
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    const slide = /^\/slides\/(\d+)\/image$/.exec(url.pathname);
    if (slide) {
      try {
        const image = await core.slideImage(Number(slide[1]));
        return new Response(Buffer.from(image.bytes), { headers: { 'content-type': image.contentType } });
      } catch (error) {
        return new Response((error as Error).message, { status: 404 });
      }
    }
    const path = normalize(join(rendererDir, decodeURIComponent(url.pathname)));
    if (!path.startsWith(rendererDir + sep)) return new Response('Forbidden', { status: 403 });
    const response = await net.fetch(pathToFileURL(path).toString());
    const headers = new Headers(response.headers);
    headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
    return new Response(response.body, { status: response.status, headers });
  });
}

/** One generic IPC channel: the sender frame must be our app; the core validates the request. */
function registerIpc(core: App): void {
  ipcMain.handle('ana:invoke', async (event, channel: unknown, request: unknown) => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (!isAppUrl(frameUrl)) return { ok: false, code: 'forbidden', message: `IPC from untrusted frame ${frameUrl}` };
    if (typeof channel !== 'string') return { ok: false, code: 'bad-request', message: 'Channel must be a string' };
    return core.handle(channel, request, { sessionId: String(event.sender.id) });
  });
}
