// What the UI and the learning component may see and change of the strategies:
// the list (enabled, base weight, kind, last signal, error) and two changes,
// each journaled as an input command and a 'config' record, so a replay
// reproduces it.
import type { Signal } from './signal.js';
import type { StrategyKind } from './signal-strategy.js';

export interface StrategyInfo {
  id: string;
  name: string;
  enabled: boolean;
  baseWeight: number;
  kind: StrategyKind;
  lastSignal?: Signal;
  error?: string;
  /** Symbols whose warm-up history has not arrived: this (enabled) strategy gets none of their bars yet. */
  waitingFor?: string[];
}

export interface StrategyControl {
  list(): StrategyInfo[];
  setEnabled(id: string, on: boolean, actor: string, reason: string): StrategyInfo;
  setWeight(id: string, w: number, actor: string, reason: string): StrategyInfo;
}
