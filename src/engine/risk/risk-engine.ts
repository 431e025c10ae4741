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
  /** The duplicate key check() built last and its intent: recordApproved of the same order reuses it (a string built and hashed per order). */
  private keyOf: { intent: OrderIntent | null; source: string; symbol: string; side: string; qty: number; limitPrice: number | undefined; key: string } = {
    intent: null,
    source: '',
    symbol: '',
    side: '',
    qty: 0,
    limitPrice: undefined,
    key: '',
  };

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
    if (this.states.size === 1) return s; // no strategy or instrument scope is set: no key to build
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
    this.recent.set(this.dupKeyOf(intent), t);
    if (this.recent.size > 10_000) {
      for (const [k, ts] of this.recent) if (t - ts > this.limits.duplicateWindowMs) this.recent.delete(k);
    }
  }

  /** dupKey(intent), reused when asked again for the same, unchanged intent. */
  private dupKeyOf(intent: OrderIntent): string {
    const k = this.keyOf;
    if (k.intent === intent && k.source === intent.source && k.symbol === intent.symbol && k.side === intent.side && k.qty === intent.qty && k.limitPrice === intent.limitPrice) return k.key;
    k.intent = intent;
    k.source = intent.source;
    k.symbol = intent.symbol;
    k.side = intent.side;
    k.qty = intent.qty;
    k.limitPrice = intent.limitPrice;
    k.key = dupKey(intent);
    return k.key;
  }

  /**
   * Runs every pre-trade check. The view is read once into a compact
   * `CheckInputs`; the checks are predicates over it. An approved order builds
   * no strings and no per-check objects: its `checks` (value, limit and
   * message of each, for the journal's decision record) are built from the
   * inputs the first time they are read. A denial builds them at once.
   */
  check(intent: OrderIntent, view: RiskView): RiskDecision {
    const x = new CheckInputs(intent, this.limits, this.effectiveState(intent.source, intent.symbol), this.now());
    x.read(view);
    if (!intent.flatten) {
      x.perSec = this.perSecond.count(x.now);
      x.perMin = this.perMinute.count(x.now);
      x.lastSame = this.recent.size === 0 ? undefined : this.recent.get(this.dupKeyOf(intent));
    }
    if (evaluate(x, null)) return new ApprovedDecision(x);
    const checks: CheckResult[] = [];
    evaluate(x, checks);
    const failed = checks.find((c) => !c.passed);
    return { approved: false, reason: failed ? failed.message : 'approved', checks };
  }
}

/**
 * Everything the checks read, taken from the view once per order (the compact
 * form of a decision). Numbers and references only; no strings are built.
 */
class CheckInputs {
  readonly symbol: string;
  readonly side: OrderSide;
  readonly qty: number;
  readonly lp: number | undefined;
  readonly flatten: boolean;
  inst: Instrument | undefined = undefined;
  marketOpen = false;
  ref: number | undefined = undefined;
  pos = 0;
  sameSideOpen = 0;
  reducing = false;
  qtyOk = false;
  refOk = false;
  limitOk = false;
  /** Order price for notional checks: max(limit, reference). */
  price = 0;
  notional = 0;
  /** Exposure inputs, read only for an order that can add exposure. */
  exposure = false;
  equity = 0;
  sectorGross = 0;
  classGross = 0;
  gross = 0;
  net = 0;
  openOrderNotional = 0;
  buyingPower = 0;
  vr: { value: number; threshold: number } | undefined = undefined;
  perSec = 0;
  perMin = 0;
  lastSame: number | undefined = undefined;

  constructor(
    intent: OrderIntent,
    readonly L: RiskLimits,
    readonly state: TradingState,
    readonly now: number,
  ) {
    this.symbol = intent.symbol;
    this.side = intent.side;
    this.qty = intent.qty;
    this.lp = intent.limitPrice;
    this.flatten = !!intent.flatten;
  }

  read(view: RiskView): void {
    const sym = this.symbol;
    this.pos = view.position(sym);
    const open = view.openQty(sym);
    this.sameSideOpen = this.side === 'buy' ? open.buy : open.sell;
    this.reducing = reducesExposure(this, this.pos, open);
    this.inst = view.instrument(sym);
    this.marketOpen = view.marketOpen(sym);
    this.qtyOk = Number.isFinite(this.qty) && this.qty > 0;
    const ref = view.referencePrice(sym);
    this.ref = ref;
    this.refOk = ref !== undefined && Number.isFinite(ref) && ref > 0;
    const lp = this.lp;
    this.limitOk = lp === undefined || (Number.isFinite(lp) && lp > 0);
    if (!(this.qtyOk && this.refOk && this.limitOk)) return;
    this.price = Math.max(lp ?? 0, ref!);
    this.notional = this.qty * this.price;
    if (this.reducing) return;
    this.exposure = true;
    this.equity = view.equity();
    if (this.inst) {
      this.sectorGross = view.groupGross('sector', this.inst.sector);
      this.classGross = view.groupGross('assetClass', this.inst.assetClass);
    }
    this.gross = view.gross();
    this.net = view.net();
    this.openOrderNotional = view.openOrderNotional();
    this.buyingPower = view.buyingPower();
    this.vr = view.volRegime();
  }
}

/** An approved decision: its per-check results are built from the inputs when first read. */
class ApprovedDecision implements RiskDecision {
  readonly approved = true;
  readonly reason = 'approved';
  #inputs: CheckInputs | undefined;
  #checks: CheckResult[] | undefined;

  constructor(inputs: CheckInputs) {
    this.#inputs = inputs;
  }

  get checks(): CheckResult[] {
    if (!this.#checks) {
      this.#checks = [];
      evaluate(this.#inputs!, this.#checks);
      this.#inputs = undefined;
    }
    return this.#checks;
  }
}

function result(check: string, passed: boolean, value: number | string, limit: number | string, message: string): CheckResult {
  return { check, passed, value, limit, message: passed ? 'ok' : message };
}

/**
 * The checks, in their reported order. With `out` null it only answers whether
 * every check passes (stopping at the first failure, building nothing); with
 * `out` it appends each check's result, message included, and returns the same.
 * Each check is written once: its predicate, then its explanation.
 */
function evaluate(x: CheckInputs, out: CheckResult[] | null): boolean {
  const L = x.L;
  const sym = x.symbol;
  const inst = x.inst;
  let all = true;
  let ok: boolean;

  // trading state: account, strategy, instrument
  ok = x.state === 'HALTED' ? x.flatten && x.reducing : x.state === 'REDUCING' ? x.reducing : true;
  if (out) out.push(result('trading_state', ok, x.state, 'ACTIVE', x.state === 'HALTED' ? 'trading is HALTED: no new orders (only verified flattening orders)' : 'trading is REDUCING: only orders that reduce exposure are allowed'));
  else if (!ok) return false;
  all &&= ok;

  ok = !!inst;
  if (out) out.push(result('instrument_tradable', ok, inst ? 'known' : 'unknown', 'known', `unknown or untradable instrument ${sym}`));
  else if (!ok) return false;
  all &&= ok;

  ok = x.marketOpen;
  if (out) out.push(result('market_open', ok, ok ? 'open' : 'closed', 'open', `the market for ${sym} is closed`));
  else if (!ok) return false;
  all &&= ok;

  ok = x.qtyOk;
  if (out) out.push(result('quantity_valid', ok, x.qty, '> 0', `quantity ${x.qty} is not a positive number`));
  else if (!ok) return false;
  all &&= ok;

  ok = x.refOk;
  if (out) out.push(result('price_known', ok, x.ref ?? 'none', '> 0', `no valid market price for ${sym}`));
  else if (!ok) return false;
  all &&= ok;

  const lp = x.lp;
  ok = x.limitOk;
  if (out) out.push(result('limit_price_valid', ok, lp ?? 'market', '> 0', `limit price ${lp} is not a positive number`));
  else if (!ok) return false;
  all &&= ok;

  if (inst && x.qtyOk) {
    ok = isMultiple(x.qty, inst.lotSize);
    if (out) out.push(result('lot_size', ok, x.qty, inst.lotSize, `quantity ${x.qty} is not a multiple of the lot size ${inst.lotSize}`));
    else if (!ok) return false;
    all &&= ok;
  }
  if (inst && lp !== undefined && x.limitOk) {
    ok = isMultiple(lp, inst.tickSize);
    if (out) out.push(result('tick_size', ok, lp, inst.tickSize, `limit price ${lp} is not a multiple of the tick size ${inst.tickSize}`));
    else if (!ok) return false;
    all &&= ok;
  }
  if (inst) {
    const newPos = x.pos + (x.side === 'buy' ? x.qty : -x.qty);
    const opensShort = newPos < -EPS && x.side === 'sell';
    ok = !opensShort || inst.shortable;
    if (out) out.push(result('shortable', ok, opensShort ? 'short' : 'no short', inst.shortable ? 'shortable' : 'not shortable', `${sym} cannot be sold short`));
    else if (!ok) return false;
    all &&= ok;
  }

  if (x.qtyOk && x.refOk && x.limitOk) {
    const notional = x.notional;
    const ref = x.ref!;
    if (inst) {
      ok = notional >= inst.minNotional;
      if (out) out.push(result('min_notional', ok, round2(notional), inst.minNotional, `order notional ${round2(notional)} is below the minimum ${inst.minNotional}`));
      else if (!ok) return false;
      all &&= ok;
    }
    ok = x.qty <= L.maxOrderQty;
    if (out) out.push(result('max_order_qty', ok, x.qty, L.maxOrderQty, `order quantity ${x.qty} exceeds max ${L.maxOrderQty}`));
    else if (!ok) return false;
    all &&= ok;
    ok = notional <= L.maxOrderNotional;
    if (out) out.push(result('max_order_notional', ok, round2(notional), L.maxOrderNotional, `order notional ${round2(notional)} exceeds max ${L.maxOrderNotional}`));
    else if (!ok) return false;
    all &&= ok;
    if (lp !== undefined) {
      const dev = Math.abs(lp - ref) / ref;
      ok = dev <= L.priceCollarPct;
      if (out) out.push(result('price_collar', ok, round4(dev), L.priceCollarPct, `limit ${lp} is ${(dev * 100).toFixed(2)}% from the mid ${round4(ref)} (collar ${(L.priceCollarPct * 100).toFixed(2)}%)`));
      else if (!ok) return false;
      all &&= ok;
    }
    if (x.exposure && !evaluateExposure(x, out)) {
      if (!out) return false;
      all = false;
    }
  }

  if (!x.flatten) {
    const perSec = x.perSec;
    ok = perSec < L.maxOrdersPerSecond;
    if (out) out.push(result('order_rate_second', ok, perSec + 1, L.maxOrdersPerSecond, `order rate ${perSec + 1}/s exceeds ${L.maxOrdersPerSecond}/s`));
    else if (!ok) return false;
    all &&= ok;
    const perMin = x.perMin;
    ok = perMin < L.maxOrdersPerMinute;
    if (out) out.push(result('order_rate_minute', ok, perMin + 1, L.maxOrdersPerMinute, `order rate ${perMin + 1}/min exceeds ${L.maxOrdersPerMinute}/min`));
    else if (!ok) return false;
    all &&= ok;
    const lastSame = x.lastSame;
    const dup = lastSame !== undefined && x.now - lastSame < L.duplicateWindowMs;
    ok = !dup;
    if (out) out.push(result('duplicate_order', ok, dup ? `same order ${x.now - lastSame} ms ago` : 'none', `${L.duplicateWindowMs} ms`, `duplicate of an order sent ${dup ? x.now - lastSame : 0} ms ago`));
    else if (!ok) return false;
    all &&= ok;
  }
  return all;
}

/** Checks that only matter for orders that can add exposure (same contract as `evaluate`). */
function evaluateExposure(x: CheckInputs, out: CheckResult[] | null): boolean {
  const L = x.L;
  const inst = x.inst;
  const price = x.price;
  const notional = x.notional;
  const equity = x.equity;
  const eqOk = equity > 0;
  const signed = x.side === 'buy' ? 1 : -1;
  // worst case: every open order on the same side fills too
  const projectedQty = x.pos + signed * (x.qty + x.sameSideOpen);
  const projected = Math.abs(projectedQty) * price;
  const current = Math.abs(x.pos) * price;
  const added = Math.max(0, projected - current);
  let all = true;
  let ok: boolean;

  ok = projected <= L.maxPositionNotional;
  if (out) out.push(result('max_position_notional', ok, round2(projected), L.maxPositionNotional, `position notional would reach ${round2(projected)}, above max ${L.maxPositionNotional}`));
  else if (!ok) return false;
  all &&= ok;
  const posPct = eqOk ? projected / equity : Infinity;
  ok = posPct <= L.maxPositionPctEquity;
  if (out) out.push(result('max_position_pct_equity', ok, round4(posPct), L.maxPositionPctEquity, `position would be ${(posPct * 100).toFixed(1)}% of equity, above ${(L.maxPositionPctEquity * 100).toFixed(1)}%`));
  else if (!ok) return false;
  all &&= ok;
  if (inst) {
    const sector = eqOk ? (x.sectorGross + added) / equity : Infinity;
    ok = sector <= L.maxConcentrationPct;
    if (out) out.push(result('sector_concentration', ok, round4(sector), L.maxConcentrationPct, `sector ${inst.sector} would be ${(sector * 100).toFixed(1)}% of equity, above ${(L.maxConcentrationPct * 100).toFixed(1)}%`));
    else if (!ok) return false;
    all &&= ok;
    const cls = eqOk ? (x.classGross + added) / equity : Infinity;
    ok = cls <= L.maxConcentrationPct;
    if (out) out.push(result('asset_class_concentration', ok, round4(cls), L.maxConcentrationPct, `asset class ${inst.assetClass} would be ${(cls * 100).toFixed(1)}% of equity, above ${(L.maxConcentrationPct * 100).toFixed(1)}%`));
    else if (!ok) return false;
    all &&= ok;
  }
  const gross = eqOk ? (x.gross + added) / equity : Infinity;
  ok = gross <= L.maxGrossExposurePct;
  if (out) out.push(result('gross_exposure', ok, round4(gross), L.maxGrossExposurePct, `gross exposure would be ${(gross * 100).toFixed(1)}% of equity, above ${(L.maxGrossExposurePct * 100).toFixed(0)}%`));
  else if (!ok) return false;
  all &&= ok;
  const net = eqOk ? (x.net + signed * notional) / equity : Infinity;
  // Inside the range, or nearer to it than now: an order that brings a breached net exposure back
  // toward its range (buying while too short, selling while too long) is never refused for it.
  ok = (net >= L.minNetExposurePct - EPS && net <= L.maxNetExposurePct + EPS) ||
    (eqOk && (signed > 0 ? x.net / equity < L.minNetExposurePct && net <= L.maxNetExposurePct + EPS : x.net / equity > L.maxNetExposurePct && net >= L.minNetExposurePct - EPS));
  if (out) out.push(result('net_exposure', ok, round4(net), `${L.minNetExposurePct}..${L.maxNetExposurePct}`, `net exposure would be ${(net * 100).toFixed(1)}% of equity, outside ${(L.minNetExposurePct * 100).toFixed(0)}%..${(L.maxNetExposurePct * 100).toFixed(0)}%`));
  else if (!ok) return false;
  all &&= ok;
  const lev = eqOk ? (x.gross + x.openOrderNotional + notional) / equity : Infinity;
  ok = lev <= L.maxLeverage;
  if (out) out.push(result('leverage', ok, round4(lev), L.maxLeverage, `leverage with open orders would be ${lev.toFixed(2)}x, above ${L.maxLeverage}x`));
  else if (!ok) return false;
  all &&= ok;
  const bp = x.buyingPower;
  ok = notional <= bp + EPS;
  if (out) out.push(result('buying_power', ok, round2(notional), round2(bp), `order notional ${round2(notional)} exceeds buying power ${round2(bp)}`));
  else if (!ok) return false;
  all &&= ok;
  const vr = x.vr;
  if (vr) {
    ok = vr.value <= vr.threshold;
    if (out) out.push(result('volatility_regime', ok, round4(vr.value), vr.threshold, `volatility regime ${(vr.value * 100).toFixed(1)}% is above ${(vr.threshold * 100).toFixed(1)}%: no new entries`));
    else if (!ok) return false;
    all &&= ok;
  }
  return all;
}

function dupKey(i: OrderIntent): string {
  return `${i.source}|${i.symbol}|${i.side}|${i.qty}|${i.limitPrice ?? 'mkt'}`;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
