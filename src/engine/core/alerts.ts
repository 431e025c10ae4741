// The alert log: every alert the engine raises (risk denials, venue rejects,
// data-quality problems, failing strategies), newest kept in memory for the UI.
// Repeats of the same code and source are throttled so a flood cannot drown it.
import type { Alert, AlertLevel } from '../../shared/domain.js';
import { Sequence } from './ids.js';

const KEEP = 200;
const REPEAT_WINDOW_MS = 60_000;

export class AlertLog {
  private readonly items: Alert[] = [];
  private readonly ids = new Sequence('a');
  private readonly lastByKey = new Map<string, number>();
  suppressed = 0;

  constructor(
    private readonly now: () => number,
    private readonly onAlert: (alert: Alert) => void,
  ) {}

  /**
   * Raises an alert. With `throttleKey`, a repeat within a minute of simulated
   * time is counted but not raised again.
   */
  raise(level: AlertLevel, code: string, message: string, source: string, throttleKey?: string): Alert | undefined {
    const ts = this.now();
    if (throttleKey) {
      const last = this.lastByKey.get(throttleKey);
      if (last !== undefined && ts - last < REPEAT_WINDOW_MS) {
        this.suppressed++;
        return undefined;
      }
      this.lastByKey.set(throttleKey, ts);
    }
    const alert: Alert = { id: this.ids.next(), ts, level, code, message, source };
    this.items.push(alert);
    if (this.items.length > KEEP * 2) this.items.splice(0, this.items.length - KEEP);
    this.onAlert(alert);
    return alert;
  }

  /**
   * Marks an alert acknowledged at `ts`. Returns the updated alert, or a reason
   * it cannot be: not among the alerts kept, or acknowledged already.
   */
  acknowledge(id: string, ts: number): { alert: Alert } | { refused: 'UNKNOWN_ALERT' | 'ALREADY_ACKNOWLEDGED'; message: string } {
    const i = this.items.findIndex((a) => a.id === id);
    const found = this.items[i];
    if (!found) return { refused: 'UNKNOWN_ALERT', message: `no alert '${id}' among the ${this.items.length} kept (it may be older, or from before a restart)` };
    if (found.acknowledgedAt !== undefined) return { refused: 'ALREADY_ACKNOWLEDGED', message: `alert '${id}' was acknowledged already at ${new Date(found.acknowledgedAt).toISOString()}` };
    const alert: Alert = { ...found, acknowledgedAt: ts };
    this.items[i] = alert;
    return { alert };
  }

  /** Newest first. */
  recent(limit = KEEP): Alert[] {
    return this.items.slice(-limit).reverse();
  }
}
