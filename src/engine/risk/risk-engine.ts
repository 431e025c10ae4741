// The risk engine sits on the submit and modify path: every new order passes
// its pre-trade checks and the trading state before it may leave. It owns the
// trading states: one for the account, and optional ones per strategy and per
// instrument (ACTIVE / REDUCING / HALTED; the most restrictive applies).
// Cancels never pass through here. Every check reports its value and limit.
import type { Instrument, OrderSide, TradingState, TradingStateChange } from '../../shared/domain.js';
import type { RiskLimits } from '../core/config.js';

export interface OrderIntent {
  symbol: string;
  side: OrderSide;
  qty: number;
  limitPrice?: number;
  source: string;
  /** A verified flattening order: allowed while HALTED if it only reduces exposure. */
  flatten?: boolean;
}

/** What the risk engine reads about the account; every accessor is O(1). */
export interface RiskView {
  position(symbol: string): number;
  openQty(symbol: string): { buy: number; sell: number };
  referencePrice(symbol: string): number | undefined;
  instrument(symbol: string): Instrument | undefined;
  marketOpen(symbol: string): boolean;
  equity(): number;
  gross(): number;
  net(): number;
  /** Gross exposure of a sector or asset class. */
  groupGross(kind: 'sector' | 'assetClass', key: string): number;
  buyingPower(): number;
  /** Notional of every open order's remaining quantity. */
  openOrderNotional(): number;
  /** Realized volatility regime from the risk monitor, if known. */
  volRegime(): { value: number; threshold: number } | undefined;
}

export interface CheckResult {
  check: string;
  passed: boolean;
  value: number | string;
  limit: number | string;
  message: string;
}

export interface RiskDecision {
  approved: boolean;
  /** First failed check's message, or 'approved'. */
  reason: string;
  checks: CheckResult[];
}

export type Scope = 'account' | `strategy:${string}` | `instrument:${string}`;

const RANK: Record<TradingState, number> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };
const EPS = 1e-9;

/** True if the order can only bring the position closer to flat (it never flips it). */
export function reducesExposure(intent: { side: OrderSide; qty: number }, position: number, open: { buy: number; sell: number }): boolean {
  if (position === 0) return false;
  const closingSide: OrderSide = position > 0 ? 'sell' : 'buy';
  if (intent.side !== closingSide) return false;
  const alreadyClosing = closingSide === 'sell' ? open.sell : open.buy;
  return intent.qty + alreadyClosing <= Math.abs(position) + EPS;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function isMultiple(x: number, step: number): boolean {
  const r = x / step;
  return Math.abs(r - Math.round(r)) < 1e-6;
}

/** Sliding-window counter of event times (approved orders), O(1) amortized. */
class RateWindow {
  private readonly times: number[] = [];
  private head = 0;
  constructor(private readonly windowMs: number) {}
  count(now: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.windowMs) this.head++;
    if (this.head > 1024) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }
  add(now: number): void {
    this.times.push(now);
  }
}

export class RiskEngine {
  private readonly states = new Map<Scope, TradingState>([['account', 'ACTIVE']]);
  private last: TradingStateChange | null = null;
  private lastAccount: TradingStateChange | null = null;
  private readonly perSecond = new RateWindow(1_000);
  private readonly perMinute = new RateWindow(60_000);
  private readonly recent = new Map<string, number>();

  constructor(
    private limits: RiskLimits,
    private readonly now: () => number,
    private readonly onStateChange: (change: TradingStateChange) => void,
  ) {}

  /** The account's trading state. */
  get tradingState(): TradingState {
    return this.states.get('account')!;
  }

  /** The last change of any scope. */
  get lastChange(): TradingStateChange | null {
    return this.last;
  }

  /** The last change of the account's own state (what the trading-state badge shows). */
  get lastAccountChange(): TradingStateChange | null {
    return this.lastAccount;
  }

  get currentLimits(): RiskLimits {
    return this.limits;
  }

  setLimits(limits: RiskLimits): void {
    this.limits = limits;
  }

  stateOf(scope: Scope): TradingState {
    return this.states.get(scope) ?? 'ACTIVE';
  }

  /** Every scope not ACTIVE, and the account. */
  scopedStates(): Array<{ scope: Scope; state: TradingState }> {
    return [...this.states].map(([scope, state]) => ({ scope, state }));
  }

  /** The most restrictive of the account's, the strategy's and the instrument's states. */
  effectiveState(source: string, symbol: string): TradingState {
    let s = this.states.get('account')!;
    const st = this.states.get(`strategy:${source}`);
    if (st && RANK[st] > RANK[s]) s = st;
    const it = this.states.get(`instrument:${symbol}`);
    if (it && RANK[it] > RANK[s]) s = it;
    return s;
  }

  /** Restores states rebuilt from the journal after a restart (no change is recorded). */
  restore(states: Array<{ scope: Scope; state: TradingState }> | TradingState, last: TradingStateChange | null): void {
    this.states.clear();
    this.states.set('account', 'ACTIVE');
    if (typeof states === 'string') this.states.set('account', states);
    else for (const { scope, state } of states) this.states.set(scope, state);
    this.last = last;
    this.lastAccount = last && (last.scope ?? 'account') === 'account' ? last : null;
  }

  /** Changes a trading state; a no-op change is not recorded. */
  setState(to: TradingState, actor: string, reason: string, scope: Scope = 'account'): boolean {
    const from = this.stateOf(scope);
    if (to === from) return false;
    const change: TradingStateChange = { ts: this.now(), from, to, actor, reason, scope };
    if (to === 'ACTIVE' && scope !== 'account') this.states.delete(scope);
    else this.states.set(scope, to);
    this.last = change;
    if (scope === 'account') this.lastAccount = change;
    this.onStateChange(change);
    return true;
  }

  /** Records an approved order for the rate and duplicate checks. */
  recordApproved(intent: OrderIntent): void {
    const t = this.now();
    this.perSecond.add(t);
    this.perMinute.add(t);
    this.recent.set(dupKey(intent), t);
    if (this.recent.size > 10_000) {
      for (const [k, ts] of this.recent) if (t - ts > this.limits.duplicateWindowMs) this.recent.delete(k);
    }
  }

  check(intent: OrderIntent, view: RiskView): RiskDecision {
    const L = this.limits;
    const checks: CheckResult[] = [];
    const add = (check: string, passed: boolean, value: number | string, limit: number | string, message: string): void => {
      checks.push({ check, passed, value, limit, message: passed ? 'ok' : message });
    };
    const sym = intent.symbol;
    const pos = view.position(sym);
    const open = view.openQty(sym);
    const reducing = reducesExposure(intent, pos, open);
    const now = this.now();

    // trading state: account, strategy, instrument
    const state = this.effectiveState(intent.source, sym);
    if (state === 'HALTED') {
      const ok = !!intent.flatten && reducing;
      add('trading_state', ok, state, 'ACTIVE', 'trading is HALTED: no new orders (only verified flattening orders)');
    } else if (state === 'REDUCING') {
      add('trading_state', reducing, state, 'ACTIVE', 'trading is REDUCING: only orders that reduce exposure are allowed');
    } else add('trading_state', true, state, 'ACTIVE', '');

    const inst = view.instrument(sym);
    add('instrument_tradable', !!inst, inst ? 'known' : 'unknown', 'known', `unknown or untradable instrument ${sym}`);
    const open_ = view.marketOpen(sym);
    add('market_open', open_, open_ ? 'open' : 'closed', 'open', `the market for ${sym} is closed`);

    const qtyOk = Number.isFinite(intent.qty) && intent.qty > 0;
    add('quantity_valid', qtyOk, intent.qty, '> 0', `quantity ${intent.qty} is not a positive number`);
    const ref = view.referencePrice(sym);
    const refOk = ref !== undefined && Number.isFinite(ref) && ref > 0;
    add('price_known', refOk, ref ?? 'none', '> 0', `no valid market price for ${sym}`);
    const lp = intent.limitPrice;
    const limitOk = lp === undefined || (Number.isFinite(lp) && lp > 0);
    add('limit_price_valid', limitOk, lp ?? 'market', '> 0', `limit price ${lp} is not a positive number`);

    if (inst && qtyOk) {
      add('lot_size', isMultiple(intent.qty, inst.lotSize), intent.qty, inst.lotSize, `quantity ${intent.qty} is not a multiple of the lot size ${inst.lotSize}`);
    }
    if (inst && lp !== undefined && limitOk) {
      add('tick_size', isMultiple(lp, inst.tickSize), lp, inst.tickSize, `limit price ${lp} is not a multiple of the tick size ${inst.tickSize}`);
    }
    if (inst) {
      const newPos = pos + (intent.side === 'buy' ? intent.qty : -intent.qty);
      const opensShort = newPos < -EPS && intent.side === 'sell';
      add('shortable', !opensShort || inst.shortable, opensShort ? 'short' : 'no short', inst.shortable ? 'shortable' : 'not shortable', `${sym} cannot be sold short`);
    }

    if (qtyOk && refOk && limitOk) {
      const price = Math.max(lp ?? 0, ref!);
      const notional = intent.qty * price;
      if (inst) add('min_notional', notional >= inst.minNotional, round2(notional), inst.minNotional, `order notional ${round2(notional)} is below the minimum ${inst.minNotional}`);
      add('max_order_qty', intent.qty <= L.maxOrderQty, intent.qty, L.maxOrderQty, `order quantity ${intent.qty} exceeds max ${L.maxOrderQty}`);
      add('max_order_notional', notional <= L.maxOrderNotional, round2(notional), L.maxOrderNotional, `order notional ${round2(notional)} exceeds max ${L.maxOrderNotional}`);
      if (lp !== undefined) {
        const dev = Math.abs(lp - ref!) / ref!;
        add('price_collar', dev <= L.priceCollarPct, round4(dev), L.priceCollarPct, `limit ${lp} is ${(dev * 100).toFixed(2)}% from the mid ${round4(ref!)} (collar ${(L.priceCollarPct * 100).toFixed(2)}%)`);
      }
      if (!reducing) this.exposureChecks(intent, view, inst, pos, open, price, notional, add);
    }

    if (!intent.flatten) {
      const perSec = this.perSecond.count(now);
      add('order_rate_second', perSec < L.maxOrdersPerSecond, perSec + 1, L.maxOrdersPerSecond, `order rate ${perSec + 1}/s exceeds ${L.maxOrdersPerSecond}/s`);
      const perMin = this.perMinute.count(now);
      add('order_rate_minute', perMin < L.maxOrdersPerMinute, perMin + 1, L.maxOrdersPerMinute, `order rate ${perMin + 1}/min exceeds ${L.maxOrdersPerMinute}/min`);
      const lastSame = this.recent.get(dupKey(intent));
      const dup = lastSame !== undefined && now - lastSame < L.duplicateWindowMs;
      add('duplicate_order', !dup, dup ? `same order ${now - lastSame!} ms ago` : 'none', `${L.duplicateWindowMs} ms`, `duplicate of an order sent ${dup ? now - lastSame! : 0} ms ago`);
    }

    const failed = checks.find((c) => !c.passed);
    return { approved: !failed, reason: failed ? failed.message : 'approved', checks };
  }

  /** Checks that only matter for orders that can add exposure. */
  private exposureChecks(
    intent: OrderIntent,
    view: RiskView,
    inst: Instrument | undefined,
    pos: number,
    open: { buy: number; sell: number },
    price: number,
    notional: number,
    add: (check: string, passed: boolean, value: number | string, limit: number | string, message: string) => void,
  ): void {
    const L = this.limits;
    const equity = view.equity();
    const eqOk = equity > 0;
    const signed = intent.side === 'buy' ? 1 : -1;
    // worst case: every open order on the same side fills too
    const sameSideOpen = intent.side === 'buy' ? open.buy : open.sell;
    const projectedQty = pos + signed * (intent.qty + sameSideOpen);
    const projected = Math.abs(projectedQty) * price;
    const current = Math.abs(pos) * price;
    const added = Math.max(0, projected - current);
    add('max_position_notional', projected <= L.maxPositionNotional, round2(projected), L.maxPositionNotional, `position notional would reach ${round2(projected)}, above max ${L.maxPositionNotional}`);
    const posPct = eqOk ? projected / equity : Infinity;
    add('max_position_pct_equity', posPct <= L.maxPositionPctEquity, round4(posPct), L.maxPositionPctEquity, `position would be ${(posPct * 100).toFixed(1)}% of equity, above ${(L.maxPositionPctEquity * 100).toFixed(1)}%`);
    if (inst) {
      const sector = eqOk ? (view.groupGross('sector', inst.sector) + added) / equity : Infinity;
      add('sector_concentration', sector <= L.maxConcentrationPct, round4(sector), L.maxConcentrationPct, `sector ${inst.sector} would be ${(sector * 100).toFixed(1)}% of equity, above ${(L.maxConcentrationPct * 100).toFixed(1)}%`);
      const cls = eqOk ? (view.groupGross('assetClass', inst.assetClass) + added) / equity : Infinity;
      add('asset_class_concentration', cls <= L.maxConcentrationPct, round4(cls), L.maxConcentrationPct, `asset class ${inst.assetClass} would be ${(cls * 100).toFixed(1)}% of equity, above ${(L.maxConcentrationPct * 100).toFixed(1)}%`);
    }
    const gross = eqOk ? (view.gross() + added) / equity : Infinity;
    add('gross_exposure', gross <= L.maxGrossExposurePct, round4(gross), L.maxGrossExposurePct, `gross exposure would be ${(gross * 100).toFixed(1)}% of equity, above ${(L.maxGrossExposurePct * 100).toFixed(0)}%`);
    const net = eqOk ? (view.net() + signed * notional) / equity : Infinity;
    const netOk = net >= L.minNetExposurePct - EPS && net <= L.maxNetExposurePct + EPS;
    add('net_exposure', netOk, round4(net), `${L.minNetExposurePct}..${L.maxNetExposurePct}`, `net exposure would be ${(net * 100).toFixed(1)}% of equity, outside ${(L.minNetExposurePct * 100).toFixed(0)}%..${(L.maxNetExposurePct * 100).toFixed(0)}%`);
    const lev = eqOk ? (view.gross() + view.openOrderNotional() + notional) / equity : Infinity;
    add('leverage', lev <= L.maxLeverage, round4(lev), L.maxLeverage, `leverage with open orders would be ${lev.toFixed(2)}x, above ${L.maxLeverage}x`);
    const bp = view.buyingPower();
    add('buying_power', notional <= bp + EPS, round2(notional), round2(bp), `order notional ${round2(notional)} exceeds buying power ${round2(bp)}`);
    const vr = view.volRegime();
    if (vr) add('volatility_regime', vr.value <= vr.threshold, round4(vr.value), vr.threshold, `volatility regime ${(vr.value * 100).toFixed(1)}% is above ${(vr.threshold * 100).toFixed(1)}%: no new entries`);
  }
}

function dupKey(i: OrderIntent): string {
  return `${i.source}|${i.symbol}|${i.side}|${i.qty}|${i.limitPrice ?? 'mkt'}`;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
