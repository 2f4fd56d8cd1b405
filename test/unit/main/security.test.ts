import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY, isAppUrl, isTrustedSender, rendererFilePath, secureWebPreferences } from '../../../electron/main/security';

const dir = '/opt/ana/dist/renderer';

describe('rendererFilePath', () => {
  it('maps app:// paths into the renderer folder', () => {
    expect(rendererFilePath(dir, '/index.html')).toBe(join(dir, 'index.html'));
    expect(rendererFilePath(dir, '/')).toBe(join(dir, 'index.html'));
    expect(rendererFilePath(dir, '/assets/index-abc.js')).toBe(join(dir, 'assets/index-abc.js'));
    expect(rendererFilePath(dir, '/assets/a%20b.css')).toBe(join(dir, 'assets/a b.css'));
  });

  it('refuses anything that would leave it', () => {
    for (const attack of ['/../main/main.js', '/assets/../../preload/preload.cjs', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc/passwd', '/assets%5c..%5c..%5cx', '/%00', '/%E0%A4%A']) {
      expect(rendererFilePath(dir, attack), attack).toBeNull();
    }
  });
});

describe('IPC senders and URLs', () => {
  it('trusts only the main frame of an app://local page', () => {
    expect(isTrustedSender({ url: 'app://local/index.html', isMainFrame: true })).toBe(true);
    expect(isTrustedSender({ url: 'app://local/index.html', isMainFrame: false })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'app://localhost.evil/index.html', isMainFrame: true })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
  });
});

describe('window policy', () => {
  it('isolates, sandboxes and keeps Node out of every page; devtools only in development', () => {
    const prefs = secureWebPreferences('/p.cjs', false);
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false, devTools: false });
    expect(secureWebPreferences('/p.cjs', true).devTools).toBe(true);
  });

  it('allows only the app itself in the CSP', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives['default-src']).toBe("'self'");
    expect(directives['script-src']).toBe("'self'");
    expect(directives['connect-src']).toBe("'self'");
    expect(directives['object-src']).toBe("'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
  });
});
