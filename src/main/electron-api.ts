// The slice of Electron's main-process API that src/main uses, typed here
// because electron is an optional dependency (its types exist only when it is
// installed). Names and signatures follow Electron's own API. Every module of
// src/main takes these as parameters, so tests pass a stand-in
// (test/support/fake-electron.ts) instead of the real module.
import type { IpcMainLike, WebContentsLike } from './ipc-bridge.js';

export interface HeadersReceivedDetails {
  url: string;
  responseHeaders?: Record<string, string[]>;
}

export interface SessionLike {
  webRequest: {
    onHeadersReceived(
      listener: (details: HeadersReceivedDetails, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void,
    ): void;
  };
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void, details?: unknown) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string, requestingOrigin?: string) => boolean): void;
  setDevicePermissionHandler?(handler: (details: unknown) => boolean): void;
}

export interface PreventableEvent {
  preventDefault(): void;
}

export interface MainWebContents extends WebContentsLike {
  /** Unique among all web contents of the app. */
  readonly id: number;
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (event: PreventableEvent, url: string) => void): this;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): this;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BrowserWindowLike {
  readonly webContents: MainWebContents;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): this;
  on(event: 'closed' | 'close' | 'resize' | 'move' | 'session-end', listener: () => void): this;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  isVisible(): boolean;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  restore(): void;
  maximize(): void;
  getNormalBounds(): Rectangle;
}

export interface WebPreferencesLike {
  preload: string;
  contextIsolation: boolean;
  sandbox: boolean;
  nodeIntegration: boolean;
  nodeIntegrationInWorker: boolean;
  nodeIntegrationInSubFrames: boolean;
  webSecurity: boolean;
  allowRunningInsecureContent: boolean;
  experimentalFeatures: boolean;
  webviewTag: boolean;
  navigateOnDragDrop: boolean;
  safeDialogs: boolean;
  spellcheck: boolean;
}

export interface BrowserWindowOptions {
  x?: number;
  y?: number;
  width: number;
  height: number;
  minWidth?: number;
  minHeight?: number;
  show?: boolean;
  title?: string;
  backgroundColor?: string;
  webPreferences: WebPreferencesLike;
}

/** Electron's protocol module: the custom scheme the UI is served from. */
export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges: Record<string, boolean> }>): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

export interface GlobalShortcutLike {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

export interface MenuItemOptions {
  label?: string;
  type?: 'normal' | 'separator';
  enabled?: boolean;
  accelerator?: string;
  click?: () => void;
}

export interface MenuLike {
  readonly items?: unknown;
}

export interface TrayLike {
  setToolTip(text: string): void;
  setContextMenu(menu: MenuLike): void;
  destroy(): void;
}

export interface NativeImageLike {
  isEmpty(): boolean;
}

export interface NotificationLike {
  show(): void;
}

export interface NotificationOptions {
  title: string;
  body: string;
  urgency?: 'normal' | 'critical' | 'low';
  silent?: boolean;
}

export interface ElectronMain {
  app: {
    whenReady(): Promise<void>;
    requestSingleInstanceLock(): boolean;
    getPath(name: 'userData'): string;
    /** True in a packaged build (electron-builder). */
    readonly isPackaged: boolean;
    quit(): void;
    exit(code?: number): void;
    on(event: 'window-all-closed' | 'activate' | 'second-instance', listener: () => void): unknown;
    on(event: 'web-contents-created', listener: (event: unknown, contents: MainWebContents) => void): unknown;
    on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
  };
  BrowserWindow: {
    new (options: BrowserWindowOptions): BrowserWindowLike;
    getAllWindows(): BrowserWindowLike[];
  };
  ipcMain: IpcMainLike;
  session: { defaultSession: SessionLike };
  protocol: ProtocolLike;
  globalShortcut: GlobalShortcutLike;
  Tray: new (image: NativeImageLike) => TrayLike;
  Menu: { buildFromTemplate(template: MenuItemOptions[]): MenuLike };
  Notification: { new (options: NotificationOptions): NotificationLike; isSupported(): boolean };
  nativeImage: { createFromDataURL(url: string): NativeImageLike };
  powerMonitor: { on(event: 'shutdown', listener: (event: PreventableEvent) => void): unknown };
  screen: { getAllDisplays(): Array<{ workArea: Rectangle }> };
}

/** The part of Node's process the desktop host listens to (signals). */
export interface ProcessLike {
  on(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  readonly env: Record<string, string | undefined>;
  readonly resourcesPath?: string;
}
