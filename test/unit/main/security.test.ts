// The window's security settings (src/main/security.ts, window.ts) against a
// stand-in session and web contents (test/support/fake-electron.ts).
import { describe, expect, it } from 'vitest';
import { rendererUrlCheck } from '../../../src/main/ipc-bridge.js';
import { DEV_CSP, PROD_CSP, hardenSession, hardenWebContents, secureWebPreferences } from '../../../src/main/security.js';
import { mainWindowOptions } from '../../../src/main/window.js';
import { DEFAULT_WINDOW_STATE } from '../../../src/main/window-state.js';
import { createFakeElectron, FakeWebContents } from '../../support/fake-electron.js';

describe('webPreferences', () => {
  it('isolates and sandboxes the renderer, with no Node and no insecure switches', () => {
    expect(secureWebPreferences('/x/preload/index.cjs')).toEqual({
      preload: '/x/preload/index.cjs',
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
      safeDialogs: true,
      spellcheck: false,
    });
  });

  it('the main window uses them, hidden until ready, sized from the window state', () => {
    const o = mainWindowOptions('/p.cjs', { ...DEFAULT_WINDOW_STATE, width: 1200, height: 800, x: 10, y: 20 });
    expect(o.webPreferences).toEqual(secureWebPreferences('/p.cjs'));
    expect(o).toMatchObject({ show: false, width: 1200, height: 800, x: 10, y: 20, minWidth: 960, minHeight: 600 });
    expect(mainWindowOptions('/p.cjs', DEFAULT_WINDOW_STATE)).not.toHaveProperty('x');
  });
});

describe('Content-Security-Policy', () => {
  const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));

  it('production: no inline or remote script, nothing by default, no framing or plugins', () => {
    const d = directives(PROD_CSP);
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(PROD_CSP).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('development adds only the dev server preamble and HMR socket', () => {
    expect(directives(DEV_CSP).get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(DEV_CSP).not.toContain('unsafe-eval');
  });
});

describe('hardenSession', () => {
  const setup = () => {
    const fake = createFakeElectron({ userData: '/tmp/unused' });
    const logs: string[] = [];
    hardenSession(fake.electron.session.defaultSession, PROD_CSP, (l) => logs.push(l));
    return { s: fake.session, logs };
  };

  it('denies every permission request and check, and device access', () => {
    const { s, logs } = setup();
    for (const p of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'hid']) {
      let granted: boolean | undefined;
      s.permissionRequest!({}, p, (g) => (granted = g));
      expect(granted, p).toBe(false);
      expect(s.permissionCheck!({}, p), p).toBe(false);
    }
    expect(s.deviceCheck!({})).toBe(false);
    expect(logs).toContain('denied a permission request: media');
  });

  it('replaces any CSP a response carries with ours', () => {
    const { s } = setup();
    let out: Record<string, string[]> | undefined;
    s.headersListener!({ url: 'http://localhost:5173/', responseHeaders: { 'content-security-policy': ["default-src *"], 'X-Other': ['1'] } }, (r) => (out = r.responseHeaders));
    expect(out!['Content-Security-Policy']).toEqual([PROD_CSP]);
    expect(out!['content-security-policy']).toBeUndefined();
    expect(out!['X-Content-Type-Options']).toEqual(['nosniff']);
    expect(out!['X-Other']).toEqual(['1']);
  });
});

describe('hardenWebContents', () => {
  it('blocks navigation away from our renderer, new windows and webviews', () => {
    const wc = new FakeWebContents();
    const logs: string[] = [];
    hardenWebContents(wc as never, rendererUrlCheck({}), (l) => logs.push(l));
    expect(wc.tryNavigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(wc.tryNavigate('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(wc.tryNavigate('will-frame-navigate', 'https://evil.example/frame')).toBe(true);
    expect(wc.tryNavigate('will-navigate', 'app://tradedesk/index.html')).toBe(false);
    expect(wc.tryNavigate('will-attach-webview')).toBe(true);
    expect(wc.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(wc.windowOpenHandler!({ url: 'app://tradedesk/index.html' })).toEqual({ action: 'deny' });
    expect(logs).toContain('blocked navigation to https://evil.example/');
    expect(logs).toContain('denied a new window for https://evil.example/');
  });
});
