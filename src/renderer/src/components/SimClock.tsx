// The engine clock (simulated time on the simulator), shown in UTC.
import { fmtDate, fmtTime } from '../lib/format.js';
import { useDesk } from '../store/desk-store.js';

export function SimClock() {
  const now = useDesk((s) => s.status?.now ?? null);
  const speed = useDesk((s) => s.status?.speed ?? null);
  const running = useDesk((s) => s.status?.running ?? false);
  if (now === null) return null;
  return (
    <div className="clock" data-testid="sim-clock" title="Engine clock (UTC)">
      <span className="clock-date">{fmtDate(now)}</span>
      <span className="clock-time">{fmtTime(now)}</span>
      <span className="clock-zone">UTC</span>
      {speed !== null && <span className={`clock-speed ${running ? '' : 'paused'}`}>{running ? `${speed}×` : 'stopped'}</span>}
    </div>
  );
}
