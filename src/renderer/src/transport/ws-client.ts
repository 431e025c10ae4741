// WebSocket transport of the contract (browser served by `tradedesk serve`).
// Sends {id, cmd, args}; receives {id, ok, result|error} or {event, data}.
// Every result and event is validated on arrival; invalid ones are dropped and
// logged. Reconnects with exponential backoff and reports why it cannot connect.
import type { ConnectionState } from '../../../shared/api/client.js';
import type { CommandArgs, CommandName, CommandResult, EngineEvent } from '../../../shared/api/contract.js';
import { ApiError } from '../../../shared/api/contract.js';
import { ApiFailure, parseEvent, parseResult } from '../../../shared/api/protocol.js';
import { Emitter } from './emitter.js';
import type { RendererClient } from './renderer-client.js';

interface Pending {
  name: CommandName;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface WsClientOptions {
  /** Per-command timeout. */
  callTimeoutMs?: number;
  /** First reconnect delay; doubles up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * Asks whether the serving host answers plain HTTP. Browsers hide why a
   * WebSocket upgrade failed; if the host is up, the refusal is the token.
   */
  probeHost?: () => Promise<boolean>;
}

/** Close codes a server uses to say "your token is not accepted". */
const AUTH_CLOSE_CODES = new Set([1008, 4001, 4003, 4401, 4403]);

export class WsEngineClient implements RendererClient {
  readonly transport = 'WebSocket';
  private socket: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly events = new Emitter<EngineEvent>();
  private readonly states = new Emitter<ConnectionState>();
  private readonly problems = new Emitter<string | null>();
  private state: ConnectionState = 'connecting';
  private problem: string | null = null;
  private everOpened = false;
  private failures = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private closedByUser = false;
  /** The refined reason a never-opened connection fails (from probeHost). */
  private refusal: string | null = null;
  private readonly callTimeoutMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly probeHost: (() => Promise<boolean>) | undefined;

  constructor(
    private readonly url: string,
    options: WsClientOptions = {},
  ) {
    this.callTimeoutMs = options.callTimeoutMs ?? 15_000;
    this.minBackoffMs = options.minBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.probeHost = options.probeHost;
    this.open();
  }

  call<N extends CommandName>(name: N, args: CommandArgs<N>): Promise<CommandResult<N>> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new ApiFailure('DISCONNECTED', `cannot send '${name}': not connected to the engine`));
    }
    const id = this.nextId++;
    return new Promise<CommandResult<N>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ApiFailure('TIMEOUT', `'${name}' got no answer within ${this.callTimeoutMs / 1000}s`));
      }, this.callTimeoutMs);
      this.pending.set(id, { name, resolve: resolve as (v: unknown) => void, reject, timer });
      socket.send(JSON.stringify({ id, cmd: name, args }));
    });
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    return this.events.on(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    listener(this.state);
    return this.states.on(listener);
  }

  onProblem(listener: (problem: string | null) => void): () => void {
    listener(this.problem);
    return this.problems.on(listener);
  }

  close(): void {
    this.closedByUser = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.socket?.close(1000, 'client closed');
    this.socket = null;
    this.failAll('client closed');
    this.setState('closed');
  }

  private open(): void {
    this.setState('connecting');
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch (e) {
      this.setProblem(`Cannot open a WebSocket to ${this.displayUrl()}: ${(e as Error).message}`);
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.everOpened = true;
      this.failures = 0;
      this.setProblem(null);
      this.setState('open');
    };
    socket.onmessage = (ev: MessageEvent) => this.receive(ev.data);
    socket.onclose = (ev: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.failAll('connection to the engine closed');
      if (this.closedByUser) return;
      this.setProblem(this.describeClose(ev));
      this.setState('closed');
      this.scheduleReconnect();
      if (!this.everOpened && !AUTH_CLOSE_CODES.has(ev.code)) void this.refineRefusal();
    };
    // onerror carries no detail in browsers; onclose always follows it.
    socket.onerror = () => undefined;
  }

  private describeClose(ev: CloseEvent): string {
    if (AUTH_CLOSE_CODES.has(ev.code)) {
      return `Access denied by the engine${ev.reason ? `: ${ev.reason}` : ''}. The session token in this URL is not valid — open the exact "UI:" link printed by \`tradedesk serve\`.`;
    }
    if (!this.everOpened) {
      if (this.refusal) return this.refusal;
      return `Cannot connect to the engine at ${this.displayUrl()}: the connection was refused. The session token may be wrong or expired — open the exact "UI:" link printed by \`tradedesk serve\`, and check that it is still running.`;
    }
    return `Lost the connection to the engine (code ${ev.code}${ev.reason ? `: ${ev.reason}` : ''}). Reconnecting…`;
  }

  /** Replaces the generic "refused" message once we know whether the host is up. */
  private async refineRefusal(): Promise<void> {
    if (!this.probeHost) return;
    let hostUp: boolean;
    try {
      hostUp = await this.probeHost();
    } catch {
      hostUp = false;
    }
    if (this.state === 'open' || this.everOpened) return;
    this.refusal = hostUp
        ? `The engine at ${this.displayHost()} refused this session token. Each run of \`tradedesk serve\` prints a new one: open the exact "UI:" link it printed.`
        : `Cannot reach the engine at ${this.displayHost()}: is \`tradedesk serve\` still running? Retrying…`;
    this.setProblem(this.refusal);
  }

  private scheduleReconnect(): void {
    if (this.closedByUser) return;
    const base = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** this.failures);
    this.failures += 1;
    const delay = base / 2 + Math.random() * (base / 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.open();
    }, delay);
  }

  private receive(raw: unknown): void {
    if (typeof raw !== 'string') {
      console.warn('[tradedesk] dropped a non-text frame');
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(raw);
    } catch {
      console.warn('[tradedesk] dropped a frame that is not JSON', raw.slice(0, 200));
      return;
    }
    if (typeof msg !== 'object' || msg === null) {
      console.warn('[tradedesk] dropped a frame that is not an object');
      return;
    }
    if ('event' in msg) {
      const event = parseEvent(msg);
      if (!event) {
        console.warn('[tradedesk] dropped an invalid event', (msg as { event: unknown }).event);
        return;
      }
      this.events.emit(event);
      return;
    }
    this.receiveResponse(msg as { id?: unknown; ok?: unknown; result?: unknown; error?: unknown });
  }

  private receiveResponse(msg: { id?: unknown; ok?: unknown; result?: unknown; error?: unknown }): void {
    const pending = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (!pending) {
      // A response with id null is the server refusing a malformed request.
      const err = ApiError.safeParse(msg.error);
      console.warn('[tradedesk] dropped a response with no matching request', msg.id, err.success ? err.data : '');
      return;
    }
    this.pending.delete(msg.id as number);
    clearTimeout(pending.timer);
    if (msg.ok === true) {
      try {
        pending.resolve(parseResult(pending.name, msg.result));
      } catch (e) {
        console.warn('[tradedesk] dropped an invalid result', e);
        pending.reject(e as Error);
      }
      return;
    }
    const err = ApiError.safeParse(msg.error);
    pending.reject(
      err.success
        ? new ApiFailure(err.data.code, err.data.message)
        : new ApiFailure('BAD_RESPONSE', `'${pending.name}' failed with a malformed error`),
    );
  }

  private failAll(why: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ApiFailure('DISCONNECTED', `'${p.name}' interrupted: ${why}`));
      this.pending.delete(id);
    }
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.states.emit(state);
  }

  private setProblem(problem: string | null): void {
    if (problem === this.problem) return;
    this.problem = problem;
    this.problems.emit(problem);
  }

  private displayUrl(): string {
    return this.url.replace(/\?.*$/, '');
  }

  private displayHost(): string {
    return this.url.replace(/^wss?:\/\//, '').replace(/\/.*$/, '');
  }
}
