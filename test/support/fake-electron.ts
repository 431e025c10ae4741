// FakeElectron stands in for Electron's main-process module in the tests: the
// Electron binary cannot run in this environment. It implements the slice
// src/main uses (src/main/electron-api.ts) and behaves the way Electron's
// documentation says for what the tests rely on: app.quit() emits a
// preventable 'before-quit'; protocol.registerSchemesAsPrivileged throws once
// the app is ready; globalShortcut.register answers false for a key another
// app holds; a new BrowserWindow emits 'web-contents-created'; ipcMain.handle
// refuses a second handler on a channel. Tests drive it with the helpers
// (press, invoke, emit, clickTray...).
import { EventEmitter } from 'node:events';
import type {
  BrowserWindowOptions,
  ElectronMain,
  MenuItemOptions,
  NotificationOptions,
  PreventableEvent,
  ProcessLike,
  Rectangle,
} from '../../src/main/electron-api.js';
import type { BridgeReply, InvokeHandler, IpcMainLike, WebContentsLike } from '../../src/main/ipc-bridge.js';

/** Stands in for Electron's ipcMain: the Electron binary cannot run in this environment. */
export class FakeElectronIpc implements IpcMainLike {
  readonly handlers = new Map<string, InvokeHandler>();
  handle(channel: string, listener: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke(channel, payload) from a frame at `url` of web contents `sender` would do. */
  async invoke(channel: string, payload: unknown, url: string, parent: unknown = null, sender?: unknown): Promise<BridgeReply> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return (await h({ sender, senderFrame: { url, parent } }, payload)) as BridgeReply;
  }
}

/** Stands in for a window's webContents. */
export class FakeWebContents extends EventEmitter implements WebContentsLike {
  private static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly sent: Array<{ channel: string; message: unknown }> = [];
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: 'deny' } | { action: 'allow' }) | null = null;
  send(channel: string, message: unknown): void {
    this.sent.push({ channel, message });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void {
    this.windowOpenHandler = handler;
  }
  /** Emits a navigation-like event; true when a listener prevented it. */
  tryNavigate(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate' | 'will-attach-webview', url = ''): boolean {
    const ev = preventable();
    this.emit(event, ev, url);
    return ev.defaultPrevented;
  }
}

export function preventable(): PreventableEvent & { defaultPrevented: boolean } {
  const ev = {
    defaultPrevented: false,
    preventDefault() {
      ev.defaultPrevented = true;
    },
  };
  return ev;
}

export interface FakeSession {
  headersListener: ((details: { url: string; responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders?: Record<string, string[]> }) => void) => void) | null;
  permissionRequest: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | null;
  permissionCheck: ((wc: unknown, permission: string) => boolean) | null;
  deviceCheck: ((details: unknown) => boolean) | null;
}

export interface FakeElectronOptions {
  userData: string;
  singleInstanceLock?: boolean;
  isPackaged?: boolean;
  notificationsSupported?: boolean;
  /** Accelerators "held by another application": register() answers false. */
  takenAccelerators?: string[];
  displays?: Rectangle[];
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

/** Builds one FakeElectron (fresh state per test). */
export function createFakeElectron(opts: FakeElectronOptions) {
  const calls: string[] = [];
  const appEvents = new EventEmitter();
  let ready = false;
  const state = {
    quitRequests: 0,
    quitted: false,
    exitCode: null as number | null,
  };

  const app = {
    isPackaged: opts.isPackaged ?? false,
    whenReady(): Promise<void> {
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          if (!ready) calls.push('app.ready');
          ready = true;
          resolve();
        }),
      );
    },
    requestSingleInstanceLock(): boolean {
      calls.push('app.requestSingleInstanceLock');
      return opts.singleInstanceLock ?? true;
    },
    getPath(name: 'userData'): string {
      if (name !== 'userData') throw new Error(`FakeElectron: getPath('${name}') not faked`);
      return opts.userData;
    },
    quit(): void {
      state.quitRequests++;
      const ev = preventable();
      appEvents.emit('before-quit', ev);
      if (!ev.defaultPrevented) {
        state.quitted = true;
        appEvents.emit('will-quit');
      }
    },
    exit(code = 0): void {
      state.exitCode = code;
    },
    on(event: string, listener: (...args: never[]) => void): unknown {
      appEvents.on(event, listener as (...args: unknown[]) => void);
      return app;
    },
  };

  const windows: FakeBrowserWindow[] = [];
  class FakeBrowserWindow extends EventEmitter {
    readonly webContents = new FakeWebContents();
    readonly loaded: string[] = [];
    visible = false;
    minimized = false;
    maximized = false;
    focused = 0;
    destroyed = false;
    bounds: Rectangle;
    constructor(readonly options: BrowserWindowOptions) {
      super();
      this.bounds = { x: options.x ?? 100, y: options.y ?? 100, width: options.width, height: options.height };
      windows.push(this);
      appEvents.emit('web-contents-created', {}, this.webContents);
    }
    static getAllWindows(): FakeBrowserWindow[] {
      return windows.filter((w) => !w.destroyed);
    }
    async loadURL(url: string): Promise<void> {
      this.loaded.push(url);
    }
    show(): void {
      this.visible = true;
    }
    focus(): void {
      this.focused++;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    isVisible(): boolean {
      return this.visible;
    }
    isMaximized(): boolean {
      return this.maximized;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    restore(): void {
      this.minimized = false;
    }
    maximize(): void {
      this.maximized = true;
    }
    getNormalBounds(): Rectangle {
      return { ...this.bounds };
    }
    /** What closing the window by the user does: 'close', then destroyed, 'closed', and 'window-all-closed' if it was the last. */
    close(): void {
      this.emit('close', preventable());
      this.destroyed = true;
      this.webContents.destroyed = true;
      this.emit('closed');
      if (FakeBrowserWindow.getAllWindows().length === 0) appEvents.emit('window-all-closed');
    }
  }

  const ipcMain = new FakeElectronIpc();
  const session: FakeSession = { headersListener: null, permissionRequest: null, permissionCheck: null, deviceCheck: null };
  const schemes: Array<{ scheme: string; privileges: Record<string, boolean> }> = [];
  const protocolHandlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  const shortcuts = new Map<string, () => void>();
  const taken = new Set(opts.takenAccelerators ?? []);
  const trays: FakeTray[] = [];
  const notifications: NotificationOptions[] = [];
  const powerMonitor = new EventEmitter();

  class FakeTray {
    tooltip = '';
    menu: MenuItemOptions[] = [];
    destroyed = false;
    constructor(readonly image: unknown) {
      trays.push(this);
    }
    setToolTip(text: string): void {
      this.tooltip = text;
    }
    setContextMenu(menu: { items?: unknown }): void {
      this.menu = menu.items as MenuItemOptions[];
    }
    destroy(): void {
      this.destroyed = true;
    }
  }

  class FakeNotification {
    constructor(readonly options: NotificationOptions) {}
    static isSupported(): boolean {
      return opts.notificationsSupported ?? true;
    }
    show(): void {
      notifications.push(this.options);
    }
  }

  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain,
    session: {
      defaultSession: {
        webRequest: {
          onHeadersReceived(listener: NonNullable<FakeSession['headersListener']>) {
            session.headersListener = listener;
          },
        },
        setPermissionRequestHandler(h: NonNullable<FakeSession['permissionRequest']>) {
          session.permissionRequest = h;
        },
        setPermissionCheckHandler(h: NonNullable<FakeSession['permissionCheck']>) {
          session.permissionCheck = h;
        },
        setDevicePermissionHandler(h: NonNullable<FakeSession['deviceCheck']>) {
          session.deviceCheck = h;
        },
      },
    },
    protocol: {
      registerSchemesAsPrivileged(list: Array<{ scheme: string; privileges: Record<string, boolean> }>) {
        // Electron: "protocol.registerSchemesAsPrivileged should be called before app is ready"
        if (ready) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
        calls.push('protocol.registerSchemesAsPrivileged');
        schemes.push(...list);
      },
      handle(scheme: string, handler: (request: Request) => Response | Promise<Response>) {
        if (!ready) throw new Error('protocol.handle must be called after app is ready');
        protocolHandlers.set(scheme, handler);
      },
    },
    globalShortcut: {
      register(accel: string, cb: () => void): boolean {
        if (taken.has(accel) || shortcuts.has(accel)) return false;
        shortcuts.set(accel, cb);
        return true;
      },
      unregister(accel: string): void {
        shortcuts.delete(accel);
      },
    },
    Tray: FakeTray,
    Menu: { buildFromTemplate: (template: MenuItemOptions[]) => ({ items: template }) },
    Notification: FakeNotification,
    nativeImage: { createFromDataURL: (url: string) => ({ url, isEmpty: () => url.length === 0 }) },
    powerMonitor: {
      on(event: 'shutdown', listener: (e: PreventableEvent) => void) {
        powerMonitor.on(event, listener);
        return powerMonitor;
      },
    },
    screen: { getAllDisplays: () => (opts.displays ?? [{ x: 0, y: 0, width: 1920, height: 1080 }]).map((workArea) => ({ workArea })) },
  };

  return {
    /** Pass this where src/main wants the electron module. */
    electron: electron as unknown as ElectronMain,
    calls,
    state,
    session,
    schemes,
    protocolHandlers,
    shortcuts,
    trays,
    notifications,
    windows,
    ipcMain,
    emitApp: (event: string, ...args: unknown[]) => appEvents.emit(event, ...args),
    /** The system is shutting down (powerMonitor 'shutdown'); returns the event to see if it was delayed. */
    systemShutdown() {
      const ev = preventable();
      powerMonitor.emit('shutdown', ev);
      return ev;
    },
    /** Presses a global hotkey; false if nothing is registered on it. */
    press(accel: string): boolean {
      const cb = shortcuts.get(accel);
      cb?.();
      return cb !== undefined;
    },
    /** Clicks the tray menu item whose label starts with `label`. */
    clickTray(label: string): void {
      const item = trays.at(-1)?.menu.find((i) => i.label?.startsWith(label));
      if (!item?.click) throw new Error(`no tray item '${label}'`);
      item.click();
    },
  };
}

/** Stands in for Node's process in the desktop host (signals, env, resourcesPath). */
export function createFakeProcess(env: Record<string, string | undefined> = {}, resourcesPath?: string) {
  const events = new EventEmitter();
  const proc = {
    env,
    resourcesPath,
    on(signal: 'SIGTERM' | 'SIGINT', listener: () => void) {
      events.on(signal, listener);
      return proc;
    },
  };
  return { process: proc as ProcessLike, signal: (s: 'SIGTERM' | 'SIGINT') => events.emit(s) };
}
