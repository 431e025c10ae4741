// The Electron transport of the contract, written against a minimal injected
// surface (IpcMainLike, WebContentsLike) so it has no electron import and can be
// tested without the Electron binary. ONE ipcMain.handle on IPC_COMMAND_CHANNEL:
// the sender must be our window's web contents and its top frame must be our
// own renderer (like VS Code's validated ipcMain), then the command is
// validated and run by dispatchCommand. Every refusal is logged and nothing of
// a refused message is acted on. Engine events are forwarded to the window as
// {event, data} on IPC_EVENT_CHANNEL.
import { APP_HOST, APP_SCHEME } from './app-protocol.js';
import { IPC_COMMAND_CHANNEL, IPC_EVENT_CHANNEL } from '../shared/api/client.js';
import type { EngineEvent } from '../shared/api/contract.js';
import { dispatchCommand, type CommandHandlers } from '../shared/api/protocol.js';

/** The part of Electron's IpcMainInvokeEvent the bridge reads. */
export interface IpcInvokeEventLike {
  /** The web contents that sent the message. */
  sender?: unknown;
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
 * origin (electron-vite's ELECTRON_RENDERER_URL), otherwise app://tradedesk/
 * (see app-protocol.ts). Everything else (other origins, file:, data:,
 * about:blank) is refused.
 */
export function rendererUrlCheck(opts: { devServerUrl?: string }): (url: string) => boolean {
  const devOrigin = opts.devServerUrl ? new URL(opts.devServerUrl).origin : null;
  return (url: string) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    if (devOrigin !== null) return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === devOrigin;
    // app: is not a WHATWG special scheme, so u.origin is "null": compare the parts
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
  };
}

export interface IpcBridgeOptions {
  ipcMain: IpcMainLike;
  engine: EngineLike;
  /** True for URLs of our own renderer; see rendererUrlCheck. */
  isAllowedSenderUrl: (url: string) => boolean;
  /** True when `sender` is our window's web contents (omit to skip this check). */
  isExpectedSender?: (sender: unknown) => boolean;
  /** The window to forward events to (null while there is none). */
  target: () => WebContentsLike | null;
  log?: (line: string) => void;
}

/** Codes for a message refused before any handler ran (schema, name, shape). */
const REFUSALS = new Set(['UNKNOWN_COMMAND', 'BAD_ARGS', 'BAD_MESSAGE', 'BAD_JSON']);

/** Registers the bridge; returns a function that removes it. */
export function registerIpcBridge(opts: IpcBridgeOptions): () => void {
  const log = opts.log ?? ((line: string) => console.error(line));

  opts.ipcMain.handle(IPC_COMMAND_CHANNEL, async (event, payload): Promise<BridgeReply> => {
    const frame = event.senderFrame;
    // Only the top-level frame of our own renderer, in our own window, may command the engine.
    const wrongSender = opts.isExpectedSender !== undefined && !opts.isExpectedSender(event.sender);
    if (!frame || wrongSender || (frame.parent !== null && frame.parent !== undefined) || !opts.isAllowedSenderUrl(frame.url)) {
      const who = frame ? `${frame.url}${frame.parent ? ' (subframe)' : ''}${wrongSender ? ' (not our window)' : ''}` : '(destroyed frame)';
      log(`ipc: refused a command from ${who}`);
      return { ok: false, error: { code: 'FORBIDDEN_SENDER', message: `commands are accepted only from the Tradedesk renderer, not ${who}` } };
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      log(`ipc: refused a malformed payload (${payload === null ? 'null' : Array.isArray(payload) ? 'array' : typeof payload})`);
      return { ok: false, error: { code: 'BAD_MESSAGE', message: 'IPC payload must be {cmd, args}' } };
    }
    const { cmd, args } = payload as { cmd?: unknown; args?: unknown };
    const out = await dispatchCommand(opts.engine.handlers, cmd, args);
    if (!out.ok) {
      const refused = REFUSALS.has(out.error.code);
      log(`ipc: ${refused ? 'refused' : 'failed'} command ${JSON.stringify(cmd)?.slice(0, 80)}: ${out.error.code}: ${out.error.message}`);
    }
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
