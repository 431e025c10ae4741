// UI state of the decision log: which bottom tab shows (blotter, decisions,
// performance, reconciliation, health, strategies), which decision's detail is open, and a refresh tick that
// advances when orders change, at most once per second (listDecisions /
// getDecision queries key on it: never one query per event).
import { create } from 'zustand';
import { throttle } from '../lib/throttle.js';
import { useDesk } from './desk-store.js';

export type DockTab = 'blotter' | 'decisions' | 'performance' | 'reconciliation' | 'health' | 'strategies' | 'backtest';

/** Decision log filters; an empty string means "any". */
export interface DecisionFilters {
  text: string;
  symbol: string;
  strategy: string;
  action: '' | 'buy' | 'sell';
  outcome: '' | 'submitted' | 'denied';
}

export const NO_FILTERS: DecisionFilters = { text: '', symbol: '', strategy: '', action: '', outcome: '' };

export interface DecisionUiState {
  tab: DockTab;
  filters: DecisionFilters;
  /** Decision (= client order id) whose detail drawer is open, or null. */
  openId: string | null;
  /** Advances at most once per second while orders change. */
  tick: number;
  /** Strategy names seen in any decision so far (filter choices). */
  strategies: string[];
}

export const REFRESH_MS = 1000;

export const useDecisionUi = create<DecisionUiState>()(() => ({
  tab: 'blotter',
  filters: NO_FILTERS,
  openId: null,
  tick: 0,
  strategies: [],
}));

export function setDockTab(tab: DockTab): void {
  useDecisionUi.setState({ tab });
}

export function setDecisionFilter<K extends keyof DecisionFilters>(key: K, value: DecisionFilters[K]): void {
  useDecisionUi.setState((s) => ({ filters: { ...s.filters, [key]: value } }));
}

export function clearDecisionFilters(): void {
  useDecisionUi.setState({ filters: NO_FILTERS });
}

export function openDecision(id: string): void {
  useDecisionUi.setState({ openId: id });
}

export function closeDecision(): void {
  useDecisionUi.setState({ openId: null });
}

/** Remembers strategy names for the filter; no update when nothing is new. */
export function noteStrategies(names: Iterable<string>): void {
  const known = useDecisionUi.getState().strategies;
  const add = [...new Set(names)].filter((n) => n && !known.includes(n));
  if (add.length) useDecisionUi.setState({ strategies: [...known, ...add].sort() });
}

/** Advances the tick (throttled) whenever the orders snapshot or the connection changes. */
export function startDecisionTicker(ms = REFRESH_MS): () => void {
  const t = throttle(() => useDecisionUi.setState((s) => ({ tick: s.tick + 1 })), ms);
  const off = useDesk.subscribe((s, prev) => {
    if (s.orders !== prev.orders || (s.connection === 'open' && prev.connection !== 'open')) t.trigger();
  });
  return () => {
    off();
    t.cancel();
  };
}
