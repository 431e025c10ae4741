// Which symbols the strategies still wait for: a symbol whose warm-up history
// is still loading gets no strategy call and so no signal; its live bars are
// held meanwhile. When the history arrives (or its request fails: then empty,
// and the symbol starts cold from the held bars) the symbol joins: the history bars older than the first held live
// bar, then the held bars, are its warm-up (each bar once; history is what the
// venue had when it answered, so nothing from after the join), and the next
// live bar is traded as usual. Pure: time comes only from the calls.
import type { Bar } from '../../shared/domain.js';

interface Waiting {
  since: number;
  held: Bar[];
  /** Held bars dropped to keep at most `cap` (the held ones then make the warm-up alone). */
  dropped: number;
  /** The overdue alert was raised. */
  reported: boolean;
}

export interface Joined {
  /** The bars to warm the symbol up with, oldest first. */
  bars: Bar[];
  /** It waited past the start-up batch (its history came late, or failed). */
  late: boolean;
  /** Its waiting was reported as overdue (so its arrival is worth saying). */
  overdue: boolean;
  waitedMs: number;
  /** Live bars held while it waited (part of `bars`). */
  held: number;
}

export class HistoryGate {
  private readonly waiting = new Map<string, Waiting>();
  /** Symbols that joined after the start-up batch, and symbols whose history request failed (health counters). */
  lateJoins = 0;
  failed = 0;

  /** @param cap live bars held per waiting symbol, at most (the warm-up length). */
  constructor(private readonly cap: number) {}

  /** These symbols wait for their history from `now` on. */
  wait(symbols: readonly string[], now: number): void {
    for (const s of symbols) if (!this.waiting.has(s)) this.waiting.set(s, { since: now, held: [], dropped: 0, reported: false });
  }

  isWaiting(symbol: string): boolean {
    return this.waiting.has(symbol);
  }

  /** Symbols still waiting, in the order they began to wait. */
  get symbols(): string[] {
    return [...this.waiting.keys()];
  }

  /** A live bar: held (true) while its symbol waits, so no strategy sees it yet. */
  hold(bar: Bar): boolean {
    const w = this.waiting.get(bar.symbol);
    if (!w) return false;
    w.held.push(bar);
    if (w.held.length > this.cap) {
      w.held.shift();
      w.dropped++;
    }
    return true;
  }

  /**
   * The symbol's history is in (empty when its request failed): it stops waiting.
   * `startup` = it came with the start-up batch (nothing was held then).
   */
  join(symbol: string, history: readonly Bar[], now: number, startup: boolean, failed = false): Joined {
    const w = this.waiting.get(symbol);
    if (!startup) this.lateJoins++;
    if (failed) this.failed++;
    this.waiting.delete(symbol);
    const held = w?.held ?? [];
    // history ends where the live stream took over: a bar it delivered (or would deliver next) is fed once, as delivered
    const first = held[0]?.ts;
    const past = w && w.dropped > 0 ? [] : first === undefined ? [...history] : history.filter((b) => b.ts < first);
    return { bars: past.concat(held), late: !startup, overdue: w?.reported ?? false, waitedMs: w ? now - w.since : 0, held: held.length };
  }

  /** Symbols waiting longer than `timeoutMs` not reported yet; each is reported once. */
  overdue(now: number, timeoutMs: number): string[] {
    const out: string[] = [];
    for (const [s, w] of this.waiting) {
      if (w.reported || now - w.since < timeoutMs) continue;
      w.reported = true;
      out.push(s);
    }
    return out;
  }
}
