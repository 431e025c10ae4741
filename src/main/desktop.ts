// The desktop host, composed from the small modules beside it and written
// against the Electron API passed in (index.ts passes the real module; the
// tests pass test/support/fake-electron.ts). In order: the app:// scheme
// (before ready), the single-instance lock, guards on every web contents,
// quit/signal/system-shutdown handling; once ready: the session lock-down,
// the app:// handler, SQLite's Electron build, the engine, the IPC bridge,
// the window, the HALT/KILL hotkeys and tray, and critical-alert notifications.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EngineHandle } from '../engine/engine-api.js';
import { setWorkerEntry } from '../engine/core/worker-entries.js';
import { APP_INDEX_URL, APP_SCHEME, appProtocolHandler, registerAppScheme } from './app-protocol.js';
import type { ElectronMain, MainWebContents, ProcessLike } from './electron-api.js';
import { loadHotkeys, registerHotkeys, type RegisteredHotkeys } from './hotkeys.js';
import { registerIpcBridge, rendererUrlCheck } from './ipc-bridge.js';
import { createKillSwitch } from './kill-switch.js';
import { sqliteBindingFor } from './native-modules.js';
import { criticalAlertNotifier, nativeNotifier } from './notifications.js';
import { DEV_CSP, PROD_CSP, hardenSession, hardenWebContents, type Log } from './security.js';
import { createShutdown, type Shutdown } from './shutdown.js';
import { createTray, type ShellTray } from './tray.js';
import { openMainWindow, type MainWindow } from './window.js';

export interface DesktopOptions {
  electron: ElectronMain;
  process: ProcessLike;
  /** The folder of the built main bundle (out/main): preload, renderer and workers are found from it. */
  mainDir: string;
  /** Builds and returns the engine (not yet started) on this data folder. */
  createEngine: (dataDir: string, sqliteBinding: string) => Promise<EngineHandle>;
  log?: Log;
}

export interface Desktop {
  /** Resolves once the engine runs and the window is open; rejects if start-up failed (the app has exited). */
  readonly ready: Promise<void>;
  readonly shutdown: Shutdown;
  engine(): EngineHandle | null;
  window(): MainWindow | null;
  hotkeys(): RegisteredHotkeys | null;
}

/** Electron hands IPC handlers the sender's WebContents; compare by its unique id where both have one. */
function sameWebContents(sender: unknown, ours: MainWebContents): boolean {
  if (sender === ours) return true;
  const id = (sender as { id?: unknown } | null)?.id;
  return typeof id === 'number' && typeof ours.id === 'number' && id === ours.id;
}

/** Returns null when another instance holds the lock (this one quits). */
export function startDesktop(o: DesktopOptions): Desktop | null {
  const { electron, process: proc } = o;
  const { app } = electron;
  const log = o.log ?? ((line: string) => console.error(`[tradedesk] ${line}`));

  registerAppScheme(electron.protocol);
  if (!app.requestSingleInstanceLock()) {
    log('another Tradedesk is running: focusing it and quitting');
    app.quit();
    return null;
  }

  // A packaged app never takes its renderer URL from the environment.
  const devServerUrl = app.isPackaged ? undefined : proc.env['ELECTRON_RENDERER_URL'];
  const isOurRenderer = rendererUrlCheck({ devServerUrl });
  const rendererDir = join(o.mainDir, '../renderer');
  const preload = join(o.mainDir, '../preload/index.cjs');

  let engine: EngineHandle | null = null;
  let main: MainWindow | null = null;
  let hotkeys: RegisteredHotkeys | null = null;
  let tray: ShellTray | null = null;
  let removeBridge: (() => void) | null = null;
  let unsubscribe: (() => void) | null = null;

  const notify = nativeNotifier(electron, log);
  const killSwitch = createKillSwitch({ handlers: () => engine?.handlers ?? null, notify, log });
  const runAction = (action: 'halt' | 'kill', source: string): void => void killSwitch.run(action, source);

  const shutdown = createShutdown(
    () => [
      { name: 'hotkeys', run: () => hotkeys?.unregister() },
      { name: 'events', run: () => unsubscribe?.() },
      { name: 'ipc bridge', run: () => removeBridge?.() },
      { name: 'window state', run: () => main?.saveState() },
      { name: 'engine (feeds, venue, journal)', run: () => engine?.stop() },
      { name: 'tray', run: () => tray?.destroy() },
    ],
    log,
  );

  const showWindow = (): void => {
    const w = main?.window;
    if (!w || w.isDestroyed()) {
      if (engine) createWindow();
      return;
    }
    if (w.isMinimized()) w.restore();
    if (!w.isVisible()) w.show();
    w.focus();
  };

  const createWindow = (): void => {
    main = openMainWindow(electron, { preload, stateDir: app.getPath('userData'), url: devServerUrl ?? APP_INDEX_URL, log });
    const w = main.window;
    w.on('closed', () => {
      if (main?.window === w) main = null;
    });
    // Windows: the session is ending; there is no way to delay it, so start at once.
    w.on('session-end', () => void shutdown('session end'));
  };

  app.on('second-instance', showWindow);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, isOurRenderer, log));
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (engine && electron.BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('before-quit', (event) => {
    if (shutdown.finished) return;
    event.preventDefault();
    void shutdown('quit').then(() => app.quit());
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    proc.on(signal, () => void shutdown(signal).then(() => app.exit(0)));
  }

  const boot = async (): Promise<void> => {
    await app.whenReady();
    const csp = devServerUrl ? DEV_CSP : PROD_CSP;
    hardenSession(electron.session.defaultSession, csp, log);
    electron.protocol.handle(APP_SCHEME, appProtocolHandler({ rendererDir, csp: PROD_CSP, log }));
    electron.powerMonitor.on('shutdown', (event) => {
      // delays the system shutdown until the journal is closed (Linux, macOS)
      event.preventDefault();
      void shutdown('system shutdown').then(() => app.quit());
    });

    const binding = sqliteBindingFor({ isPackaged: app.isPackaged, resourcesPath: proc.resourcesPath, env: proc.env });
    if (!binding.ok) throw new Error(binding.problem);
    // CPU-heavy engine work runs on worker threads from the bundle's own entries
    setWorkerEntry('analytics', pathToFileURL(join(o.mainDir, 'analytics-worker.js')));
    setWorkerEntry('backtest', pathToFileURL(join(o.mainDir, 'backtest-worker.js')));
    setWorkerEntry('credentials', pathToFileURL(join(o.mainDir, 'credentials-worker.js')));

    const e = await o.createEngine(join(app.getPath('userData'), 'data'), binding.path);
    engine = e;
    removeBridge = registerIpcBridge({
      ipcMain: electron.ipcMain,
      engine: e,
      isAllowedSenderUrl: isOurRenderer,
      isExpectedSender: (sender) => main !== null && !main.window.isDestroyed() && sameWebContents(sender, main.window.webContents),
      target: () => (main && !main.window.isDestroyed() ? main.window.webContents : null),
      log,
    });
    hotkeys = registerHotkeys(electron.globalShortcut, loadHotkeys(app.getPath('userData')), runAction, log);
    for (const p of hotkeys.problems) notify('Tradedesk hotkeys', p);
    tray = createTray(electron, { hotkeys: hotkeys.active, run: runAction, showWindow, quit: () => app.quit() });
    const onAlerts = criticalAlertNotifier(notify);
    unsubscribe = e.onEvent((ev) => {
      if (ev.topic === 'alerts') onAlerts(ev.data);
      else if (ev.topic === 'status') tray?.setState(ev.data.tradingState);
    });
    await e.start();
    tray.setState(e.status().tradingState);
    if (shutdown.started) return;
    createWindow();
  };

  const ready = boot().catch(async (err: Error) => {
    log(`failed to start: ${err.stack ?? err.message}`);
    await shutdown('start-up failed');
    app.exit(1);
    throw err;
  });
  ready.catch(() => undefined);

  return { ready, shutdown, engine: () => engine, window: () => main, hotkeys: () => hotkeys };
}
