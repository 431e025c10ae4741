// The Dashboard view: the account's equity curve, day P&L, gross and net
// exposure, trading state, the engine link and the venue's connection, data
// freshness, and PAPER or LIVE, all from what the engine already publishes
// (status, account, risk and alert events; accountMetrics and dataQuality
// asked every few seconds while the view is shown).
import { useMemo } from 'react';
import type { AccountMetrics, CommandResult } from '../../../shared/api/contract.js';
import type { Alert } from '../../../shared/domain.js';
import { fmtDateTime, fmtMoney, fmtPct, pnlClass } from '../lib/format.js';
import { usePolled } from '../lib/use-polled.js';
import { useDesk } from '../store/desk-store.js';
import type { RendererClient } from '../transport/renderer-client.js';
import './dashboard.css';

export const DASHBOARD_REFRESH_MS = 5000;
const DAY_MS = 86_400_000;

const fetchMetrics = (c: RendererClient) => c.call('accountMetrics', {});
const fetchQuality = (c: RendererClient) => c.call('dataQuality', {});

/** The venue's connection as last reported (VENUE_CONNECTED / VENUE_DISCONNECTED alerts), newest first list. */
export function venueConnection(alerts: readonly Alert[]): { state: string; ts: number | null } {
  let latest: Alert | null = null;
  for (const a of alerts) if (/^VENUE_(CONNECTED|DISCONNECTED)$/.test(a.code) && (!latest || a.ts > latest.ts)) latest = a;
  if (!latest) return { state: 'connected', ts: null };
  return { state: latest.code === 'VENUE_CONNECTED' ? 'connected' : 'disconnected', ts: latest.ts };
}

/** Day P&L: the risk monitor's when it has sent one, else equity now less the first sample of the engine's current UTC day. */
export function dayPnl(curve: AccountMetrics['curve'] | undefined, equity: number | undefined, now: number | undefined, riskDayPnl: number | undefined): number | undefined {
  if (riskDayPnl !== undefined) return riskDayPnl;
  if (!curve?.length || equity === undefined || now === undefined) return undefined;
  const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
  const first = curve.find(([t]) => t >= dayStart);
  return first ? equity - first[1] : undefined;
}

export function Dashboard() {
  const metrics = usePolled(fetchMetrics, DASHBOARD_REFRESH_MS);
  const quality = usePolled(fetchQuality, DASHBOARD_REFRESH_MS);
  const status = useDesk((s) => s.status);
  const account = useDesk((s) => s.account);
  const risk = useDesk((s) => s.risk);
  const alerts = useDesk((s) => s.alerts);
  const connection = useDesk((s) => s.connection);
  const venue = venueConnection(alerts);
  const equity = account?.equity;
  const day = dayPnl(metrics.data?.curve, equity, status?.now, risk?.dayPnl);
  const gross = account?.grossExposure;
  const net = account?.netExposure;
  const pctOf = (v: number | undefined) => (v !== undefined && equity ? v / equity : undefined);
  return (
    <section className="panel dashboard" data-testid="dashboard" aria-label="Dashboard">
      <div className="dash-grid">
        <Figure label="Mode" testId="dash-mode" value={status ? status.mode.toUpperCase() : '—'} cls={status?.mode === 'live' ? 'dash-live' : 'dash-paper'} />
        <Figure label="Trading state" testId="dash-trading-state" value={status?.tradingState ?? '—'} cls={`dash-state-${(status?.tradingState ?? 'none').toLowerCase()}`} note={scopedNote(status?.scopedStates)} />
        <Figure label="Equity" testId="dash-equity" value={fmtMoney(equity)} note={account ? `started at ${fmtMoney(account.startingEquity)}` : undefined} />
        <Figure label="Day P&L" testId="dash-day-pnl" value={fmtMoney(day, true)} cls={pnlClass(day)} note={risk ? `day start ${fmtMoney(risk.dayStartEquity)}` : 'from the equity curve'} />
        <Figure label="Gross exposure" testId="dash-gross" value={fmtMoney(gross)} note={`${fmtPct(pctOf(gross), false)} of equity`} />
        <Figure label="Net exposure" testId="dash-net" value={fmtMoney(net, true)} note={`${fmtPct(pctOf(net))} of equity`} />
        <Figure
          label="Connections"
          testId="dash-connections"
          value={`Engine ${connection === 'open' ? 'connected' : connection}`}
          cls={connection === 'open' ? 'up' : 'down'}
          note={status ? `Venue ${status.venue}: ${venue.state}${venue.ts ? ` since ${fmtDateTime(venue.ts)}` : ''}` : undefined}
          data={{ 'data-venue-state': venue.state }}
        />
        <Freshness q={quality} now={status?.now} />
      </div>
      <EquityCurve curve={metrics.data?.curve ?? []} error={metrics.error} />
    </section>
  );
}

function scopedNote(scoped: { scope: string; state: string }[] | undefined): string | undefined {
  const others = (scoped ?? []).filter((s) => s.scope !== 'account');
  return others.length ? others.map((s) => `${s.scope} ${s.state}`).join(', ') : 'every strategy and instrument active';
}

function Freshness({ q, now }: { q: { data: CommandResult<'dataQuality'> | null; error: string | null }; now: number | undefined }) {
  const reports = q.data ?? [];
  const stale = reports.filter((r) => r.stale).map((r) => r.symbol);
  const last = reports.reduce((m, r) => Math.max(m, r.lastTs ?? 0), 0);
  const age = last && now !== undefined ? Math.max(0, now - last) : undefined;
  const value = q.data === null ? (q.error ? 'unavailable' : '—') : stale.length ? `${stale.length} stale` : 'all fresh';
  const note = q.error ?? (age !== undefined ? `last data ${Math.round(age / 1000)} s ago (engine clock)${stale.length ? `: ${stale.slice(0, 4).join(', ')}${stale.length > 4 ? '…' : ''}` : ''}` : undefined);
  return <Figure label="Data freshness" testId="dash-freshness" value={value} cls={stale.length ? 'down' : q.data ? 'up' : ''} note={note} data={{ 'data-last-ts': String(last) }} />;
}

function Figure({ label, value, note, cls, testId, data }: { label: string; value: string; note?: string; cls?: string; testId: string; data?: Record<string, string> }) {
  return (
    <div className="dash-fig" {...data}>
      <div className="dash-label">{label}</div>
      <div className={`dash-value ${cls ?? ''}`} data-testid={testId}>
        {value}
      </div>
      {note && <div className="dash-note">{note}</div>}
    </div>
  );
}

/** The equity curve as an SVG line (one sample per simulated minute); scales to its box. */
function EquityCurve({ curve, error }: { curve: AccountMetrics['curve']; error: string | null }) {
  const path = useMemo(() => {
    if (curve.length < 2) return null;
    const t0 = curve[0]![0];
    const t1 = curve.at(-1)![0];
    let lo = Infinity;
    let hi = -Infinity;
    for (const [, v] of curve) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const span = hi - lo || 1;
    const pts = curve.map(([t, v]) => `${(((t - t0) / (t1 - t0 || 1)) * 1000).toFixed(1)},${(100 - ((v - lo) / span) * 100).toFixed(1)}`);
    return { d: `M${pts.join('L')}`, lo, hi, t0, t1 };
  }, [curve]);
  const first = curve[0]?.[1];
  const last = curve.at(-1)?.[1];
  const change = first !== undefined && last !== undefined ? last - first : undefined;
  return (
    <div className="dash-curve">
      <div className="dash-curve-head">
        <span className="dash-label">Equity curve</span>
        <span className="dash-note">
          {curve.length} samples{change !== undefined && <> · <b className={pnlClass(change)}>{fmtMoney(change, true)}</b></>}
          {path && <> · {fmtMoney(path.lo)} – {fmtMoney(path.hi)}</>}
        </span>
      </div>
      {path ? (
        <svg className="dash-curve-svg" viewBox="0 0 1000 100" preserveAspectRatio="none" role="img" aria-label={`Equity curve, ${curve.length} samples, from ${fmtMoney(first)} to ${fmtMoney(last)}`} data-testid="dash-equity-curve" data-points={curve.length}>
          <path d={path.d} className="dash-curve-line" vectorEffect="non-scaling-stroke" />
        </svg>
      ) : (
        <p className="dash-note dash-curve-empty" data-testid="dash-equity-curve" data-points={curve.length}>
          {error ? `Equity curve unavailable: ${error}` : 'The curve starts after the first simulated minutes.'}
        </p>
      )}
    </div>
  );
}
