// Electron main process: hosts the engine and one locked-down window. The
// renderer is isolated (contextIsolation, sandbox, no Node), talks to the engine
// only through the preload's contract bridge, may not navigate away or open
// windows, and runs under a strict Content-Security-Policy.
// eslint-disable-next-line @typescript-eslint/ban-ts-comment
// @ts-ignore -- electron is an optional dependency: without it installed there are no types to check against
import electronModule from 'electron';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { EngineHandle } from '../engine/engine-api.js';
import { createEngine } from '../engine/engine.js';
import { useSqliteNativeBinding } from '../engine/core/sqlite.js';
import type { BrowserWindowLike, ElectronMain } from './electron-api.js';
import { registerIpcBridge, rendererUrlCheck } from './ipc-bridge.js';

const { app, BrowserWindow, ipcMain, session } = electronModule as unknown as ElectronMain;

const mainDir = fileURLToPath(new URL('.', import.meta.url));
const PRELOAD = join(mainDir, '../preload/index.cjs');
const RENDERER_DIR = join(mainDir, '../renderer');
/** Set by `electron-vite dev` to the renderer dev server. */
const DEV_SERVER_URL = process.env['ELECTRON_RENDERER_URL'];

const PROD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
// The dev server needs its inline react-refresh preamble and its HMR socket.
const DEV_CSP = PROD_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
  "connect-src 'self'",
  "connect-src 'self' ws://localhost:* ws://127.0.0.1:*",
);

const isOurRenderer = rendererUrlCheck({
  devServerUrl: DEV_SERVER_URL,
  rendererDirFileUrl: pathToFileURL(RENDERER_DIR).href,
});

let engine: EngineHandle | null = null;
let win: BrowserWindowLike | null = null;
let removeBridge: (() => void) | null = null;

function lockDownSession(): void {
  const ses = session.defaultSession;
  const csp = DEV_SERVER_URL ? DEV_CSP : PROD_CSP;
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(details.responseHeaders ?? {})) {
      if (k.toLowerCase() !== 'content-security-policy') headers[k] = v;
    }
    headers['Content-Security-Policy'] = [csp];
    headers['X-Content-Type-Options'] = ['nosniff'];
    callback({ responseHeaders: headers });
  });
  // No camera, microphone, notifications, geolocation, ...
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

function createWindow(): void {
  const w = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Tradedesk',
    backgroundColor: '#0f1115',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win = w;
  w.once('ready-to-show', () => w.show());
  w.on('closed', () => {
    if (win === w) win = null;
  });
  const load = DEV_SERVER_URL ? w.loadURL(DEV_SERVER_URL) : w.loadFile(join(RENDERER_DIR, 'index.html'));
  load.catch((e: Error) => console.error(`[tradedesk] cannot load the renderer: ${e.message}`));
}

// Every web contents (the window, and anything it might try to create).
app.on('web-contents-created', (_event, contents) => {
  const guard = (event: { preventDefault(): void }, url: string): void => {
    if (!isOurRenderer(url)) {
      event.preventDefault();
      console.error(`[tradedesk] blocked navigation to ${url}`);
    }
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

async function boot(): Promise<void> {
  await app.whenReady();
  lockDownSession();
  // the journal and the simulator's account live in the app's data folder; SQLite
  // loads the addon built for Electron's ABI (fetched by `npm start`)
  const binding = process.env.TRADEDESK_SQLITE_BINDING;
  if (binding) useSqliteNativeBinding(binding);
  const e = await createEngine({}, { dataDir: join(app.getPath('userData'), 'data') });
  engine = e;
  removeBridge = registerIpcBridge({
    ipcMain,
    engine: e,
    isAllowedSenderUrl: isOurRenderer,
    target: () => win?.webContents ?? null,
    log: (line) => console.error(`[tradedesk] ${line}`),
  });
  await e.start();
  createWindow();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (engine && BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped || !engine) return;
    event.preventDefault();
    stopped = true;
    removeBridge?.();
    engine.stop().finally(() => app.quit());
  });
  boot().catch((e: Error) => {
    console.error(`[tradedesk] failed to start: ${e.stack ?? e.message}`);
    app.exit(1);
  });
}
