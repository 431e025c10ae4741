// UI state of the Backtest tab, kept while other tabs show: the engine's runs
// (backtestList, polled by the view), the run shown, the runs ticked for
// comparison, and the reports fetched so far (a finished run's report never
// changes, so it is fetched once).
import { create } from 'zustand';
import type { BacktestReportData, BacktestRunInfo } from '../../../shared/api/backtest-contract.js';

export interface BacktestUiState {
  runs: BacktestRunInfo[];
  shown: string | null;
  compare: string[];
  /** 'run': the shown run's report; 'compare': the ticked runs side by side. */
  mode: 'run' | 'compare';
  reports: Record<string, BacktestReportData>;
  error: string | null;
}

export const useBacktestUi = create<BacktestUiState>()(() => ({ runs: [], shown: null, compare: [], mode: 'run', reports: {}, error: null }));

export function setRuns(runs: BacktestRunInfo[]): void {
  useBacktestUi.setState((s) => ({ runs, compare: s.compare.filter((id) => runs.some((r) => r.id === id)) }));
}

export function showRun(id: string): void {
  useBacktestUi.setState({ shown: id, mode: 'run' });
}

export function toggleCompare(id: string, on: boolean): void {
  useBacktestUi.setState((s) => ({ compare: on ? [...new Set([...s.compare, id])] : s.compare.filter((x) => x !== id) }));
}

export function setBacktestMode(mode: BacktestUiState['mode']): void {
  useBacktestUi.setState({ mode });
}

export function putReport(id: string, report: BacktestReportData): void {
  useBacktestUi.setState((s) => ({ reports: { ...s.reports, [id]: report } }));
}

export function setBacktestError(error: string | null): void {
  useBacktestUi.setState({ error });
}
