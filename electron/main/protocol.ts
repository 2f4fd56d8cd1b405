/**
 * app://local/... serves the built renderer and slide display images; nothing else is reachable.
 * Renderer files get the strict CSP header; paths cannot leave the renderer folder.
 */
import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { slideImageOfPath } from '../contract';
import type { App } from '../core/app';
import { CONTENT_SECURITY_POLICY, rendererFilePath } from './security';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function handleAppProtocol(core: App, rendererDir: string, log: (message: string) => void): void {
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'local' || request.method !== 'GET') return new Response('Forbidden', { status: 403 });
    const slideImage = slideImageOfPath(url.pathname);
    if (slideImage !== null) {
      try {
        const image = await core.slideImage(slideImage.slideId, slideImage.channel);
        return new Response(Buffer.from(image.bytes), { headers: { 'content-type': image.contentType, 'cache-control': 'no-store' } });
      } catch (error) {
        log(`${url.href}: ${(error as Error).message}`);
        return new Response((error as Error).message, { status: 404 });
      }
    }
    const path = rendererFilePath(rendererDir, url.pathname);
    if (!path) return new Response('Forbidden', { status: 403 });
    const response = await net.fetch(pathToFileURL(path).toString());
    const headers = new Headers(response.headers);
    headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
    headers.set('x-content-type-options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}
