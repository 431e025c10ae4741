// The strategies' warm-up history at start, fetched per symbol so that no
// symbol waits for another's. What is in by the end of the first event-loop
// turn (the simulator's and a backtest's, at once) is applied as one start-up
// batch; every later symbol joins when its own history arrives (or its request
// fails), through the HistoryGate that held its live bars meanwhile. Each
// arrival is an `input.warmup` record, so a replay applies it at the same point.
// Alerts: HISTORY_WAITING (still loading after strategy.warmupTimeoutMs),
// HISTORY_JOINED (came after that alert), HISTORY_FAILED (with the error; the symbol
// starts cold). A broker's history takes longer than one turn: its symbols join as
// their answers come, silently unless overdue.
import type { Bar } from '../../shared/domain.js';
import type { Clock } from '../core/clock.js';
import type { HistoryGate } from './history-gate.js';

/** The `input.warmup` record: history per symbol (empty for a failed one) and the failures' messages. */
export interface WarmupRecord {
  bars: Record<string, Bar[]>;
  errors?: Record<string, string>;
}

/** One symbol's warm-up history, or why there is none. */
type Outcome = { bars: Bar[] } | { error: string };

export interface HistoryWarmupDeps {
  gate: HistoryGate;
  clock: Clock;
  /** Per symbol, a promise of its recent bars. */
  fetch(symbols: string[]): Map<string, Promise<Bar[]>>;
  /** Journals an arrival (nothing in a replay, which reads the record instead). */
  record(rec: WarmupRecord): void;
  /** Feeds the joined symbols' warm-up bars to the strategies (no orders). */
  warmup(bars: Record<string, Bar[]>): void;
  alert(level: 'info' | 'warning', code: string, message: string, key: string): void;
  /** Ids of the strategies that would be asked about a symbol (those that wait for it). */
  strategies(): string[];
  timeoutMs(): number;
  /** The engine stopped: a late answer is dropped. */
  closed(): boolean;
}

export class HistoryWarmup {
  private order: string[] = [];
  /** Late answers of this turn, applied together (one request may carry many symbols). */
  private readonly arrivals: Array<[string, Outcome]> = [];

  constructor(private readonly d: HistoryWarmupDeps) {}

  /** Fetches every symbol's history; resolves once the start-up batch is applied (the rest join later). */
  async load(symbols: string[]): Promise<void> {
    this.order = symbols;
    const got = new Map<string, Outcome>();
    const fetches = this.d.fetch(symbols);
    const all = [...fetches].map(([s, p]) => p.then((bars) => void got.set(s, { bars }), (e: unknown) => void got.set(s, { error: errorText(e) })));
    await Promise.race([Promise.all(all), new Promise((r) => setImmediate(r))]);
    this.apply(toRecord(symbols.filter((s) => got.has(s)).map((s) => [s, got.get(s)!])), true);
    const late = symbols.filter((s) => !got.has(s));
    if (!late.length) return;
    for (const s of late) {
      void fetches.get(s)!.then(
        (bars) => this.arrived(s, { bars }),
        (e: unknown) => this.arrived(s, { error: errorText(e) }),
      );
    }
    const timeout = this.d.timeoutMs();
    const clock = this.d.clock;
    clock.setTimer(clock.now() + timeout, () => {
      const overdue = this.d.gate.overdue(clock.now(), timeout).join(', ');
      if (!overdue) return;
      this.d.alert(
        'warning',
        'HISTORY_WAITING',
        `history for ${overdue} still loading after ${Math.round(timeout / 1000)} s (strategy.warmupTimeoutMs): ${this.waiters()} give no signal on ${overdue} until it arrives; the other symbols trade`,
        `histwait:${overdue.slice(0, 60)}`,
      );
    });
  }

  /**
   * Applies arrived history: each symbol joins the strategies, warmed up from its history
   * and the live bars held while it waited; a failed request is alerted and the symbol
   * starts cold. `startup` = the start-up batch (a replay calls this with the record).
   */
  apply(rec: WarmupRecord, startup: boolean): void {
    this.d.record(rec);
    const now = this.d.clock.now();
    const joined: Record<string, Bar[]> = {};
    const failed = new Map<string, string[]>();
    const late: string[] = [];
    for (const [symbol, history] of Object.entries(rec.bars)) {
      const error = rec.errors?.[symbol];
      const j = this.d.gate.join(symbol, history, now, startup, error !== undefined);
      joined[symbol] = j.bars;
      if (error !== undefined) failed.set(error, [...(failed.get(error) ?? []), symbol]);
      else if (j.overdue) late.push(`${symbol} after ${Math.round(j.waitedMs / 1000)} s (${history.length} bars, ${j.held} live bars held meanwhile)`);
    }
    this.d.warmup(joined);
    for (const [error, list] of failed) {
      const names = list.join(', ');
      this.d.alert(
        'warning',
        'HISTORY_FAILED',
        `history for ${names} failed: ${error}; ${this.waiters()} start on ${names} cold (no signal there until its live bars have warmed them up)`,
        `histfail:${names.slice(0, 60)}`,
      );
    }
    if (late.length) this.d.alert('info', 'HISTORY_JOINED', `history arrived for ${late.join('; ')}: the strategies trade it from its next bar`, `histjoin:${late.join().slice(0, 60)}`);
  }

  private arrived(symbol: string, outcome: Outcome): void {
    if (this.d.closed() || !this.d.gate.isWaiting(symbol)) return;
    if (this.arrivals.push([symbol, outcome]) > 1) return;
    queueMicrotask(() => {
      const list = this.arrivals.splice(0).sort((a, b) => this.order.indexOf(a[0]) - this.order.indexOf(b[0]));
      if (!this.d.closed()) this.apply(toRecord(list), false);
    });
  }

  private waiters(): string {
    const ids = this.d.strategies();
    return ids.length ? `strategies ${ids.join(', ')}` : 'no strategy (none enabled)';
  }
}

function toRecord(list: Array<[string, Outcome]>): WarmupRecord {
  const rec: WarmupRecord = { bars: {} };
  for (const [s, o] of list) {
    rec.bars[s] = 'bars' in o ? o.bars : [];
    if ('error' in o) (rec.errors ??= {})[s] = o.error;
  }
  return rec;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
