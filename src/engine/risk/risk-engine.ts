// The risk engine sits on the submit path: every new order passes its
// pre-trade checks and the trading state before it may leave. It owns the
// trading state (ACTIVE / REDUCING / HALTED); cancels never pass through here.
import type { OrderSide, TradingState, TradingStateChange } from '../../shared/domain.js';
import type { RiskLimits } from '../core/config.js';

export interface OrderIntent {
  symbol: string;
  side: OrderSide;
  qty: number;
  /** Price used for notional checks: the limit price, else the reference price. */
  limitPrice?: number;
  source: string;
}

export interface RiskContext {
  /** Current signed position quantity. */
  position: number;
  /** Remaining quantity of open orders on this symbol, per side. */
  openBuyQty: number;
  openSellQty: number;
  /** Last valid mid/trade price; undefined if none is known. */
  referencePrice: number | undefined;
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

/** True if the order can only bring the position closer to flat (it never flips it). */
export function reducesExposure(intent: OrderIntent, ctx: RiskContext): boolean {
  if (ctx.position === 0) return false;
  const closingSide: OrderSide = ctx.position > 0 ? 'sell' : 'buy';
  if (intent.side !== closingSide) return false;
  const alreadyClosing = closingSide === 'sell' ? ctx.openSellQty : ctx.openBuyQty;
  return intent.qty + alreadyClosing <= Math.abs(ctx.position) + 1e-9;
}

export class RiskEngine {
  private state: TradingState = 'ACTIVE';
  private last: TradingStateChange | null = null;

  constructor(
    private limits: RiskLimits,
    private readonly now: () => number,
    private readonly onStateChange: (change: TradingStateChange) => void,
  ) {}

  get tradingState(): TradingState {
    return this.state;
  }

  get lastChange(): TradingStateChange | null {
    return this.last;
  }

  get currentLimits(): RiskLimits {
    return this.limits;
  }

  /** Restores the state rebuilt from the journal after a restart (no new change is recorded). */
  restore(state: TradingState, last: TradingStateChange | null): void {
    this.state = state;
    this.last = last;
  }

  /** Changes the trading state; a no-op change is not recorded. */
  setState(to: TradingState, actor: string, reason: string): boolean {
    if (to === this.state) return false;
    const change: TradingStateChange = { ts: this.now(), from: this.state, to, actor, reason };
    this.state = to;
    this.last = change;
    this.onStateChange(change);
    return true;
  }

  check(intent: OrderIntent, ctx: RiskContext): RiskDecision {
    const checks: CheckResult[] = [];
    const add = (check: string, passed: boolean, value: number | string, limit: number | string, message: string) => {
      checks.push({ check, passed, value, limit, message });
      return passed;
    };
    const reducing = reducesExposure(intent, ctx);

    // trading state
    if (this.state === 'HALTED') {
      add('trading_state', false, this.state, 'ACTIVE', 'trading is HALTED: no new orders');
    } else if (this.state === 'REDUCING' && !reducing) {
      add('trading_state', false, this.state, 'ACTIVE', 'trading is REDUCING: only orders that reduce exposure are allowed');
    } else {
      add('trading_state', true, this.state, 'ACTIVE', 'ok');
    }

    // input sanity
    const qtyOk = Number.isFinite(intent.qty) && intent.qty > 0;
    add('quantity_valid', qtyOk, intent.qty, '> 0', qtyOk ? 'ok' : `quantity ${intent.qty} is not a positive number`);
    // a limit price alone is not enough: without a market price nothing can be checked
    const ref = ctx.referencePrice;
    const refOk = ref !== undefined && Number.isFinite(ref) && ref > 0;
    add('price_known', refOk, ref ?? 'none', '> 0', refOk ? 'ok' : `no valid market price for ${intent.symbol}`);
    const limitOk = intent.limitPrice === undefined || (Number.isFinite(intent.limitPrice) && intent.limitPrice > 0);
    if (!limitOk) add('limit_price_valid', false, intent.limitPrice!, '> 0', `limit price ${intent.limitPrice} is not a positive number`);
    const priceOk = refOk && limitOk;

    if (qtyOk && priceOk) {
      const p = Math.max(intent.limitPrice ?? 0, ref!);
      const notional = intent.qty * p;
      add(
        'max_order_qty',
        intent.qty <= this.limits.maxOrderQty,
        intent.qty,
        this.limits.maxOrderQty,
        intent.qty <= this.limits.maxOrderQty ? 'ok' : `order quantity ${intent.qty} exceeds max ${this.limits.maxOrderQty}`,
      );
      add(
        'max_order_notional',
        notional <= this.limits.maxOrderNotional,
        round2(notional),
        this.limits.maxOrderNotional,
        notional <= this.limits.maxOrderNotional ? 'ok' : `order notional ${round2(notional)} exceeds max ${this.limits.maxOrderNotional}`,
      );
      // worst case: every open order on the same side fills too
      const sameSideOpen = intent.side === 'buy' ? ctx.openBuyQty : ctx.openSellQty;
      const signed = intent.side === 'buy' ? 1 : -1;
      const projected = Math.abs(ctx.position + signed * (intent.qty + sameSideOpen)) * p;
      const posOk = reducing || projected <= this.limits.maxPositionNotional;
      add(
        'max_position_notional',
        posOk,
        round2(projected),
        this.limits.maxPositionNotional,
        posOk ? 'ok' : `position notional would reach ${round2(projected)}, above max ${this.limits.maxPositionNotional}`,
      );
    }

    const failed = checks.find((c) => !c.passed);
    return { approved: !failed, reason: failed ? failed.message : 'approved', checks };
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
