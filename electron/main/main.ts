/**
 * The Electron main process: a thin shell. It owns the window, the menu, the app:// protocol, the
 * IPC transport and the app's lifecycle; all domain work is done by the core (electron/core/app.ts,
 * the same code the CLI and the loopback test host run in plain Node) and by the background
 * services (desktop-services.ts: the watched import folder feeding the core's reading service).
 *
 * Lifecycle: one instance per user (a second start focuses the first); data locations and the
 * rotating log are set up before anything else, so every later failure is logged; on quit the
 * import folder stops, the current slide is finished (or abandoned after a grace period: each
 * slide is its own transaction and is read again on the next start), then the database closes.
 */
import { app, BrowserWindow, dialog, Menu, Notification, screen, session, shell } from 'electron';
import { join } from 'node:path';
import { createApp, type App } from '../core/app';
import { ensureDataLocations, resolveDataLocations, type DataLocations } from '../core/app-paths';
import type { EventName, EventPayload } from '../contract';
import { errorMessage } from '../core/errors';
import { createRotatingLog, type Logger } from '../core/logging/rotating-log';
import { startDesktopServices, type DesktopServices } from './desktop-services';
import { EVENT_CHANNEL, registerIpc } from './ipc';
import { menuTemplate } from './menu';
import { handleAppProtocol, registerAppScheme } from './protocol';
import { APP_ORIGIN, hardenSession, hardenWebContents, secureWebPreferences } from './security';
import { DEFAULT_SIZE, loadWindowState, MIN_SIZE, saveWindowState } from './window-state';

/** How long quitting waits for the slide being read before abandoning it. */
const SHUTDOWN_GRACE_MS = 15_000;

const here = import.meta.dirname; // dist/main
const isDevelopment = !app.isPackaged;
const projectDir = join(here, '..', '..');
const resourcesDir = app.isPackaged ? process.resourcesPath : join(projectDir, 'resources');
const rendererDir = join(here, '..', 'renderer');
const modelDir = process.env.ANA_MODEL_DIR ?? (app.isPackaged ? join(process.resourcesPath, 'native-models', 'ana-default') : join(projectDir, 'native-models', 'ana-default'));
const demoSlidesDir = app.isPackaged ? join(process.resourcesPath, 'demo-slides') : join(projectDir, 'resources', 'demo-slides');

let locations: DataLocations;
let log: Logger;
let core: App | null = null;
let services: DesktopServices | null = null;
let mainWindow: BrowserWindow | null = null;
let quitting: 'no' | 'started' | 'done' = 'no';
let saveWindow: () => void = () => {};

registerAppScheme();

try {
  locations = resolveDataLocations({ appDataDir: app.getPath('appData') });
  ensureDataLocations(locations);
  // Chromium's own profile (caches, local storage) in a subfolder of our data folder; set before
  // the single-instance lock, which is keyed on it (one instance per data folder).
  app.setPath('userData', join(locations.rootDir, 'browser'));
} catch (error) {
  dialog.showErrorBox('ANA Workstation cannot start', `${errorMessage(error)}\n\nCheck ANA_DATA_DIR and locations.json.`);
  app.exit(1);
  throw error;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  log = createRotatingLog({ dir: locations.logsDir, echo: isDevelopment ? (level, line) => (level === 'info' ? console.log(line) : console.error(line)) : undefined });
  // Core modules find the report fonts here.
  process.env.ANA_RESOURCES_DIR ??= resourcesDir;
  // Workers come from the installation's own (unpacked) folder, hash-checked before they start
  // (core/worker-entry.ts); a pre-set ANA_WORKERS_DIR is a development override only.
  if (app.isPackaged) delete process.env.ANA_WORKERS_DIR;
  process.on('uncaughtException', (error) => backgroundError('uncaught exception in main process', error));
  process.on('unhandledRejection', (reason) => backgroundError('unhandled rejection in main process', reason));
  // Windows shows notifications only for an app with a user model id (the installer's appId).
  if (process.platform === 'win32') app.setAppUserModelId('org.ana-workstation.app');
  log.info(`ANA Workstation ${app.getVersion()} starting (Electron ${process.versions.electron}, ${process.platform}-${process.arch}, data in ${locations.rootDir})`);

  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('child-process-gone', (_event, details) => log.warn(`child process gone: ${details.type} ${details.reason} (exit ${details.exitCode})`));
  app.whenReady().then(start, (error) => fatal('start-up failed', error));
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (quitting === 'done') return;
    event.preventDefault();
    if (quitting === 'started') return;
    quitting = 'started';
    void shutdown();
  });
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession);
  try {
    core = await createApp({
      dbPath: locations.databasePath,
      modelDir,
      version: app.getVersion(),
      outboxDir: locations.outboxDir,
      log: (m) => log.warn(m),
      info: (m) => log.info(m),
    });
  } catch (error) {
    fatal(`the record at ${locations.databasePath} cannot be opened`, error);
    return;
  }
  handleAppProtocol(core, rendererDir, (m) => log.warn(m));
  registerIpc(core, (m) => log.warn(m));
  core.onEvent((event, payload) => {
    send(event, payload);
    if (event === 'app/error') notify(payload as EventPayload<'app/error'>);
  });
  mainWindow = createWindow();
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(menuActions(), { isDevelopment, isMac: process.platform === 'darwin' })));
  services = startDesktopServices({ app: core, locations, log });
}

function send<E extends EventName>(event: E, payload: EventPayload<E>): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(EVENT_CHANNEL, { event, payload });
}

function backgroundError(what: string, error: unknown): void {
  log.error(what, error);
  send('app/error', { source: 'main', message: `${what}: ${errorMessage(error)}`, atMs: Date.now() });
}

/** Background errors also reach a user who is looking at another window. */
function notify(error: EventPayload<'app/error'>): void {
  if (Notification.isSupported()) new Notification({ title: 'ANA Workstation', body: error.message }).show();
}

function createWindow(): BrowserWindow {
  const statePath = join(locations.rootDir, 'window-state.json');
  const state = loadWindowState(statePath, screen.getAllDisplays().map((d) => d.workArea));
  const window = new BrowserWindow({
    ...(state.bounds ?? DEFAULT_SIZE),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'ANA Workstation',
    backgroundColor: '#111418',
    show: false,
    webPreferences: {
      ...secureWebPreferences(join(here, '..', 'preload', 'preload.cjs'), isDevelopment),
      // The essentials again, literally, so the security scan (scripts/security-scan.mjs) sees them here.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  // Saved on close and again on quit (app.exit() closes windows without a 'close' event).
  saveWindow = () => {
    if (window.isDestroyed()) return;
    try {
      saveWindowState(statePath, { bounds: window.getNormalBounds(), maximized: window.isMaximized() });
    } catch (error) {
      log.warn(`window state not saved: ${errorMessage(error)}`);
    }
  };
  window.on('close', saveWindow);
  window.webContents.on('render-process-gone', (_event, details) => {
    log.error(`renderer gone (${details.reason}, exit ${details.exitCode})`);
    if (details.reason !== 'clean-exit' && quitting === 'no') window.reload();
  });
  window.webContents.on('console-message', (details) => {
    if (details.level === 'error') log.warn(`renderer: ${details.message}`);
  });
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

function menuActions() {
  return {
    importSlides: async () => {
      if (!mainWindow) return;
      const picked = await dialog.showOpenDialog(mainWindow, {
        title: 'Import slide images',
        properties: ['openFile', 'openDirectory', 'multiSelections'],
        filters: [{ name: 'Slide images', extensions: ['png', 'tif', 'tiff', 'jpg', 'jpeg', 'bmp'] }],
      });
      if (!picked.canceled) await services?.importPaths(picked.filePaths);
    },
    importDemoSlides: () => void services?.importPaths([demoSlidesDir]),
    openDataFolder: () => void shell.openPath(locations.rootDir),
    openLogsFolder: () => void shell.openPath(locations.logsDir),
    about: () =>
      void dialog.showMessageBox({
        type: 'info',
        title: 'About ANA Workstation',
        message: `ANA Workstation ${app.getVersion()}`,
        detail: `Suggestions must be confirmed by a trained reader.\n\nData: ${locations.rootDir}\nElectron ${process.versions.electron}, Node ${process.versions.node}`,
      }),
  };
}

async function shutdown(): Promise<void> {
  const started = Date.now();
  saveWindow();
  try {
    // Stops the watched folder, then the core's reading service (one path for UI, menu and folder imports).
    const outcome = (await services?.shutdown(SHUTDOWN_GRACE_MS)) ?? (await core?.shutdown(SHUTDOWN_GRACE_MS)) ?? 'idle';
    if (outcome === 'abandoned') log.warn('quit while a slide was being read: it was abandoned and stays pending in its batch (each slide is its own transaction: nothing half-stored)');
    log.info(`shut down in ${Date.now() - started} ms (${outcome})`);
  } catch (error) {
    log.error('shutdown failed', error);
  } finally {
    quitting = 'done';
    app.exit(0);
  }
}

function fatal(what: string, error: unknown): void {
  log?.error(`fatal: ${what}`, error);
  dialog.showErrorBox('ANA Workstation cannot start', `${what}:\n${errorMessage(error)}\n\nLog: ${locations?.logsDir ?? '(none)'}`);
  app.exit(1);
}
