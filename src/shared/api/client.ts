// The EngineClient the renderer and the CLI hold. It never reveals which
// transport carries it (Electron IPC or WebSocket).
import type { CommandArgs, CommandName, CommandResult, EngineEvent } from './contract.js';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface EngineClient {
  call<N extends CommandName>(name: N, args: CommandArgs<N>): Promise<CommandResult<N>>;
  /** Subscribes to validated engine events; returns an unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** Human name of the transport, for the status bar ("Electron IPC", "WebSocket"). */
  readonly transport: string;
  close(): void;
}

/**
 * The surface the preload script exposes on window.tradedesk: one function per
 * contract command, plus an event subscription. Nothing else crosses the bridge.
 */
export type PreloadBridge = {
  [N in CommandName]: (args: CommandArgs<N>) => Promise<unknown>;
} & {
  onEvent(listener: (message: unknown) => void): () => void;
};

/** IPC channel names used by the Electron transport. */
export const IPC_COMMAND_CHANNEL = 'tradedesk:command';
export const IPC_EVENT_CHANNEL = 'tradedesk:event';
