// The benchmark list run by `tradedesk bench`. Each file benchmarks one thing
// and names its peer (a baseline measured in the same run) so a number always
// comes with something to compare it to.
import { ctlHaltLatency } from './ctl-halt-latency.js';
import { dataDownload } from './data-download.js';
import { engineEventsPerSecond } from './engine-events.js';
import { featuresUpdate } from './features.js';
import { riskPretradeCheck } from './risk-pretrade.js';
import { journalBenchmarks } from './journal.js';
import { backtestBenchmark } from './backtest.js';
import { uiEventLatency, uiPan, uiRender } from './ui.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** What the value is compared with (measured in the same run). */
  peer?: string;
  peer_value?: number;
  /** value / peer_value, unless the benchmark's header says otherwise (features: peer / ours). */
  ratio?: number;
  /** Further figures of the same run (percentiles, CPU time), named with their unit. */
  detail?: Record<string, number>;
  /** Set when the benchmark could not run here (e.g. no Chromium for ui.*): why; value is then NaN (null in JSON). */
  skipped?: string;
}

export interface BenchOptions {
  /** Smaller sample sizes (TRADEDESK_BENCH_QUICK=1): for tests, not for numbers. */
  quick: boolean;
  log: (line: string) => void;
}

export interface Benchmark {
  name: string;
  run(opts: BenchOptions): Promise<BenchResult[]>;
}

export const benchmarks: Benchmark[] = [
  { name: 'engine.events_per_s', run: engineEventsPerSecond },
  { name: 'ctl.halt_latency_ms_p99', run: ctlHaltLatency },
  { name: 'data.download_300x300', run: dataDownload },
  { name: 'risk.pretrade_check_us_p99', run: riskPretradeCheck },
  { name: 'journal', run: journalBenchmarks },
  { name: 'features.update_ns_per_bar', run: featuresUpdate },
  { name: 'backtest', run: backtestBenchmark },
  { name: 'ui.chart_200k_render_ms', run: uiRender },
  { name: 'ui.event_latency_ms_p99', run: uiEventLatency },
  { name: 'ui.pan_fps', run: uiPan },
];
