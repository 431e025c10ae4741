// The renderer's single zustand store: connection, the engine snapshot kept
// current by events, instruments, quotes, bar history per symbol, the chart
// selection, the history download progress and the last command notice. Updates arrive in frame batches.
import { create } from 'zustand';
import type { ConnectionState } from '../../../shared/api/client.js';
import type { EngineStatus, EventPayload, RiskGauges, Snapshot } from '../../../shared/api/contract.js';
import type { Account, Alert, Bar, Instrument, Order, Position, Quote } from '../../../shared/domain.js';
import { combineHistory, mergeBars } from './bars.js';
import type { EventBatch } from './frame-batcher.js';

export interface Notice {
  kind: 'error' | 'info';
  text: string;
  at: number;
}

export interface DeskState {
  connection: ConnectionState;
  transport: string;
  /** Why the link is unhealthy (bad token, unreachable), or null. */
  problem: string | null;
  /** Set once the first snapshot arrived on the current connection. */
  synced: boolean;
  status: EngineStatus | null;
  account: Account | null;
  positions: Position[];
  orders: Order[];
  alerts: Alert[];
  /** Live risk gauges (the 'risk' event), or null until the first one arrives. */
  risk: RiskGauges | null;
  /** When (Date.now()) the last risk event was applied; 0 before any. */
  riskAt: number;
  /** The last 'dataProgress' event (historical data download), or null before any. */
  dataProgress: EventPayload<'dataProgress'> | null;
  instruments: Instrument[];
  quotes: Record<string, Quote>;
  bars: Record<string, Bar[]>;
  /** Symbols whose history has been loaded. */
  historyLoaded: Record<string, boolean>;
  /** Reference price per symbol for the watchlist change (open of the loaded history). */
  refPrice: Record<string, number>;
  selected: string | null;
  notice: Notice | null;
}

export const initialDeskState: DeskState = {
  connection: 'connecting',
  transport: '',
  problem: null,
  synced: false,
  status: null,
  account: null,
  positions: [],
  orders: [],
  alerts: [],
  risk: null,
  riskAt: 0,
  dataProgress: null,
  instruments: [],
  quotes: {},
  bars: {},
  historyLoaded: {},
  refPrice: {},
  selected: null,
  notice: null,
};

export const useDesk = create<DeskState>()(() => ({ ...initialDeskState }));

export function applySnapshot(snap: Snapshot): void {
  useDesk.setState({
    status: snap.status,
    account: snap.account,
    positions: snap.positions,
    orders: snap.orders,
    alerts: snap.alerts,
    synced: true,
  });
}

export function applyStatus(status: EngineStatus): void {
  useDesk.setState({ status });
}

/** Applies one frame's worth of events in a single store update. */
export function applyBatch(batch: EventBatch): void {
  useDesk.setState((s) => {
    const next: Partial<DeskState> = {};
    if (batch.status) next.status = batch.status;
    if (batch.account) next.account = batch.account;
    if (batch.positions) next.positions = batch.positions;
    if (batch.orders) next.orders = batch.orders;
    if (batch.alerts) next.alerts = batch.alerts;
    if (batch.risk) {
      next.risk = batch.risk;
      next.riskAt = Date.now();
    }
    if (batch.dataProgress) next.dataProgress = batch.dataProgress;
    if (batch.quotes.size) {
      const quotes = { ...s.quotes };
      for (const [sym, q] of batch.quotes) quotes[sym] = q;
      next.quotes = quotes;
    }
    if (batch.bars.size) {
      const bars = { ...s.bars };
      for (const [sym, list] of batch.bars) bars[sym] = mergeBars(bars[sym] ?? [], list);
      next.bars = bars;
    }
    return next;
  });
}

export function setInstruments(instruments: Instrument[]): void {
  useDesk.setState((s) => ({
    instruments,
    selected: s.selected && instruments.some((i) => i.symbol === s.selected) ? s.selected : (instruments[0]?.symbol ?? null),
  }));
}

export function setHistory(symbol: string, history: Bar[]): void {
  useDesk.setState((s) => {
    const bars = combineHistory(history, s.bars[symbol] ?? []);
    const first = bars[0];
    return {
      bars: { ...s.bars, [symbol]: bars },
      historyLoaded: { ...s.historyLoaded, [symbol]: true },
      refPrice: first ? { ...s.refPrice, [symbol]: first.open } : s.refPrice,
    };
  });
}

export function selectSymbol(symbol: string): void {
  useDesk.setState({ selected: symbol });
}

export function setConnection(connection: ConnectionState): void {
  useDesk.setState(connection === 'open' ? { connection } : { connection, synced: false });
}

export function setProblem(problem: string | null): void {
  useDesk.setState({ problem });
}

export function notify(kind: Notice['kind'], text: string): void {
  useDesk.setState({ notice: { kind, text, at: Date.now() } });
}

export function clearNotice(): void {
  useDesk.setState({ notice: null });
}
