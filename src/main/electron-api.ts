// The slice of Electron's main-process API that src/main uses, typed here
// because electron is an optional dependency (its types exist only when it is
// installed). Names and signatures follow Electron's own API.
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
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
}

export interface PreventableEvent {
  preventDefault(): void;
}

export interface MainWebContents extends WebContentsLike {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent, url: string) => void): this;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): this;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

export interface BrowserWindowLike {
  readonly webContents: MainWebContents;
  loadURL(url: string): Promise<void>;
  loadFile(path: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): this;
  on(event: 'closed', listener: () => void): this;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
}

export interface BrowserWindowOptions {
  width: number;
  height: number;
  minWidth?: number;
  minHeight?: number;
  show?: boolean;
  title?: string;
  backgroundColor?: string;
  webPreferences: {
    preload: string;
    contextIsolation: boolean;
    sandbox: boolean;
    nodeIntegration: boolean;
    nodeIntegrationInSubFrames?: boolean;
    webSecurity: boolean;
    allowRunningInsecureContent?: boolean;
    webviewTag?: boolean;
    spellcheck?: boolean;
  };
}

export interface ElectronMain {
  app: {
    whenReady(): Promise<void>;
    requestSingleInstanceLock(): boolean;
    getPath(name: 'userData'): string;
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
}
