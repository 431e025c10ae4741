// The risk panel's gauges: gross exposure against its maximum, net exposure in
// its allowed band, drawdown with the alert and cut marks, the day's P&L
// against the daily loss limit, 1-day VaR 95 against the same limit, and the
// volatility regime against its threshold (BLOCKING above it). Then the
// monitors: losing streaks per strategy, stale instruments, correlation, rejects.
import { fmtMoney, fmtNum, fmtPct } from '../lib/format.js';
import { useRiskView } from '../lib/use-risk-view.js';
import { useRiskUi } from '../store/risk-store.js';
import { Gauge, type Tone } from './Gauge.js';

const pct = (n: number | null | undefined, signed = false) => fmtPct(n, signed);
/** A limit as a short percent: 2 -> "200%", 0.05 -> "5%", -0.3 -> "−30%". */
const lim = (n: number) => `${fmtNum(Number((n * 100).toFixed(2))).replace('-', '−')}%`;

/** ok below 70% of the limit, warn below 90%, bad above. */
function utilTone(used: number | null, limit: number | null | undefined): Tone {
  if (used === null || limit === null || limit === undefined || !(limit > 0)) return 'idle';
  const u = used / limit;
  return u < 0.7 ? 'ok' : u < 0.9 ? 'warn' : 'bad';
}

export function RiskGauges() {
  const v = useRiskView();
  const L = v.limits;

  const maxGross = L?.maxGrossExposurePct ?? null;
  const grossScale = Math.max(maxGross ?? 1, v.gross ?? 0) * 1.05;

  const minNet = L?.minNetExposurePct ?? null;
  const maxNet = L?.maxNetExposurePct ?? null;
  const netLo = Math.min(minNet ?? -0.5, v.net ?? 0, 0);
  const netHi = Math.max(maxNet ?? 1, v.net ?? 0, 0);
  const netPad = (netHi - netLo) * 0.06;
  const netOk = v.net !== null && minNet !== null && maxNet !== null ? v.net >= minNet && v.net <= maxNet : null;
  const netTone: Tone = netOk === null ? 'idle' : !netOk ? 'bad' : maxNet !== null && v.net !== null && v.net > maxNet * 0.9 ? 'warn' : 'ok';

  const alert = L?.drawdownAlertPct ?? null;
  const reduce = L?.drawdownReducePct ?? null;
  const ddScale = Math.max((reduce ?? 0.1) * 1.25, v.drawdown ?? 0);
  const ddTone: Tone =
    v.drawdown === null || alert === null || reduce === null ? 'idle' : v.drawdown >= reduce ? 'bad' : v.drawdown >= alert ? 'warn' : 'ok';

  const lossLimit = v.dayLossLimit;
  const pnlSpan = Math.max(lossLimit ?? 1, Math.abs(v.dayPnl ?? 0)) * 1.05;
  const pnlTone: Tone = v.dayPnl === null ? 'idle' : v.dayPnl >= 0 ? 'ok' : utilTone(-v.dayPnl, lossLimit);

  const varScale = Math.max(lossLimit ?? 1, v.var95 ?? 0) * 1.05;
  const varPctEq = v.var95 !== null && v.equity ? v.var95 / v.equity : null;

  return (
    <div className="gauges" data-testid="risk-gauges" data-live={v.live}>
      <Gauge
        testId="gauge-gross"
        label="Gross exposure"
        limit={maxGross !== null ? `max ${lim(maxGross)}` : '—'}
        value={v.gross}
        display={pct(v.gross)}
        min={0}
        max={grossScale}
        marks={maxGross !== null ? [{ at: maxGross, tone: 'bad', title: `max ${lim(maxGross)}` }] : []}
        tone={utilTone(v.gross, maxGross)}
        title="Σ |position value| / equity"
      />
      <Gauge
        testId="gauge-net"
        label="Net exposure"
        limit={minNet !== null && maxNet !== null ? `band ${lim(minNet)} … ${lim(maxNet)}` : '—'}
        value={v.net}
        display={pct(v.net, true)}
        min={netLo - netPad}
        max={netHi + netPad}
        band={minNet !== null && maxNet !== null ? { from: minNet, to: maxNet } : undefined}
        needle
        tone={netTone}
        title="Σ signed position value / equity; the band is the allowed range"
      />
      <Gauge
        testId="gauge-drawdown"
        label="Drawdown"
        limit={alert !== null && reduce !== null ? `alert ${lim(alert)} · cut ${lim(reduce)}` : '—'}
        value={v.drawdown}
        display={v.live ? pct(v.drawdown) : '—'}
        sub={v.gauges ? `peak ${fmtMoney(v.gauges.peakEquity)}` : undefined}
        min={0}
        max={ddScale}
        marks={[
          ...(alert !== null ? [{ at: alert, tone: 'warn' as const, title: `alert at ${lim(alert)}` }] : []),
          ...(reduce !== null ? [{ at: reduce, tone: 'bad' as const, title: `REDUCING and cut at ${lim(reduce)}` }] : []),
        ]}
        tone={ddTone}
        title="1 − equity / peak equity"
      />
      <Gauge
        testId="gauge-daypnl"
        label="Day P&L"
        limit={lossLimit !== null ? `loss limit ${fmtMoney(-lossLimit)}` : '—'}
        value={v.dayPnl}
        display={v.live ? fmtMoney(v.dayPnl, true) : '—'}
        sub={v.gauges && v.gauges.dayStartEquity > 0 ? fmtPct(v.gauges.dayPnl / v.gauges.dayStartEquity) : undefined}
        min={-pnlSpan}
        max={pnlSpan}
        marks={lossLimit !== null ? [{ at: -lossLimit, tone: 'bad', title: `daily loss limit ${fmtMoney(-lossLimit)}: HALT` }] : []}
        tone={pnlTone}
        fillSign
        title="Equity − the day's starting equity (UTC day)"
      />
      <Gauge
        testId="gauge-var"
        label="VaR 95 · 1 day"
        limit={lossLimit !== null ? `vs day limit ${fmtMoney(lossLimit)}` : 'historical'}
        value={v.var95}
        display={v.var95 !== null ? fmtMoney(v.var95) : '—'}
        sub={varPctEq !== null ? `${pct(varPctEq)} eq` : 'run Compute'}
        min={0}
        max={varScale}
        marks={lossLimit !== null ? [{ at: lossLimit, tone: 'bad', title: `daily loss limit ${fmtMoney(lossLimit)}` }] : []}
        tone={utilTone(v.var95, lossLimit)}
        title="Historical 1-day value at risk at 95% from the last analytics run"
      />
      <VolRegime />
    </div>
  );
}

function VolRegime() {
  const { gauges } = useRiskView();
  const vr = gauges?.volRegime ?? null;
  const value = vr?.value ?? null;
  const scale = Math.max((vr?.threshold ?? 0.35) * 1.5, value ?? 0);
  const tone: Tone = !vr || value === null ? 'idle' : vr.blocking ? 'bad' : value > vr.threshold * 0.85 ? 'warn' : 'ok';
  return (
    <Gauge
      testId="vol-regime"
      label={
        <>
          Vol regime <span className="gauge-sym">{vr?.symbol ?? ''}</span>
        </>
      }
      limit={vr ? `threshold ${lim(vr.threshold)}` : '—'}
      value={value}
      display={value !== null ? pct(value) : '—'}
      sub={vr?.blocking ? <span className="blocking-badge">BLOCKING</span> : vr ? 'entries allowed' : undefined}
      min={0}
      max={scale}
      marks={vr ? [{ at: vr.threshold, tone: 'bad', title: `threshold ${lim(vr.threshold)}: no new entries above` }] : []}
      tone={tone}
      title="Annualized realized volatility of the regime instrument"
      data={{ blocking: vr?.blocking ?? false, symbol: vr?.symbol ?? '' }}
    />
  );
}

/** Losing streaks, stale data, correlation and rejects in a compact grid. */
export function RiskMonitors() {
  const { gauges } = useRiskView();
  const monitor = useRiskUi((s) => s.settings?.monitor);
  const maxLosses = typeof monitor?.maxConsecutiveLosses === 'number' ? monitor.maxConsecutiveLosses : null;
  const corrAlert = typeof monitor?.correlationAlert === 'number' ? monitor.correlationAlert : null;
  const storm = typeof monitor?.rejectStormCount === 'number' ? monitor.rejectStormCount : null;
  const stormWin = typeof monitor?.rejectStormWindowSeconds === 'number' ? monitor.rejectStormWindowSeconds : null;
  const streaks = Object.entries(gauges?.consecutiveLosses ?? {}).sort((a, b) => b[1] - a[1]);
  const stale = gauges?.staleInstruments ?? [];
  const corr = gauges?.avgCorrelation ?? null;
  return (
    <div className="monitors" data-testid="risk-monitors">
      <div className="mon" data-testid="consecutive-losses">
        <div className="mon-label">Losing streaks{maxLosses !== null ? <span className="muted"> · halt at {maxLosses}</span> : null}</div>
        <div className="mon-value">
          {streaks.length === 0 && <span className="muted">none</span>}
          {streaks.map(([strategy, n]) => (
            <span
              key={strategy}
              className={`mon-chip ${maxLosses !== null && n >= maxLosses ? 'chip-bad' : n > 0 ? 'chip-warn' : ''}`}
              data-testid="loss-streak"
              data-strategy={strategy}
              data-value={n}
            >
              {strategy} <b>{n}</b>
              {maxLosses !== null ? `/${maxLosses}` : ''}
            </span>
          ))}
        </div>
      </div>
      <div className="mon" data-testid="stale-instruments" data-count={stale.length}>
        <div className="mon-label">Stale data</div>
        <div className="mon-value">
          {stale.length === 0 ? <span className="muted">none</span> : stale.map((s) => <span key={s} className="mon-chip chip-bad">{s}</span>)}
        </div>
      </div>
      <div className="mon">
        <div className="mon-label">Avg correlation{corrAlert !== null ? <span className="muted"> · alert {fmtNum(corrAlert)}</span> : null}</div>
        <div className={`mon-value ${corr !== null && corrAlert !== null && corr > corrAlert ? 'down' : ''}`}>{corr !== null ? corr.toFixed(2) : '—'}</div>
      </div>
      <div className="mon">
        <div className="mon-label">Venue rejects{stormWin !== null ? <span className="muted"> · {fmtNum(stormWin)} s</span> : null}</div>
        <div className={`mon-value ${gauges && storm !== null && gauges.rejectsInWindow >= storm * 0.7 ? 'down' : ''}`}>
          {gauges ? gauges.rejectsInWindow : '—'}
          {storm !== null ? <span className="muted"> / {storm}</span> : null}
        </div>
      </div>
    </div>
  );
}
