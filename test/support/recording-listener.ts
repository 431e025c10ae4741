// Records everything a Venue emits, for the venue adapter tests (simulator,
// Alpaca, ccxt): quotes, trades, bars, order updates, fills, connection changes.
import type { VenueFill, VenueListener, VenueOrderUpdate } from '../../src/engine/venues/venue.js';
import type { Bar, Quote, Trade } from '../../src/shared/domain.js';

/** Records everything a Venue emits. */
export class RecordingListener implements VenueListener {
  readonly quotes: Quote[] = [];
  readonly trades: Trade[] = [];
  readonly bars: Bar[] = [];
  readonly updates: VenueOrderUpdate[] = [];
  readonly fills: VenueFill[] = [];
  readonly connection: Array<{ state: 'connected' | 'disconnected'; reason?: string }> = [];

  onQuote(q: Quote): void {
    this.quotes.push(q);
  }
  onTrade(t: Trade): void {
    this.trades.push(t);
  }
  onBar(b: Bar): void {
    this.bars.push(b);
  }
  onOrderUpdate(u: VenueOrderUpdate): void {
    this.updates.push(u);
  }
  onFill(f: VenueFill): void {
    this.fills.push(f);
  }
  onConnection(state: 'connected' | 'disconnected', reason?: string): void {
    this.connection.push({ state, reason });
  }

  updatesFor(clientOrderId: string): VenueOrderUpdate[] {
    return this.updates.filter((u) => u.clientOrderId === clientOrderId);
  }
  fillsFor(clientOrderId: string): VenueFill[] {
    return this.fills.filter((f) => f.clientOrderId === clientOrderId);
  }
  update<K extends VenueOrderUpdate['kind']>(clientOrderId: string, kind: K): Extract<VenueOrderUpdate, { kind: K }> | undefined {
    return this.updates.find((u) => u.clientOrderId === clientOrderId && u.kind === kind) as Extract<VenueOrderUpdate, { kind: K }> | undefined;
  }
}
