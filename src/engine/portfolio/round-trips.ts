// Round trips per symbol, from flat to flat: the strategy (order source) that
// opened the position owns the trip, whoever's orders add to or close it; its
// P&L is the sum of every fill's realized P&L in between, entry and exit fees
// included, so a trip closed in parts is judged once on its whole result. A
// fill that reverses the position closes the trip and opens a new one, owned
// by that fill's source. What the risk monitor's consecutive-loss trigger counts.
import type { Fill } from '../../shared/domain.js';

export interface RoundTrip {
  strategy: string;
  symbol: string;
  openedAt: number;
  closedAt: number;
  /** Realized P&L of the whole trip after fees (account currency). */
  pnl: number;
  fills: number;
}

interface OpenTrip {
  strategy: string;
  openedAt: number;
  pnl: number;
  fills: number;
}

const EPS = 1e-9;

export class RoundTrips {
  private readonly open = new Map<string, OpenTrip>();

  /**
   * One fill, with the realized P&L (after its fee) the portfolio booked for
   * it and the source of its order; returns the trip it closed, if any.
   * `before` is the position before the fill (a position held at a restart
   * starts a trip owned by the first source that trades it).
   */
  onFill(f: Fill, realized: number, source: string, before: number): RoundTrip | undefined {
    const signed = f.side === 'buy' ? f.qty : -f.qty;
    const after = before + signed;
    let t = this.open.get(f.symbol);
    if (!t) {
      t = { strategy: source, openedAt: f.ts, pnl: 0, fills: 0 };
      this.open.set(f.symbol, t);
    }
    t.fills++;
    const flat = Math.abs(after) < EPS;
    const reversed = !flat && before !== 0 && Math.sign(after) !== Math.sign(before);
    if (!flat && !reversed) {
      t.pnl += realized;
      return undefined;
    }
    // the fill's fee is shared by the closing and the opening part of a reversal
    const closedPart = reversed ? Math.abs(before) / f.qty : 1;
    const trip: RoundTrip = { strategy: t.strategy, symbol: f.symbol, openedAt: t.openedAt, closedAt: f.ts, pnl: t.pnl + realized + (reversed ? f.fee * (1 - closedPart) : 0), fills: t.fills };
    if (reversed) this.open.set(f.symbol, { strategy: source, openedAt: f.ts, pnl: -f.fee * (1 - closedPart), fills: 1 });
    else this.open.delete(f.symbol);
    return trip;
  }

  /** The owner of the trip open on a symbol. */
  owner(symbol: string): string | undefined {
    return this.open.get(symbol)?.strategy;
  }
}
