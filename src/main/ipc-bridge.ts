// The Electron transport of the contract, written against a minimal injected
// surface (IpcMainLike, WebContentsLike) so it has no electron import and can be
// tested without the Electron binary. ONE ipcMain.handle on IPC_COMMAND_CHANNEL:
// the sender frame must be our own renderer (like VS Code's validated ipcMain),
// then the command is validated and run by dispatchCommand. Engine events are
// forwarded to the window as {event, data} on IPC_EVENT_CHANNEL.
import { IPC_COMMAND_CHANNEL, IPC_EVENT_CHANNEL } from '../shared/api/client.js';
import type { EngineEvent } from '../shared/api/contract.js';
import { dispatchCommand, type CommandHandlers } from '../shared/api/protocol.js';

/** The part of Electron's IpcMainInvokeEvent the bridge reads. */
export interface IpcInvokeEventLike {
  senderFrame: { url: string; parent?: unknown } | null;
}

export type InvokeHandler = (event: IpcInvokeEventLike, ...args: unknown[]) => unknown;

/** The part of Electron's ipcMain the bridge uses. */
export interface IpcMainLike {
  handle(channel: string, listener: InvokeHandler): void;
  removeHandler(channel: string): void;
}

/** The part of Electron's WebContents the bridge uses. */
export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface EngineLike {
  readonly handlers: CommandHandlers;
  onEvent(listener: (event: EngineEvent) => void): () => void;
}

export type BridgeReply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

/**
 * Decides whether a frame URL is our renderer: in development the dev server's
 * origin (electron-vite's ELECTRON_RENDERER_URL), otherwise file URLs inside the
 * built renderer folder. Everything else (other origins, data:, about:blank,
 * other local files) is refused.
 */
export function rendererUrlCheck(opts: { devServerUrl?: string; rendererDirFileUrl: string }): (url: string) => boolean {
  const devOrigin = opts.devServerUrl ? new URL(opts.devServerUrl).origin : null;
  const dir = new URL(opts.rendererDirFileUrl.endsWith('/') ? opts.rendererDirFileUrl : `${opts.rendererDirFileUrl}/`);
  return (url: string) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    if (devOrigin !== null) return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === devOrigin;
    if (u.protocol !== 'file:' || u.host !== dir.host) return false;
    // URL parsing already resolved any ../ segments; compare the decoded paths.
    const path = decodeURIComponent(u.pathname);
    return path.startsWith(decodeURIComponent(dir.pathname)) && !path.includes('\0');
  };
}

export interface IpcBridgeOptions {
  ipcMain: IpcMainLike;
  engine: EngineLike;
  /** True for URLs of our own renderer; see rendererUrlCheck. */
  isAllowedSenderUrl: (url: string) => boolean;
  /** The window to forward events to (null while there is none). */
  target: () => WebContentsLike | null;
  log?: (line: string) => void;
}

/** Registers the bridge; returns a function that removes it. */
export function registerIpcBridge(opts: IpcBridgeOptions): () => void {
  const log = opts.log ?? ((line: string) => console.error(line));

  opts.ipcMain.handle(IPC_COMMAND_CHANNEL, async (event, payload): Promise<BridgeReply> => {
    const frame = event.senderFrame;
    // Only the top-level frame of our own renderer may command the engine.
    if (!frame || (frame.parent !== null && frame.parent !== undefined) || !opts.isAllowedSenderUrl(frame.url)) {
      const who = frame ? `${frame.url}${frame.parent ? ' (subframe)' : ''}` : '(destroyed frame)';
      log(`ipc: refused a command from ${who}`);
      return { ok: false, error: { code: 'FORBIDDEN_SENDER', message: `commands are accepted only from the Tradedesk renderer, not ${who}` } };
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      log('ipc: refused a malformed payload');
      return { ok: false, error: { code: 'BAD_MESSAGE', message: 'IPC payload must be {cmd, args}' } };
    }
    const { cmd, args } = payload as { cmd?: unknown; args?: unknown };
    const out = await dispatchCommand(opts.engine.handlers, cmd, args);
    if (!out.ok) log(`ipc: command ${JSON.stringify(cmd)} failed: ${out.error.code}: ${out.error.message}`);
    return out;
  });

  const unsubscribe = opts.engine.onEvent((event) => {
    const wc = opts.target();
    if (!wc || wc.isDestroyed()) return;
    wc.send(IPC_EVENT_CHANNEL, { event: event.topic, data: event.data });
  });

  return () => {
    unsubscribe();
    opts.ipcMain.removeHandler(IPC_COMMAND_CHANNEL);
  };
}
