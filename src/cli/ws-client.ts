// A Node WebSocket EngineClient: the contract over `tradedesk serve`'s /ws
// endpoint. Results are validated with parseResult and events with parseEvent,
// exactly like the renderer's clients. Used by `ctl`, `bench` and the tests.
import WebSocket from 'ws';
import type { ConnectionState, EngineClient } from '../shared/api/client.js';
import type { CommandArgs, CommandName, CommandResult, EngineEvent } from '../shared/api/contract.js';
import { ApiError } from '../shared/api/contract.js';
import { ApiFailure, parseEvent, parseResult } from '../shared/api/protocol.js';

/** Turns the printed UI URL (`http://127.0.0.1:PORT/#token=TOKEN`) into the WebSocket URL. */
export function wsUrlFromUiUrl(uiUrl: string): string {
  let url: URL;
  try {
    url = new URL(uiUrl);
  } catch {
    throw new Error(`not a URL: ${JSON.stringify(uiUrl)} (expected http://127.0.0.1:PORT/#token=TOKEN)`);
  }
  if (url.protocol === 'ws:' || url.protocol === 'wss:') {
    if (!url.searchParams.get('token')) throw new Error(`WebSocket URL ${uiUrl} has no ?token=`);
    return url.toString();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`unsupported URL scheme ${url.protocol} in ${uiUrl} (expected http://127.0.0.1:PORT/#token=TOKEN)`);
  }
  const token = new URLSearchParams(url.hash.replace(/^#/, '')).get('token');
  if (!token) throw new Error(`URL ${uiUrl} has no #token=...; copy the whole UI line printed by \`tradedesk serve\``);
  const ws = new URL(`${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}/ws`);
  ws.searchParams.set('token', token);
  return ws.toString();
}

/** Why a connection could not be opened: refused, token rejected, ... */
export class ConnectError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'ConnectError';
  }
}

type Pending = { name: CommandName; resolve: (v: unknown) => void; reject: (e: Error) => void; timer?: NodeJS.Timeout };

export interface WsClientOptions {
  /** Reject a call with TIMEOUT after this many ms (default: no timeout). */
  callTimeoutMs?: number;
  /** Sent as the Origin header (browsers always send one; Node does not by default). */
  origin?: string;
}

export class WsEngineClient implements EngineClient {
  readonly transport = 'WebSocket';
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<(event: EngineEvent) => void>();
  private readonly connectionListeners = new Set<(state: ConnectionState) => void>();
  private nextId = 1;
  private state: ConnectionState = 'connecting';
  /** Events that failed validation (counted, not thrown: a UI must keep going). */
  invalidEvents = 0;

  private constructor(
    private readonly socket: WebSocket,
    private readonly options: WsClientOptions,
  ) {}

  /** Opens a connection; rejects with a ConnectError naming why it failed. */
  static connect(uiOrWsUrl: string, options: WsClientOptions = {}): Promise<WsEngineClient> {
    const wsUrl = wsUrlFromUiUrl(uiOrWsUrl);
    const redacted = wsUrl.replace(/token=[^&]*/, 'token=***');
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl, options.origin ? { origin: options.origin } : {});
      const client = new WsEngineClient(socket, options);
      let settled = false;
      socket.once('open', () => {
        settled = true;
        client.setState('open');
        resolve(client);
      });
      socket.once('unexpected-response', (_req, res) => {
        settled = true;
        const code = res.statusCode ?? 0;
        const why = code === 401 ? 'the token was refused' : code === 403 ? 'the origin or host was refused' : `HTTP ${code}`;
        res.resume();
        socket.terminate();
        reject(new ConnectError(`cannot connect to engine at ${redacted}: ${why}`, code));
      });
      socket.on('error', (err) => {
        if (settled) return;
        settled = true;
        reject(new ConnectError(`cannot connect to engine at ${redacted}: ${err.message}`));
      });
      socket.on('message', (raw, isBinary) => client.onMessage(isBinary ? '' : raw.toString()));
      socket.on('close', (code, reason) => {
        client.setState('closed');
        const msg = `connection closed (${code}${reason.length ? `: ${reason.toString()}` : ''})`;
        for (const p of client.pending.values()) {
          if (p.timer) clearTimeout(p.timer);
          p.reject(new ApiFailure('DISCONNECTED', msg));
        }
        client.pending.clear();
      });
    });
  }

  call<N extends CommandName>(name: N, args: CommandArgs<N>): Promise<CommandResult<N>> {
    if (this.state !== 'open') return Promise.reject(new ApiFailure('DISCONNECTED', `cannot call '${name}': not connected`));
    const id = this.nextId++;
    return new Promise<CommandResult<N>>((resolve, reject) => {
      const p: Pending = { name, resolve: resolve as (v: unknown) => void, reject };
      if (this.options.callTimeoutMs) {
        p.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new ApiFailure('TIMEOUT', `no reply to '${name}' within ${this.options.callTimeoutMs} ms`));
        }, this.options.callTimeoutMs);
      }
      this.pending.set(id, p);
      this.socket.send(JSON.stringify({ id, cmd: name, args }), (err) => {
        if (!err) return;
        if (p.timer) clearTimeout(p.timer);
        this.pending.delete(id);
        reject(new ApiFailure('DISCONNECTED', `cannot send '${name}': ${err.message}`));
      });
    });
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener);
    listener(this.state);
    return () => this.connectionListeners.delete(listener);
  }

  close(): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(1000, 'client closing');
    }
  }

  /** Resolves once the socket is fully closed. */
  closed(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const l of this.connectionListeners) l(state);
  }

  private onMessage(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.invalidEvents++;
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    if ('event' in msg) {
      const ev = parseEvent(msg);
      if (!ev) {
        this.invalidEvents++;
        return;
      }
      for (const l of this.eventListeners) l(ev);
      return;
    }
    const { id, ok, result, error } = msg as { id?: unknown; ok?: unknown; result?: unknown; error?: unknown };
    if (typeof id !== 'number') return;
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (p.timer) clearTimeout(p.timer);
    if (ok === true) {
      try {
        p.resolve(parseResult(p.name, result));
      } catch (e) {
        p.reject(e as Error);
      }
      return;
    }
    const err = ApiError.safeParse(error);
    p.reject(err.success ? new ApiFailure(err.data.code, err.data.message) : new ApiFailure('BAD_REPLY', `malformed error reply to '${p.name}'`));
  }
}
