// The dock's Backtest tab: a form (the simulator's recent bars for some
// symbols, or an uploaded / pasted CSV; strategies, cash, costs, calendar), Run,
// a progress bar with Cancel for each running run, the runs list (show one, tick
// several to compare), and the shown run's report: its calendars and buy-and-hold
// benchmark, equity (the benchmark dashed) and drawdown chart, metrics, monthly
// returns, costs by kind and trades, with "Export HTML". The
// run itself happens on the engine's worker thread; this view only polls.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { BacktestReportData, BacktestRunInfo, BacktestStrategyInfo } from '../../../shared/api/backtest-contract.js';
import type { CommandArgs } from '../../../shared/api/contract.js';
import { calendarsText } from '../../../shared/market-calendars.js';
import { downloadText } from '../lib/download.js';
import { fmtDateTime, fmtMoney, fmtNum, fmtPct, fmtQty, pnlClass } from '../lib/format.js';
import { putReport, setBacktestError, setBacktestMode, setRuns, showRun, toggleCompare, useBacktestUi } from '../store/backtest-store.js';
import { notify, useDesk } from '../store/desk-store.js';
import { errorMessage } from '../transport/errors.js';
import type { RendererClient } from '../transport/renderer-client.js';
import { CompareChart, COMPARE_COLORS, EquityDrawdownChart } from './BacktestCharts.js';
import { useClient } from './client-context.js';
import './backtest.css';

const POLL_RUNNING_MS = 400;
const POLL_IDLE_MS = 3000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const COST_LABEL: Record<string, string> = { spread: 'Spread (half)', slippage: 'Slippage', impact: 'Market impact', fees: 'Fees', total: 'Total' };

/** backtestList while mounted: quickly while a run is running, slowly otherwise; fetches each newly finished run's report once. */
function useRunsPolling(client: RendererClient | null): void {
  const connected = useDesk((s) => s.connection === 'open');
  const running = useBacktestUi((s) => s.runs.some((r) => r.state === 'running'));
  useEffect(() => {
    if (!client || !connected) return;
    let live = true;
    const load = async () => {
      try {
        const runs = await client.call('backtestList', {});
        if (!live) return;
        setRuns(runs);
        const have = useBacktestUi.getState().reports;
        for (const r of runs.filter((x) => x.state === 'done' && !have[x.id])) {
          const res = await client.call('backtestResult', { id: r.id });
          if (live) putReport(r.id, res.report);
        }
      } catch (e) {
        if (live) setBacktestError(errorMessage(e));
      }
    };
    void load();
    const t = setInterval(() => void load(), running ? POLL_RUNNING_MS : POLL_IDLE_MS);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [client, connected, running]);
}

export function BacktestSummaryLine() {
  const runs = useBacktestUi((s) => s.runs);
  const running = runs.filter((r) => r.state === 'running').length;
  return (
    <span className="muted">
      {runs.length} run{runs.length === 1 ? '' : 's'}
      {running ? ` · ${running} running` : ''}
    </span>
  );
}

export function BacktestView() {
  const client = useClient();
  useRunsPolling(client);
  const { runs, shown, compare, mode, reports, error } = useBacktestUi();
  const shownRun = runs.find((r) => r.id === shown) ?? null;
  return (
    <div className="bt" data-testid="backtest-view">
      <BacktestForm client={client} />
      <div className="bt-main">
        {error && (
          <div className="inline-error" role="alert">
            {error}
          </div>
        )}
        <RunsTable runs={runs} shown={shown} compare={compare} />
        {mode === 'compare' && compare.length >= 2 ? (
          <CompareView runs={runs.filter((r) => compare.includes(r.id))} reports={reports} />
        ) : shownRun ? (
          <RunReport run={shownRun} report={reports[shownRun.id] ?? null} client={client} />
        ) : (
          <div className="perf-note">Run a backtest, or pick one from the list to see its report.</div>
        )}
      </div>
    </div>
  );
}

type RunArgs = CommandArgs<'backtestRun'>;

function BacktestForm({ client }: { client: RendererClient | null }) {
  const instruments = useDesk((s) => s.instruments);
  const [source, setSource] = useState<'sim' | 'csv'>('sim');
  const [symbols, setSymbols] = useState('');
  const [limit, setLimit] = useState('1000');
  const [bh, setBh] = useState(true);
  const [ma, setMa] = useState(true);
  const [maParams, setMaParams] = useState('fast=5,slow=20');
  // signal strategies (through the ensemble): '' = none, 'ensemble' = the default set, or one strategy
  const [catalog, setCatalog] = useState<BacktestStrategyInfo[]>([]);
  const [signal, setSignal] = useState('');
  const [signalParams, setSignalParams] = useState('');
  const [cash, setCash] = useState('100000');
  const [costs, setCosts] = useState<'model' | 'none'>('model');
  const [calendar, setCalendar] = useState<'auto' | 'nyse' | '24x7'>('auto');
  const [label, setLabel] = useState('');
  const [csv, setCsv] = useState('');
  const [csvName, setCsvName] = useState('pasted.csv');
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const defaultSymbols = instruments.slice(0, 2).map((i) => i.symbol).join(', ');

  useEffect(() => {
    if (!client) return;
    let live = true;
    client.call('backtestStrategies', {}).then(
      (list) => live && setCatalog(list),
      (e: unknown) => live && setFormError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [client]);
  const signalInfo = catalog.find((c) => c.name === signal);

  const run = async () => {
    if (!client) return;
    const strategies = signal
      ? [`${signal}${signalParams.trim() ? `:${signalParams.trim()}` : ''}`]
      : [...(bh ? ['buy_and_hold'] : []), ...(ma ? [`ma_cross${maParams.trim() ? `:${maParams.trim()}` : ''}`] : [])];
    const src: RunArgs['source'] =
      source === 'sim'
        ? { kind: 'sim', symbols: (symbols.trim() || defaultSymbols).split(/[\s,]+/).filter(Boolean).map((s) => s.toUpperCase()), limit: Number(limit) }
        : { kind: 'csv', text: csv, name: csvName };
    setBusy(true);
    setFormError(null);
    try {
      const info = await client.call('backtestRun', { source: src, strategies, cash: Number(cash), costs, calendar, ...(label.trim() ? { label: label.trim() } : {}) });
      setRuns([info, ...useBacktestUi.getState().runs.filter((r) => r.id !== info.id)]);
      showRun(info.id);
    } catch (e) {
      setFormError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setCsv(await file.text());
    setCsvName(file.name);
  };

  return (
    <form
      className="bt-form"
      aria-label="New backtest"
      onSubmit={(ev) => {
        ev.preventDefault();
        void run();
      }}
    >
      <div className="perf-side-title">New backtest</div>
      <fieldset className="bt-fields">
        <legend className="bt-legend">Bars</legend>
        <label className="bt-radio">
          <input type="radio" name="bt-source" checked={source === 'sim'} onChange={() => setSource('sim')} /> Simulator history
        </label>
        <label className="bt-radio">
          <input type="radio" name="bt-source" checked={source === 'csv'} onChange={() => setSource('csv')} /> CSV file
        </label>
        {source === 'sim' ? (
          <>
            <label className="bt-field">
              Symbols
              <input className="ctl-input" value={symbols} placeholder={defaultSymbols} onChange={(e) => setSymbols(e.target.value)} />
            </label>
            <label className="bt-field">
              Bars per symbol
              <input className="ctl-input" type="number" min={10} max={5000} value={limit} onChange={(e) => setLimit(e.target.value)} />
            </label>
          </>
        ) : (
          <>
            <label className="bt-field">
              Upload CSV
              <input type="file" accept=".csv,text/csv" onChange={(e) => void onFile(e.target.files?.[0])} />
            </label>
            <label className="bt-field">
              CSV text
              <textarea className="ctl-input bt-csv" rows={4} value={csv} placeholder="timestamp,open,high,low,close,volume,symbol" onChange={(e) => setCsv(e.target.value)} />
            </label>
          </>
        )}
      </fieldset>
      <fieldset className="bt-fields">
        <legend className="bt-legend">Strategies</legend>
        <label className="bt-check">
          <input type="checkbox" checked={bh} disabled={!!signal} onChange={(e) => setBh(e.target.checked)} /> Buy and hold
        </label>
        <label className="bt-check">
          <input type="checkbox" checked={ma} disabled={!!signal} onChange={(e) => setMa(e.target.checked)} /> MA crossover
        </label>
        <label className="bt-field">
          MA crossover parameters
          <input className="ctl-input" value={maParams} disabled={!ma || !!signal} onChange={(e) => setMaParams(e.target.value)} />
        </label>
        <label className="bt-field">
          Signal strategies (ensemble)
          <select
            className="ctl-select"
            aria-label="Signal strategies"
            value={signal}
            onChange={(e) => {
              setSignal(e.target.value);
              setSignalParams('');
            }}
          >
            <option value="">None (use the strategies above)</option>
            {catalog
              .filter((c) => c.kind !== 'order')
              .map((c) => (
                <option key={c.name} value={c.name}>
                  {c.kind === 'ensemble' ? `Ensemble: default set (${c.params.length})` : c.name}
                </option>
              ))}
          </select>
        </label>
        {signalInfo && signalInfo.kind === 'signal' && (
          <label className="bt-field">
            Parameters
            <input className="ctl-input" value={signalParams} placeholder={signalInfo.params.map((p) => `${p}=…`).join(',')} onChange={(e) => setSignalParams(e.target.value)} />
          </label>
        )}
        {signalInfo && signalInfo.kind === 'ensemble' && <div className="muted bt-note">{signalInfo.params.join(', ')}</div>}
      </fieldset>
      <label className="bt-field">
        Starting cash
        <input className="ctl-input" type="number" min={1} value={cash} onChange={(e) => setCash(e.target.value)} />
      </label>
      <label className="bt-field">
        Costs
        <select className="ctl-select" aria-label="Costs" value={costs} onChange={(e) => setCosts(e.target.value as 'model' | 'none')}>
          <option value="model">Cost model</option>
          <option value="none">None (frictionless)</option>
        </select>
      </label>
      <label className="bt-field" title="The stocks' exchange hours: when the market is open, when day orders expire and daily bars close, when intraday strategies flatten, which missing bars are gaps. Crypto pairs trade around the clock.">
        Calendar
        <select className="ctl-select" aria-label="Calendar" value={calendar} onChange={(e) => setCalendar(e.target.value as 'auto' | 'nyse' | '24x7')}>
          <option value="auto">Auto (from the bars)</option>
          <option value="nyse">NYSE sessions</option>
          <option value="24x7">24x7</option>
        </select>
      </label>
      <label className="bt-field">
        Run name
        <input className="ctl-input" value={label} placeholder="optional" maxLength={80} onChange={(e) => setLabel(e.target.value)} />
      </label>
      {formError && (
        <div className="inline-error" role="alert" data-testid="bt-form-error">
          {formError}
        </div>
      )}
      <button type="submit" className="btn btn-primary" disabled={busy || !client}>
        Run backtest
      </button>
    </form>
  );
}

function RunsTable({ runs, shown, compare }: { runs: BacktestRunInfo[]; shown: string | null; compare: string[] }) {
  const client = useClient();
  const comparable = compare.filter((id) => runs.find((r) => r.id === id)?.state === 'done');
  if (runs.length === 0) return null;
  return (
    <div className="bt-runs">
      <table className="grid-table" aria-label="Backtest runs">
        <thead>
          <tr>
            <th className="c">Compare</th>
            <th className="l">Run</th>
            <th className="l">Bars</th>
            <th className="l">State</th>
            <th>Return</th>
            <th>Max DD</th>
            <th>Trades</th>
            <th className="l" />
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} className={r.id === shown ? 'selected' : ''} data-testid="bt-run-row" data-run-id={r.id} data-state={r.state}>
              <td className="c">
                <input type="checkbox" aria-label={`Compare ${r.label}`} disabled={r.state !== 'done'} checked={compare.includes(r.id)} onChange={(e) => toggleCompare(r.id, e.target.checked)} />
              </td>
              <td className="l">{r.label}</td>
              <td className="l bt-src" title={`${r.source} · ${r.strategies.join(', ')}`}>
                {r.source}
              </td>
              <td className="l">{r.state === 'running' ? <Progress run={r} client={client} /> : <span title={r.error ?? undefined}>{r.state}</span>}</td>
              <td className={`num ${pnlClass(r.summary?.totalReturn)}`}>{fmtPct(r.summary?.totalReturn)}</td>
              <td className="num">{fmtPct(r.summary?.maxDrawdown, false)}</td>
              <td className="num">{r.summary ? r.summary.trades : '—'}</td>
              <td className="l">
                <button type="button" className="btn btn-xs" aria-label={`Show ${r.label}`} onClick={() => showRun(r.id)}>
                  Show
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="btn btn-xs" disabled={comparable.length < 2} onClick={() => setBacktestMode('compare')}>
        Compare selected ({comparable.length})
      </button>
    </div>
  );
}

function Progress({ run, client }: { run: BacktestRunInfo; client: RendererClient | null }) {
  const pct = run.total > 0 ? Math.round((100 * run.done) / run.total) : 0;
  return (
    <span className="bt-progress">
      <span role="progressbar" aria-label={`Progress of ${run.label}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} className="bt-bar" data-testid="bt-progress">
        <span className="bt-bar-fill" style={{ width: `${pct}%` }} />
      </span>
      <span className="num">{pct}%</span>
      <button
        type="button"
        className="btn btn-xs btn-danger"
        aria-label={`Cancel ${run.label}`}
        onClick={() => client?.call('backtestCancel', { id: run.id }).catch((e: unknown) => notify('error', `Cancel failed: ${errorMessage(e)}`))}
      >
        Cancel
      </button>
    </span>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    // focusable: a section can scroll, and keyboard users must reach it (axe scrollable-region-focusable)
    <section className="bt-section" aria-label={title} tabIndex={0}>
      <div className="perf-side-title">{title}</div>
      {children}
    </section>
  );
}

function RunReport({ run, report, client }: { run: BacktestRunInfo; report: BacktestReportData | null; client: RendererClient | null }) {
  if (run.state !== 'done') {
    return (
      <div className="perf-note" data-testid="bt-run-state">
        {run.label}: {run.state}
        {run.error ? ` — ${run.error}` : ''}
      </div>
    );
  }
  if (!report) return <div className="perf-note">Loading the report…</div>;
  const s = report.summary;
  const exportHtml = async () => {
    if (!client) return;
    try {
      const r = await client.call('backtestHtml', { id: run.id });
      downloadText(r.content, r.filename, r.mime);
    } catch (e) {
      notify('error', `Export failed: ${errorMessage(e)}`);
    }
  };
  return (
    <div className="bt-report" data-testid="bt-report" data-run-id={run.id}>
      <div className="bt-report-head">
        <b>{run.label}</b>
        <span className="muted">
          {report.run.symbols.join(', ')} · {report.run.bars} bars · {fmtDateTime(report.run.from)} → {fmtDateTime(report.run.to)} ·{' '}
          <span data-testid="bt-calendars">{calendarsText(report.run.calendars)}</span>
        </span>
        <span className={pnlClass(s.totalReturn)}>
          {fmtMoney(s.finalEquity)} ({fmtPct(s.totalReturn)})
        </span>
        <span>Max DD {fmtPct(report.maxDrawdown.depth, false)}</span>
        <span data-testid="bt-benchmark" title="Equal-weight buy and hold of the symbols, no costs: the dashed line on the equity chart">
          Buy and hold <span className={pnlClass(s.benchmarkReturn)}>{fmtPct(s.benchmarkReturn)}</span>, max DD {fmtPct(s.benchmarkMaxDrawdown, false)}
        </span>
        <button type="button" className="btn btn-xs" onClick={() => void exportHtml()}>
          Export HTML
        </button>
      </div>
      <EquityDrawdownChart report={report} />
      <div className="bt-grid">
        <Section title="Monthly returns">
          <table className="grid-table" aria-label="Monthly returns" data-testid="bt-monthly">
            <thead>
              <tr>
                <th className="l">Year</th>
                {MONTHS.map((m) => (
                  <th key={m}>{m}</th>
                ))}
                <th>Year</th>
              </tr>
            </thead>
            <tbody>
              {report.years.map((y) => (
                <tr key={y.year}>
                  <td className="l">{y.year}</td>
                  {y.months.map((r, i) => (
                    <td key={i} className={`num ${pnlClass(r)}`}>
                      {r === null ? '' : fmtPct(r)}
                    </td>
                  ))}
                  <td className={`num ${pnlClass(y.total)}`}>{fmtPct(y.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
        <Section title="Costs by kind">
          <table className="grid-table" aria-label="Costs by kind" data-testid="bt-costs">
            <thead>
              <tr>
                <th className="l">Cost</th>
                <th>Estimated</th>
                <th>Charged</th>
              </tr>
            </thead>
            <tbody>
              {report.costs.rows.map((c) => (
                <tr key={c.kind} data-kind={c.kind}>
                  <td className="l">{COST_LABEL[c.kind]}</td>
                  <td className="num">{fmtMoney(c.estimated)}</td>
                  <td className="num">{fmtMoney(c.charged)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="perf-foot muted">
            Post-trade, against the arrival mid (a resting limit's own price): estimated {fmtMoney(report.costs.estimatedVsArrival)}, realized {fmtMoney(report.costs.realizedVsArrival)} over {report.costs.fills} fills.
          </div>
        </Section>
        <Section title="Metrics">
          <MetricsTable report={report} />
        </Section>
      </div>
      <Section title={`Trades (${report.tradesTotal})`}>
        <table className="grid-table" aria-label="Trades" data-testid="bt-trades">
          <thead>
            <tr>
              <th className="l">Strategy</th>
              <th className="l">Symbol</th>
              <th className="l">Side</th>
              <th>Qty</th>
              <th className="l">Entry</th>
              <th>Entry price</th>
              <th className="l">Exit</th>
              <th>Exit price</th>
              <th>Fees</th>
              <th>P&amp;L</th>
            </tr>
          </thead>
          <tbody>
            {report.trades.map((t, i) => (
              <tr key={i} data-testid="bt-trade-row">
                <td className="l">{t.strategy}</td>
                <td className="l">{t.symbol}</td>
                <td className="l">{t.side}</td>
                <td className="num">{fmtQty(t.qty)}</td>
                <td className="l">{fmtDateTime(t.entryTs)}</td>
                <td className="num">{fmtNum(t.entryPrice)}</td>
                <td className="l">{t.open ? 'open' : fmtDateTime(t.exitTs)}</td>
                <td className="num">{fmtNum(t.exitPrice)}</td>
                <td className="num">{fmtMoney(t.fees)}</td>
                <td className={`num ${pnlClass(t.pnl)}`}>{fmtMoney(t.pnl, true)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}

function MetricsTable({ report }: { report: BacktestReportData }) {
  const s = report.summary;
  const rows: Array<[string, string]> = [
    ['Final equity', fmtMoney(s.finalEquity)],
    ['Return', fmtPct(s.totalReturn)],
    ['Max drawdown', fmtPct(report.maxDrawdown.depth, false)],
    ['Trades (closed / open)', `${s.trades} / ${s.openTrades}`],
    ['Win rate', fmtPct(s.winRate, false)],
    ['Turnover', `${s.turnover.toFixed(2)}×`],
    ['Costs', fmtMoney(s.totalCosts)],
    ['Orders sent / denied / skipped', `${s.ordersSubmitted} / ${s.ordersDenied} / ${s.ordersSkipped}`],
    ['Sharpe', report.metrics?.sharpe == null ? '—' : `${report.metrics.sharpe.toFixed(2)} (${report.daysPerYear} days a year)`],
  ];
  return (
    <table className="grid-table metrics-table" aria-label="Backtest metrics">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <td className="l">{k}</td>
            <td className="num">{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CompareView({ runs, reports }: { runs: BacktestRunInfo[]; reports: Record<string, BacktestReportData> }) {
  const ready = useMemo(() => runs.flatMap((r) => (reports[r.id] ? [{ id: r.id, label: r.label, report: reports[r.id]! }] : [])), [runs, reports]);
  const rows: Array<[string, (r: BacktestRunInfo, rep: BacktestReportData) => string]> = [
    ['Bars', (r) => r.source],
    ['Strategies', (r) => r.strategies.join(', ')],
    ['Final equity', (_r, rep) => fmtMoney(rep.summary.finalEquity)],
    ['Return', (_r, rep) => fmtPct(rep.summary.totalReturn)],
    ['Buy and hold', (_r, rep) => fmtPct(rep.summary.benchmarkReturn)],
    ['Max drawdown', (_r, rep) => fmtPct(rep.maxDrawdown.depth, false)],
    ['Trades', (_r, rep) => String(rep.summary.trades)],
    ['Win rate', (_r, rep) => fmtPct(rep.summary.winRate, false)],
    ['Costs', (_r, rep) => fmtMoney(rep.summary.totalCosts)],
    ['Sharpe', (_r, rep) => (rep.metrics?.sharpe == null ? '—' : rep.metrics.sharpe.toFixed(2))],
  ];
  return (
    <div className="bt-report" data-testid="bt-compare">
      <div className="bt-report-head">
        <b>Comparing {ready.length} runs</b>
        {ready.map((r, i) => (
          <span key={r.id} className="bt-legend-item">
            <span className="bt-swatch" style={{ background: COMPARE_COLORS[i % COMPARE_COLORS.length] }} />
            {r.label}
          </span>
        ))}
        <button type="button" className="btn btn-xs" onClick={() => setBacktestMode('run')}>
          Back to run
        </button>
      </div>
      <CompareChart runs={ready} />
      <table className="grid-table" aria-label="Compared metrics" data-testid="bt-compare-table">
        <thead>
          <tr>
            <th className="l">Metric</th>
            {ready.map((r) => (
              <th key={r.id}>{r.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, f]) => (
            <tr key={name} data-metric={name}>
              <td className="l">{name}</td>
              {ready.map((r) => (
                <td key={r.id} className="num">
                  {f(runs.find((x) => x.id === r.id)!, r.report)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
