/**
 * Security policy for every window: no navigation away from the app, no new windows, no
 * webviews, no permission grants, no remote content, and a strict Content-Security-Policy on
 * everything served from app://. Only type imports from 'electron' here, so the pure checks
 * (paths, senders, CSP) are unit-tested in plain Node.
 */
import { isAbsolute, join, normalize, relative } from 'node:path';
import type { Session, WebContents, WebPreferences } from 'electron';

export const APP_ORIGIN = 'app://local';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
].join('; ');

/** The web preferences of every window: isolated, sandboxed, no Node, devtools only in development. */
export function secureWebPreferences(preload: string, isDevelopment: boolean): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    disableBlinkFeatures: 'Auxclick',
    devTools: isDevelopment,
  };
}

export function isAppUrl(url: string): boolean {
  return url.startsWith(`${APP_ORIGIN}/`);
}

/** IPC is answered only for the main frame of a page served from app://local. */
export function isTrustedSender(frame: { url: string; isMainFrame: boolean } | null | undefined): boolean {
  return !!frame && frame.isMainFrame && isAppUrl(frame.url);
}

/**
 * The renderer file an app:// path names, or null when it would leave the renderer folder
 * (`..`, encoded separators, absolute paths, NUL) or cannot be decoded.
 */
export function rendererFilePath(rendererDir: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const path = normalize(join(rendererDir, decoded === '/' ? '/index.html' : decoded));
  const rel = relative(rendererDir, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  return path;
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  // No remote content, ever: the workstation works offline by design.
  session.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (_details, callback) => callback({ cancel: true }));
  session.on('will-download', (event) => event.preventDefault());
}

/** Applied to every web contents the app creates (see main.ts: 'web-contents-created'). */
export function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
