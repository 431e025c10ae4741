// Portfolio analytics on demand: Compute runs riskAnalytics on the engine (off
// its main thread) and shows VaR / expected shortfall per confidence, the
// stress scenarios, Monte Carlo drawdown percentiles, a compact correlation
// heat map of the holdings and the engine's warnings.
import type { RiskAnalytics } from '../../../shared/api/contract.js';
import { fmtMoney, fmtNum, fmtPct, fmtTime, pnlClass } from '../lib/format.js';
import { runAnalytics, useRiskUi } from '../store/risk-store.js';
import { useDesk } from '../store/desk-store.js';
import { useClient } from './client-context.js';
import './risk-analytics.css';

export function RiskAnalyticsView() {
  const client = useClient();
  const connected = useDesk((s) => s.connection === 'open');
  const analytics = useRiskUi((s) => s.analytics);
  const busy = useRiskUi((s) => s.analyticsBusy);
  const error = useRiskUi((s) => s.analyticsError);
  return (
    <section className="rsec" data-testid="risk-analytics" data-computed-at={analytics?.computedAt ?? ''}>
      <h3 className="rsec-title">
        Portfolio analytics
        <span className="rsec-extra">
          {analytics && <span className="muted mono">{fmtTime(analytics.computedAt)} UTC</span>}
          <button
            type="button"
            className="btn btn-xs btn-primary"
            data-testid="analytics-compute"
            disabled={!client || !connected || busy}
            onClick={() => client && void runAnalytics(client)}
            title="Historical and parametric VaR, expected shortfall, stress tests, Monte Carlo drawdowns and correlations of the current holdings"
          >
            {busy ? 'Computing…' : analytics ? 'Recompute' : 'Compute'}
          </button>
        </span>
      </h3>
      {error && (
        <div className="inline-error" role="alert" data-testid="analytics-error">
          Analytics failed: {error}
        </div>
      )}
      {!analytics && !error && <div className="rsec-empty">Not computed yet. Compute runs on the engine, off its trading thread.</div>}
      {analytics && <AnalyticsBody a={analytics} />}
    </section>
  );
}

function AnalyticsBody({ a }: { a: RiskAnalytics }) {
  const pv = a.portfolioValue;
  return (
    <div className="analytics">
      <div className="an-summary">
        <span>
          Net value <b>{fmtMoney(pv)}</b>
        </span>
        <span>
          Gross <b>{fmtMoney(a.grossExposure)}</b>
        </span>
        <span title={a.horizon}>
          <b>{a.observations}</b> obs · 1-day horizon
        </span>
      </div>
      {a.warnings.length > 0 && (
        <ul className="an-warnings" data-testid="analytics-warnings">
          {a.warnings.map((w) => (
            <li key={w} data-testid="analytics-warning">
              {w}
            </li>
          ))}
        </ul>
      )}
      {(a.var.length > 0 || a.stress.length > 0) && (
        <div className="an-tables">
          <table className="grid-table an-table">
            <thead>
              <tr>
                <th className="l">Conf</th>
                <th title="Historical simulation">Hist VaR</th>
                <th title="Normal (variance-covariance)">Param VaR</th>
                <th title="Expected shortfall (mean loss beyond VaR)">ES</th>
              </tr>
            </thead>
            <tbody>
              {a.var.map((v) => (
                <tr key={v.confidence} data-testid="analytics-var-row" data-confidence={v.confidence} data-historical={v.historical ?? ''}>
                  <td className="l">{fmtNum(v.confidence * 100)}%</td>
                  <td className="num">{fmtMoney(v.historical)}</td>
                  <td className="num">{fmtMoney(v.parametric)}</td>
                  <td className="num">{fmtMoney(v.expectedShortfall)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="grid-table an-table">
            <thead>
              <tr>
                <th className="l">Stress</th>
                <th>P&amp;L</th>
                <th>% value</th>
              </tr>
            </thead>
            <tbody>
              {a.stress.map((s) => (
                <tr key={s.name} data-testid="analytics-stress-row" data-name={s.name} data-pnl={s.pnl}>
                  <td className="l">{s.name}</td>
                  <td className={`num ${pnlClass(s.pnl)}`}>{fmtMoney(s.pnl, true)}</td>
                  <td className={`num ${pnlClass(s.pnlPct)}`}>{fmtPct(s.pnlPct)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {a.monteCarlo && (
        <div className="an-mc" data-testid="analytics-mc" data-p50={a.monteCarlo.p50} data-p95={a.monteCarlo.p95} data-p99={a.monteCarlo.p99}>
          <span className="an-mc-title" title={`Monte Carlo: maximum drawdown over ${a.monteCarlo.horizonDays} trading days, ${a.monteCarlo.paths.toLocaleString('en-US')} paths`}>
            MC max drawdown · {a.monteCarlo.horizonDays}d
          </span>
          <span>
            p50 <b>{fmtPct(a.monteCarlo.p50, false)}</b>
          </span>
          <span>
            p95 <b className="warn-text">{fmtPct(a.monteCarlo.p95, false)}</b>
          </span>
          <span>
            p99 <b className="down">{fmtPct(a.monteCarlo.p99, false)}</b>
          </span>
        </div>
      )}
      {a.correlation.symbols.length > 1 && <CorrelationMap c={a.correlation} />}
    </div>
  );
}

/** Blue for negative, red for positive correlation; the diagonal is dimmed. */
function cellColor(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'transparent';
  const a = Math.min(1, Math.abs(v));
  return v >= 0 ? `rgba(242, 54, 69, ${0.1 + a * 0.75})` : `rgba(61, 139, 253, ${0.1 + a * 0.75})`;
}

function CorrelationMap({ c }: { c: RiskAnalytics['correlation'] }) {
  const n = c.symbols.length;
  return (
    <div className="corr" data-testid="analytics-correlation" data-symbols={n}>
      <div className="corr-head">
        Correlation of holdings
        <span className="muted">avg pairwise {c.averagePairwise !== null ? c.averagePairwise.toFixed(2) : '—'}</span>
      </div>
      <div className="corr-grid" style={{ gridTemplateColumns: `64px repeat(${n}, minmax(0, 1fr))` }}>
        <div />
        {c.symbols.map((s) => (
          <div key={`h-${s}`} className="corr-col" title={s}>
            {s.replace('/USD', '')}
          </div>
        ))}
        {c.symbols.map((row, i) => [
          <div key={`r-${row}`} className="corr-row" title={row}>
            {row.replace('/USD', '')}
          </div>,
          ...c.symbols.map((col, j) => {
            const v = c.matrix[i]?.[j] ?? null;
            return (
              <div
                key={`${row}-${col}`}
                className={`corr-cell ${i === j ? 'diag' : ''}`}
                style={{ background: i === j ? undefined : cellColor(v) }}
                title={`${row} × ${col}: ${v !== null ? v.toFixed(3) : 'n/a'}`}
              >
                {i === j ? '' : v !== null ? (Math.abs(v) < 0.005 ? '0.00' : v.toFixed(2).replace('-', '−')) : '·'}
              </div>
            );
          }),
        ])}
      </div>
    </div>
  );
}
