// Bottom status line: transport, event and UI-update rates, engine counters,
// the history download progress while one runs, and the last trading-state
// change with its actor and reason.
import { useEffect, useRef, useState } from 'react';
import { fmtDateTime } from '../lib/format.js';
import { useDesk } from '../store/desk-store.js';
import { syncStats } from '../store/sync.js';
import { DataProgress } from './DataProgress.js';

/** Events received and store updates applied per second (updates are per frame, not per message). */
function EventRate() {
  const last = useRef({ events: syncStats.events, flushes: syncStats.flushes });
  const [rate, setRate] = useState({ events: 0, flushes: 0 });
  useEffect(() => {
    const t = setInterval(() => {
      const now = { events: syncStats.events, flushes: syncStats.flushes };
      setRate({ events: now.events - last.current.events, flushes: now.flushes - last.current.flushes });
      last.current = now;
    }, 1000);
    return () => clearInterval(t);
  }, []);
  return (
    <span
      data-testid="event-rate"
      data-events={syncStats.events}
      data-flushes={syncStats.flushes}
      title="Engine events received per second / UI store updates per second (at most one per animation frame)"
    >
      {rate.events} evt/s · {rate.flushes} upd/s
    </span>
  );
}

export function StatusBar() {
  const status = useDesk((s) => s.status);
  const transport = useDesk((s) => s.transport);
  const change = status?.lastStateChange ?? null;
  return (
    <footer className="statusbar">
      <span>{transport || 'no transport'}</span>
      <EventRate />
      {status && (
        <>
          <span>seed {status.seed}</span>
          <span>{status.openOrders} open orders</span>
          <span>{status.positions} positions</span>
          <span>{status.fills} fills</span>
        </>
      )}
      <DataProgress />
      <span className="statusbar-spacer" />
      {change && (
        <span data-testid="last-state-change" data-ts={change.ts} data-to={change.to} title={fmtDateTime(change.ts)}>
          {change.scope && change.scope !== 'account' ? `${change.scope} ` : ''}
          {change.from} → {change.to} by {change.actor}: {change.reason} · {fmtDateTime(change.ts)}
        </span>
      )}
    </footer>
  );
}
