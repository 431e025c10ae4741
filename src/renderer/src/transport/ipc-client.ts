// Electron transport of the contract: wraps the preload bridge (window.tradedesk).
// Results and events are validated on arrival exactly as over WebSocket.
import type { ConnectionState, PreloadBridge } from '../../../shared/api/client.js';
import type { CommandArgs, CommandName, CommandResult, EngineEvent } from '../../../shared/api/contract.js';
import { ApiError, COMMAND_NAMES } from '../../../shared/api/contract.js';
import { ApiFailure, parseEvent, parseResult } from '../../../shared/api/protocol.js';
import { Emitter } from './emitter.js';
import type { RendererClient } from './renderer-client.js';

/** True when `value` has the bridge's shape (one function per command plus onEvent). */
export function isPreloadBridge(value: unknown): value is PreloadBridge {
  if (typeof value !== 'object' || value === null) return false;
  const rec = value as Record<string, unknown>;
  return typeof rec.onEvent === 'function' && COMMAND_NAMES.every((n) => typeof rec[n] === 'function');
}

export class IpcEngineClient implements RendererClient {
  readonly transport = 'Electron IPC';
  private readonly events = new Emitter<EngineEvent>();
  private readonly unsubscribe: () => void;

  constructor(private readonly bridge: PreloadBridge) {
    this.unsubscribe = bridge.onEvent((message) => {
      const event = parseEvent(message);
      if (!event) {
        console.warn('[tradedesk] dropped an invalid event from IPC');
        return;
      }
      this.events.emit(event);
    });
  }

  async call<N extends CommandName>(name: N, args: CommandArgs<N>): Promise<CommandResult<N>> {
    const fn = this.bridge[name] as (a: CommandArgs<N>) => Promise<unknown>;
    const raw = await fn(args);
    return parseResult(name, unwrap(name, raw));
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    return this.events.on(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    // The IPC link is up as soon as the preload exists.
    listener('open');
    return () => undefined;
  }

  onProblem(listener: (problem: string | null) => void): () => void {
    listener(null);
    return () => undefined;
  }

  close(): void {
    this.unsubscribe();
    this.events.clear();
  }
}

/** Accepts a bare result or a {ok, result|error} envelope from the bridge. */
function unwrap(name: CommandName, raw: unknown): unknown {
  if (typeof raw === 'object' && raw !== null && 'ok' in raw) {
    const env = raw as { ok: unknown; result?: unknown; error?: unknown };
    if (env.ok === true && 'result' in env) return env.result;
    if (env.ok === false) {
      const err = ApiError.safeParse(env.error);
      throw err.success ? new ApiFailure(err.data.code, err.data.message) : new ApiFailure('BAD_RESPONSE', `'${name}' failed`);
    }
  }
  return raw;
}
