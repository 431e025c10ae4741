// What a host (Electron main, `tradedesk serve`, the CLI batch commands) sees of
// the engine: the contract's command handlers, a coalesced event stream, and
// lifecycle. Hosts depend on this, never on the engine's internals.
import type { EngineEvent, EngineStatus } from '../shared/api/contract.js';
import type { CommandHandlers } from '../shared/api/protocol.js';
import type { EngineConfig } from './core/config.js';

export interface EngineStats {
  /** Messages delivered on the engine's bus since start (market data, orders, fills...). */
  busMessages: number;
  ordersSubmitted: number;
  ordersDenied: number;
  fills: number;
}

export interface EngineHandle {
  readonly config: EngineConfig;
  /** One handler per command of src/shared/api/contract.ts (arguments already validated). */
  readonly handlers: CommandHandlers;
  /**
   * Coalesced UI events: at most one snapshot per topic every config.uiCoalesceMs
   * of wall-clock time, never one message per tick.
   */
  onEvent(listener: (event: EngineEvent) => void): () => void;
  /** Connects the venue, loads history, and starts the clock (paced by config.sim.speed). */
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): EngineStatus;
  readonly stats: EngineStats;
  /**
   * Connects and warms up without starting the real-time driver, so a caller
   * can advance simulated time synchronously with runUntil (bench, backtest).
   */
  prepare(): Promise<void>;
  /** Advances simulated time synchronously to `ts` (after prepare()). */
  runUntil(ts: number): void;
  now(): number;
}
