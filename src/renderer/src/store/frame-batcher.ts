// Coalesces engine events into at most one store update per animation frame:
// per-topic snapshots keep only the latest; bars and quotes merge by symbol.
// A timer backs up requestAnimationFrame, which does not fire in hidden tabs.
import type { EngineEvent, EngineStatus, EventPayload, RiskGauges } from '../../../shared/api/contract.js';
import type { Account, Alert, Bar, Order, Position, Quote } from '../../../shared/domain.js';

export interface EventBatch {
  status?: EngineStatus;
  account?: Account;
  positions?: Position[];
  orders?: Order[];
  alerts?: Alert[];
  /** Latest risk gauges (the engine coalesces them; we keep the newest per frame). */
  risk?: RiskGauges;
  /** Latest historical-download progress. */
  dataProgress?: EventPayload<'dataProgress'>;
  /** Bars per symbol in arrival order (a bar may close and the next open in one frame). */
  bars: Map<string, Bar[]>;
  quotes: Map<string, Quote>;
}

function emptyBatch(): EventBatch {
  return { bars: new Map(), quotes: new Map() };
}

export function addToBatch(batch: EventBatch, event: EngineEvent): void {
  switch (event.topic) {
    case 'status':
      batch.status = event.data;
      break;
    case 'account':
      batch.account = event.data;
      break;
    case 'positions':
      batch.positions = event.data;
      break;
    case 'orders':
      batch.orders = event.data;
      break;
    case 'alerts':
      batch.alerts = event.data;
      break;
    case 'risk':
      batch.risk = event.data;
      break;
    case 'dataProgress':
      batch.dataProgress = event.data;
      break;
    case 'bars':
      for (const bar of event.data) {
        const list = batch.bars.get(bar.symbol);
        if (list) list.push(bar);
        else batch.bars.set(bar.symbol, [bar]);
      }
      break;
    case 'quotes':
      for (const q of event.data) batch.quotes.set(q.symbol, q);
      break;
  }
}

/** Counters for the status bar: events received vs store updates applied. */
export interface BatchStats {
  events: number;
  flushes: number;
}

export class FrameBatcher {
  readonly stats: BatchStats = { events: 0, flushes: 0 };
  private batch: EventBatch = emptyBatch();
  private scheduled = false;
  private raf: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly apply: (batch: EventBatch) => void,
    private readonly fallbackMs = 250,
  ) {}

  push(event: EngineEvent): void {
    this.stats.events++;
    addToBatch(this.batch, event);
    if (this.scheduled) return;
    this.scheduled = true;
    if (typeof requestAnimationFrame === 'function') this.raf = requestAnimationFrame(() => this.flush());
    this.timer = setTimeout(() => this.flush(), this.fallbackMs);
  }

  flush(): void {
    if (this.raf !== null) cancelAnimationFrame(this.raf);
    if (this.timer !== null) clearTimeout(this.timer);
    this.raf = null;
    this.timer = null;
    if (!this.scheduled) return;
    this.scheduled = false;
    const batch = this.batch;
    this.batch = emptyBatch();
    this.stats.flushes++;
    this.apply(batch);
  }

  dispose(): void {
    if (this.raf !== null) cancelAnimationFrame(this.raf);
    if (this.timer !== null) clearTimeout(this.timer);
    this.scheduled = false;
    this.batch = emptyBatch();
  }
}
