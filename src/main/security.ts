// The window's security settings in one place (docs/security.md maps each item
// of Electron's security checklist to a line here or in a neighbour): the
// Content-Security-Policy, the webPreferences every window gets, the session's
// permission handlers (deny everything) and the guards on every web contents
// (no navigation away from our renderer, no new windows, no <webview>).
import type { MainWebContents, SessionLike, WebPreferencesLike } from './electron-api.js';

/** The renderer's policy: only our own origin, no inline script, no plugins, no framing. */
export const PROD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** `electron-vite dev` needs its inline react-refresh preamble and its HMR socket. */
export const DEV_CSP = PROD_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
  "connect-src 'self'",
  "connect-src 'self' ws://localhost:* ws://127.0.0.1:*",
);

/** The headers every response to the renderer carries. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

/**
 * The webPreferences of every window. Each value is a literal on purpose: the
 * lint rules in eslint.config.js refuse a non-literal for these keys, so no
 * variable can turn one off.
 */
export function secureWebPreferences(preload: string): WebPreferencesLike {
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
    safeDialogs: true,
    spellcheck: false,
  };
}

export type Log = (line: string) => void;

/**
 * Locks down a session: the CSP on every HTTP response (the dev server; the
 * app:// handler sets its own headers), and every permission request and
 * check denied (camera, microphone, notifications from the page, geolocation,
 * clipboard, HID/serial/USB...). Native notifications come from the main
 * process, which needs no web permission.
 */
export function hardenSession(ses: SessionLike, csp: string, log: Log): void {
  const headers = securityHeaders(csp);
  ses.webRequest.onHeadersReceived((details, callback) => {
    const out: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(details.responseHeaders ?? {})) {
      if (!(k.toLowerCase() in lowerKeys(headers))) out[k] = v;
    }
    for (const [k, v] of Object.entries(headers)) out[k] = [v];
    callback({ responseHeaders: out });
  });
  ses.setPermissionRequestHandler((_wc, permission, callback) => {
    log(`denied a permission request: ${permission}`);
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler?.(() => false);
}

function lowerKeys(o: Record<string, string>): Record<string, true> {
  return Object.fromEntries(Object.keys(o).map((k) => [k.toLowerCase(), true]));
}

/**
 * Guards one web contents (called for every one Electron creates): navigation
 * only within our renderer, every new window denied, no <webview>.
 */
export function hardenWebContents(contents: MainWebContents, isOurRenderer: (url: string) => boolean, log: Log): void {
  const guard = (event: { preventDefault(): void }, url: string): void => {
    if (!isOurRenderer(url)) {
      event.preventDefault();
      log(`blocked navigation to ${url}`);
    }
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-frame-navigate', guard);
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('blocked a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    log(`denied a new window for ${url}`);
    return { action: 'deny' };
  });
}
