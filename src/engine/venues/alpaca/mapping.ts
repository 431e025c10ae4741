// Mapping between Alpaca's objects and the venue-neutral domain types.
import type { Instrument, OrderSide, TimeInForce } from '../../../shared/domain.js';
import type { VenueOpenOrder } from '../venue.js';
import type { AssetPayload, OrderPayload } from './schemas.js';

/** Quantity step of fractionable assets: Alpaca accepts up to 9 decimal places. */
export const FRACTIONAL_LOT = 1e-9;
/** Alpaca's minimum notional for fractional / notional orders, USD. */
export const FRACTIONAL_MIN_NOTIONAL = 1;

/**
 * Alpaca asset -> Instrument. Kept deliberately simple:
 * - tickSize: the asset's price_increment when Alpaca gives one (crypto); else
 *   0.01 for a stock trading at or above $1 and 0.0001 below $1 (SEC Rule 612
 *   sub-penny pricing), judged from `lastPrice`; 0.01 when the price is unknown.
 *   A fixed tick per instrument, so a stock crossing $1 keeps the tick it had
 *   when instruments() was called.
 * - lotSize: min_trade_increment when given; else 1e-9 for fractionable assets
 *   (Alpaca takes 9 decimals; fractional orders must be market/day), 1 otherwise.
 * - minNotional: $1 for fractionable assets (Alpaca's fractional minimum), else 0.
 * - shortable: shortable and easy to borrow (Alpaca only shorts ETB names).
 * - sector: Alpaca has no sector data; 'unknown'.
 */
export function assetToInstrument(a: AssetPayload, lastPrice: number | undefined): Instrument {
  const crypto = a._class === 'crypto';
  const tickSize = a.priceIncrement ?? (lastPrice !== undefined && lastPrice > 0 && lastPrice < 1 ? 0.0001 : 0.01);
  const lotSize = a.minTradeIncrement ?? (a.fractionable ? FRACTIONAL_LOT : 1);
  return {
    symbol: a.symbol,
    name: a.name,
    assetClass: crypto ? 'crypto' : 'us_equity',
    sector: 'unknown',
    tickSize,
    lotSize,
    minNotional: a.fractionable || crypto ? FRACTIONAL_MIN_NOTIONAL : 0,
    shortable: a.shortable && (a.easyToBorrow ?? true),
    calendar: crypto ? '24x7' : 'nyse',
  };
}

/** Number -> the decimal string Alpaca expects, without float noise (0.1+0.2 -> "0.3"). */
export function wireDecimal(n: number): string {
  return String(Number(n.toFixed(9)));
}

export function round9(n: number): number {
  return Number(n.toFixed(9));
}

const TIFS: readonly string[] = ['day', 'gtc', 'ioc'];

/** Suffix of the client_order_id the venue gives an order's replacement. */
export const REPLACE_SUFFIX = /~r(\d+)$/;

/**
 * An Alpaca order as an open order of the app, or null when it cannot be
 * expressed in the domain (stop / trailing orders, opg / cls / fok, notional).
 */
export function toOpenOrder(o: OrderPayload, clientOrderId: string): VenueOpenOrder | null {
  if ((o.type !== 'market' && o.type !== 'limit') || !TIFS.includes(o.timeInForce) || o.qty == null) return null;
  return {
    clientOrderId,
    symbol: o.symbol,
    side: o.side as OrderSide,
    type: o.type,
    qty: o.qty,
    ...(o.type === 'limit' && o.limitPrice != null ? { limitPrice: o.limitPrice } : {}),
    timeInForce: o.timeInForce as TimeInForce,
    venueOrderId: o.id,
    filledQty: o.filledQty,
  };
}
