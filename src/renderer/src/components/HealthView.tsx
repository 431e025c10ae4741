// The dock's Health tab: the headline figures (API budget used, error counts,
// the engine round trip, the broker's request latency, the journal's size), the venue's health counters and
// the event-loop lag of the process hosting the engine (venueHealth), and the per-symbol
// data-quality report (dataQuality: bars, ticks, dropped, flagged, by issue,
// stale). Both are asked on open, then every 5 s while the tab is shown; one
// round in flight at most.
import type { CommandResult } from '../../../shared/api/contract.js';
import { fmtCompact, fmtStamp } from '../lib/format.js';
import { usePolled } from '../lib/use-polled.js';
import type { RendererClient } from '../transport/renderer-client.js';
import './data-views.css';

export const HEALTH_REFRESH_MS = 5000;
/** p99 lag above this is shown as a warning: the window would stutter. */
export const LOOP_LAG_WARN_MS = 50;

export interface HealthQuery {
  venue: CommandResult<'venueHealth'> | null;
  quality: CommandResult<'dataQuality'> | null;
  /** Round trip of the venueHealth command (UI -> engine -> UI), ms. */
  roundTripMs: number | null;
  error: string | null;
  at: number;
}

const fetchHealth = async (client: RendererClient) => {
  const t0 = performance.now();
  const venueP = client.call('venueHealth', {}).then((v) => ({ v, ms: performance.now() - t0 }));
  const [venue, quality] = await Promise.all([venueP, client.call('dataQuality', {})]);
  return { venue: venue.v, roundTripMs: venue.ms, quality };
};

export function useHealth(): HealthQuery {
  const q = usePolled(fetchHealth, HEALTH_REFRESH_MS);
  return { venue: q.data?.venue ?? null, quality: q.data?.quality ?? null, roundTripMs: q.data?.roundTripMs ?? null, error: q.error, at: q.at };
}

/** Venue counters that count failures (errors, rejects, timeouts, malformed payloads, rate-limit answers). */
export const ERROR_COUNTER = /error|malformed|reject|timeout|ratelimited|contradiction|unresolved/i;

export function errorCounters(counters: Record<string, number>): Array<[string, number]> {
  return Object.entries(counters).filter(([k]) => ERROR_COUNTER.test(k));
}

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

function fmtMs(ms: number): string {
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/** The broker's request latency (p50 / p99 over the latest requests), per kind in the tooltip. */
function VenueLatencyFigure({ v }: { v: HealthQuery['venue'] }) {
  const l = v?.venueLatency ?? null;
  const byCall = l ? Object.entries(l.byCall).map(([k, f]) => `${k}: ${f.calls} calls, p50 ${fmtMs(f.p50Ms)}, p99 ${fmtMs(f.p99Ms)}${f.failures ? `, ${f.failures} failed` : ''}`) : [];
  return (
    <div className="health-figure" data-testid="health-venue-latency" data-p99={l?.p99Ms ?? ''} title={byCall.join('\n')}>
      <dt>Venue latency</dt>
      <dd>
        {!v ? '…' : l ? (
          <>
            {fmtMs(l.p50Ms)} <span className="muted">p50</span> · {fmtMs(l.p99Ms)} <span className="muted">p99</span>
          </>
        ) : (
          <span className="muted">{v.venue === 'sim' ? 'simulator: not timed' : 'no requests yet'}</span>
        )}
      </dd>
    </div>
  );
}

/** The headline figures: API budget, errors, round trip, venue latency, journal size. */
function HealthFigures({ q }: { q: HealthQuery }) {
  const v = q.venue;
  const budget = v?.apiBudget ?? null;
  const errors = v ? errorCounters(v.counters) : [];
  const errorTotal = errors.reduce((n, [, x]) => n + x, 0);
  const pct = budget ? budget.used / budget.limit : 0;
  return (
    <dl className="health-figures" data-testid="health-figures">
      <div className="health-figure" data-testid="health-budget" data-used={budget?.used ?? ''} data-limit={budget?.limit ?? ''}>
        <dt>API budget</dt>
        <dd>
          {!v ? 'Loading…' : budget ? (
            <>
              <meter min={0} max={budget.limit} value={budget.used} high={budget.limit * 0.8} aria-label={`API budget used: ${budget.used} of ${budget.limit} requests per ${Math.round(budget.windowMs / 1000)} s`} />{' '}
              <span className={pct >= 0.8 ? 'warn-text' : undefined}>
                {budget.used}/{budget.limit}
              </span>{' '}
              <span className="muted">per {Math.round(budget.windowMs / 1000)} s</span>
            </>
          ) : (
            <span className="muted">no rate budget ({v.venue})</span>
          )}
        </dd>
      </div>
      <div className="health-figure" data-testid="health-errors" data-total={v ? errorTotal : ''} title={errors.map(([k, x]) => `${k}: ${x}`).join('\n')}>
        <dt>Errors</dt>
        <dd className={errorTotal > 0 ? 'warn-text' : undefined}>{v ? (errors.length ? errorTotal : <span className="muted">none counted</span>) : '…'}</dd>
      </div>
      <div className="health-figure" data-testid="health-latency" data-ms={q.roundTripMs ?? ''}>
        <dt>Engine round trip</dt>
        <dd>{q.roundTripMs === null ? '…' : fmtMs(q.roundTripMs)}</dd>
      </div>
      <VenueLatencyFigure v={v} />
      <div className="health-figure" data-testid="health-journal" data-bytes={v?.journalBytes ?? ''}>
        <dt>Journal</dt>
        <dd>{!v ? '…' : v.journalBytes === null || v.journalBytes === undefined ? <span className="muted">no journal</span> : fmtBytes(v.journalBytes)}</dd>
      </div>
    </dl>
  );
}

export function HealthSummary({ q }: { q: HealthQuery }) {
  if (!q.quality) return <span className="muted">Loading…</span>;
  const stale = q.quality.filter((r) => r.stale).length;
  const dropped = q.quality.reduce((n, r) => n + r.dropped, 0);
  const flagged = q.quality.reduce((n, r) => n + r.flagged, 0);
  return (
    <span className="muted">
      {q.quality.length} symbols · {dropped} dropped · {flagged} flagged
      {stale > 0 && (
        <>
          {' · '}
          <b className="warn-text">{stale} stale</b>
        </>
      )}
      {' · every 5 s'}
    </span>
  );
}

export function HealthView({ q }: { q: HealthQuery }) {
  const counters = q.venue ? Object.entries(q.venue.counters).sort(([a], [b]) => a.localeCompare(b)) : [];
  const rows = q.quality ? [...q.quality].sort((a, b) => Number(b.stale) - Number(a.stale) || b.dropped + b.flagged - (a.dropped + a.flagged) || a.symbol.localeCompare(b.symbol)) : [];
  return (
    <div className="health" data-testid="health-view" data-updated={q.at}>
      <aside className="health-venue" data-testid="venue-health">
        <div className="perf-side-title">
          Venue <span className="mono health-venue-id">{q.venue?.venue ?? ''}</span>
        </div>
        {q.error && (
          <div className="inline-error" role="alert">
            {q.error}
          </div>
        )}
        <HealthFigures q={q} />
        {counters.length === 0 ? (
          <div className="perf-note">{q.venue ? q.venue.detail : 'Loading…'}</div>
        ) : (
          <dl className="health-counters">
            {counters.map(([name, value]) => (
              <div key={name} className="health-counter" data-testid="health-counter" data-name={name} data-value={value}>
                <dt title={name}>{name}</dt>
                <dd>{fmtCompact(value)}</dd>
              </div>
            ))}
          </dl>
        )}
        {q.venue && counters.length > 0 && <div className="perf-foot muted">{q.venue.detail}</div>}
        <EventLoopLagView lag={q.venue ? q.venue.eventLoop : undefined} />
      </aside>
      <div className="health-quality">
        <table className="grid-table quality-table">
          <thead>
            <tr>
              <th className="l">Symbol</th>
              <th>Bars</th>
              <th>Ticks</th>
              <th>Dropped</th>
              <th>Flagged</th>
              <th className="l">By issue</th>
              <th>Last data</th>
              <th className="c">Fresh</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={8} className="empty">
                  {q.quality ? 'No data seen yet.' : 'Loading…'}
                </td>
              </tr>
            )}
            {rows.map((r) => (
              <tr key={r.symbol} className={r.stale ? 'quality-stale' : ''} data-testid="quality-row" data-symbol={r.symbol} data-bars={r.bars} data-stale={String(r.stale)}>
                <td className="l sym">{r.symbol}</td>
                <td>{r.bars.toLocaleString('en-US')}</td>
                <td>{r.ticks.toLocaleString('en-US')}</td>
                <td className={r.dropped > 0 ? 'down' : 'flat'}>{r.dropped}</td>
                <td className={r.flagged > 0 ? 'warn-text' : 'flat'}>{r.flagged}</td>
                <td className="l issues">
                  {Object.entries(r.byIssue)
                    .filter(([, n]) => n > 0)
                    .map(([issue, n]) => (
                      <span key={issue} className="chip mono">
                        {issue} {n}
                      </span>
                    ))}
                </td>
                <td className="muted">{fmtStamp(r.lastTs)}</td>
                <td className="c">{r.stale ? <span className="stale-badge">STALE</span> : <span className="up">✓</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

type Lag = CommandResult<'venueHealth'>['eventLoop'];

/** The engine host's event-loop lag (in the desktop app: Electron's main process). */
function EventLoopLagView({ lag }: { lag: Lag | undefined }) {
  const ms = (v: number) => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
  const items: Array<[string, number]> = lag ? [['p50', lag.p50Ms], ['p99', lag.p99Ms], ['max', lag.maxMs], ['worst', lag.worstMs]] : [];
  return (
    <div className="health-loop" data-testid="event-loop-lag" data-p99={lag ? lag.p99Ms : ''} data-worst={lag ? lag.worstMs : ''}>
      <div className="perf-side-title">Event loop lag</div>
      {!lag ? (
        <div className="perf-note">{lag === undefined ? 'Loading…' : 'not measured (engine not running)'}</div>
      ) : (
        <>
          <dl className="health-counters">
            {items.map(([name, v]) => (
              <div key={name} className="health-counter" data-name={`loop.${name}`} data-value={v}>
                <dt>{name}</dt>
                <dd className={name === 'p99' && v > LOOP_LAG_WARN_MS ? 'warn-text' : undefined}>{ms(v)}</dd>
              </div>
            ))}
          </dl>
          <div className="perf-foot muted">{lag.windowMs > 0 ? `over the last ${Math.round(lag.windowMs / 1000)} s` : 'measuring'}</div>
        </>
      )}
    </div>
  );
}
