// ccxt lookup by client order id: the step before any re-send. An order whose
// createOrder failed without proof of refusal is looked up through every means
// the exchange offers (fetchOrder with the client id, then its open and recent
// orders). "Found" adopts it, "absent" needs listings covering both open and
// done orders, anything less is "unknown" - never re-sent nor reported
// rejected. checkOwn refuses an answer that contradicts what was sent.
import { venueError } from './errors.js';
import { malformed, parseOrder, type ParsedOrder } from './payload.js';
import { MINUTE, type CcxtState } from './state.js';
import type { Lookup, OrderRec } from './types.js';

export class CcxtLookup {
  constructor(private readonly s: CcxtState) {}

  /** An exchange order claimed to be ours must agree with what we sent. */
  checkOwn(o: ParsedOrder, rec: OrderRec, endpoint: string): ParsedOrder {
    const ctx = this.s.ctx(endpoint);
    if (o.clientOrderId !== undefined && o.clientOrderId !== rec.exClientId) throw malformed(ctx, 'clientOrderId', o.clientOrderId, `'${rec.exClientId}'`);
    if (o.symbol !== rec.symbol) throw malformed(ctx, 'symbol', o.symbol, `'${rec.symbol}'`);
    if (o.side !== rec.side) throw malformed(ctx, 'side', o.side, `'${rec.side}'`);
    return o;
  }

  /** Looks one of our orders up by its client order id (see lookupBy). */
  lookup(rec: OrderRec): Promise<Lookup> {
    return this.lookupBy({ exClientId: rec.exClientId, symbols: [rec.symbol], since: rec.createdAt - 10 * MINUTE, rec });
  }

  /**
   * Looks an order up by its client order id through every means the
   * exchange offers: fetchOrder with the client id where ccxt supports it,
   * then the open and the recent orders (where the lookup by client id is
   * missing or unreliable). "Absent" needs proof from listings that cover
   * both open and done orders; anything less is "unknown", and unknown is
   * never re-sent nor reported rejected.
   */
  async lookupBy(target: { exClientId: string; symbols: string[]; since: number; rec?: OrderRec }): Promise<Lookup> {
    this.s.counters.lookups++;
    const has = this.s.ex.has;
    const { exClientId, rec } = target;
    const own = (o: ParsedOrder, endpoint: string): ParsedOrder => (rec ? this.checkOwn(o, rec, endpoint) : o);
    let coversOpen = false;
    let coversDone = false;
    try {
      if (has.fetchOrder) {
        try {
          const symbol = target.symbols.length === 1 ? target.symbols[0] : undefined;
          const raw = await this.s.call('fetchOrder', () => this.s.ex.fetchOrder(undefined, symbol, { clientOrderId: exClientId }));
          const o = own(parseOrder(raw, this.s.ctx('fetchOrder')), 'fetchOrder');
          // only an answer carrying our client order id is ours (some exchanges ignore the param)
          if (o.clientOrderId === exClientId) return { kind: 'found', order: o };
        } catch (e) {
          const ve = this.s.toVenueError(e, 'fetchOrder');
          if (!['ORDER_NOT_FOUND', 'NOT_SUPPORTED', 'BAD_REQUEST', 'INVALID_ORDER'].includes(ve.code)) throw ve;
        }
      }
      for (const symbol of target.symbols) {
        const lists: [string, () => Promise<unknown>, boolean, boolean][] = [];
        if (has.fetchOpenOrders) lists.push(['fetchOpenOrders', () => this.s.ex.fetchOpenOrders(symbol), true, false]);
        if (has.fetchOrders) lists.push(['fetchOrders', () => this.s.ex.fetchOrders(symbol, target.since), true, true]);
        else if (has.fetchClosedOrders) lists.push(['fetchClosedOrders', () => this.s.ex.fetchClosedOrders(symbol, target.since), false, true]);
        let open = false;
        let done = false;
        for (const [endpoint, fn, o, d] of lists) {
          const raw = await this.s.call(endpoint, fn);
          if (!Array.isArray(raw)) throw this.s.countMalformed(malformed(this.s.ctx(endpoint), 'orders', raw, 'an array'));
          for (const item of raw) {
            const cid = (item as { clientOrderId?: unknown } | null)?.clientOrderId;
            if (cid !== exClientId) continue;
            return { kind: 'found', order: own(parseOrder(item, this.s.ctx(endpoint)), endpoint) };
          }
          open ||= o;
          done ||= d;
        }
        if (symbol === target.symbols[0]) {
          coversOpen = open;
          coversDone = done;
        } else {
          coversOpen &&= open;
          coversDone &&= done;
        }
      }
    } catch (e) {
      const ve = this.s.toVenueError(e, 'lookup');
      this.s.noteError(ve);
      return { kind: 'unknown', error: ve };
    }
    if (!coversOpen || !coversDone) {
      return { kind: 'unknown', error: venueError('NOT_SUPPORTED', this.s.ctx('lookup', 'clientOrderId'), 'this exchange cannot list both open and done orders to prove an order absent') };
    }
    return { kind: 'absent' };
  }
}
