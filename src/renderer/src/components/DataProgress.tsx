// Status-bar progress of a historical data download ("history 12/24, 1
// failed") from the 'dataProgress' event: shown while requests are queued or
// in flight, gone once the batch is done.
import { useDesk } from '../store/desk-store.js';

export function DataProgress() {
  const p = useDesk((s) => s.dataProgress);
  if (!p || !(p.total > p.done + p.failed) || p.inFlight + p.queued === 0) return null;
  const pct = Math.min(100, Math.max(0, ((p.done + p.failed) / p.total) * 100));
  return (
    <span
      className="data-progress"
      data-testid="data-progress"
      data-done={p.done}
      data-total={p.total}
      data-failed={p.failed}
      title={`Historical data: ${p.done} of ${p.total} requests done, ${p.failed} failed, ${p.inFlight} in flight, ${p.queued} queued${p.symbol ? ` (last: ${p.symbol})` : ''}`}
    >
      <span className="dp-track" role="progressbar" aria-valuemin={0} aria-valuemax={p.total} aria-valuenow={p.done}>
        <span className="dp-fill" style={{ width: `${pct}%` }} />
      </span>
      <span>
        history {p.done}/{p.total}
        {p.failed > 0 && <span className="down">, {p.failed} failed</span>}
      </span>
    </span>
  );
}
