// The composition root: builds the engine's components from one validated
// config and wires them on the message bus. Market data and order events from
// the venue enter here; the order path is strategy -> risk engine -> OMS ->
// venue, and fills flow back venue -> OMS -> portfolio -> strategies.
import type { EngineStatus } from '../shared/api/contract.js';
import type { CommandHandlers } from '../shared/api/protocol.js';
import { ApiFailure } from '../shared/api/protocol.js';
import type { Alert, Bar, Fill, Instrument, Order, Quote, Trade, TradingStateChange } from '../shared/domain.js';
import { AlertLog } from './core/alerts.js';
import { MessageBus } from './core/bus.js';
import { SimulatedClock } from './core/clock.js';
import { loadConfig, speedFactor, type ConfigInput, type EngineConfig } from './core/config.js';
import { ClientOrderIds, sessionIdFor } from './core/ids.js';
import { SimDriver } from './core/sim-driver.js';
import type { EngineHandle, EngineStats } from './engine-api.js';
import { OrderManager } from './execution/oms.js';
import { Portfolio } from './portfolio/portfolio.js';
import { RiskEngine } from './risk/risk-engine.js';
import { MaCrossover } from './strategy/ma-crossover.js';
import type { Strategy, StrategyContext } from './strategy/strategy.js';
import { UiPublisher } from './ui-publisher.js';
import { SimVenue } from './venues/sim/sim-venue.js';
import type { Venue, VenueFill, VenueOrderUpdate } from './venues/venue.js';
import { isQuoteValid, isBarValid } from './data/quality.js';

/** Messages on the engine's bus, in delivery order. */
export interface EngineMessages {
  quote: Quote;
  trade: Trade;
  bar: Bar;
  venueOrderUpdate: VenueOrderUpdate;
  venueFill: VenueFill;
  order: Order;
  fill: Fill;
  tradingState: TradingStateChange;
  alert: Alert;
}

const KILL_WAIT_MS = 5_000;
const STRATEGY_ERROR_LIMIT = 5;

export class Engine implements EngineHandle {
  readonly bus: MessageBus<EngineMessages>;
  readonly clock: SimulatedClock;
  readonly venue: Venue;
  readonly portfolio: Portfolio;
  readonly risk: RiskEngine;
  readonly oms: OrderManager;
  readonly alerts: AlertLog;
  readonly handlers: CommandHandlers;
  private readonly publisher: UiPublisher;
  private readonly driver: SimDriver;
  private readonly strategies: Strategy[] = [];
  private readonly strategyErrors = new Map<string, number>();
  private readonly instrumentsBySymbol = new Map<string, Instrument>();
  private readonly quotes = new Map<string, Quote>();
  private readonly lastBarTs = new Map<string, number>();
  private readonly changedBars = new Map<string, Bar>();
  private readonly changedQuotes = new Map<string, Quote>();
  private prepared = false;
  private running = false;

  constructor(readonly config: EngineConfig) {
    const start = Date.parse(config.sim.start);
    this.clock = new SimulatedClock(start);
    const now = () => this.clock.now();
    this.bus = new MessageBus<EngineMessages>((topic, e) =>
      this.alerts.raise('critical', 'HANDLER_ERROR', `handler for '${topic}' failed: ${(e as Error).message}`, 'engine', `handler:${topic}`),
    );
    this.alerts = new AlertLog(now, (a) => this.bus.publish('alert', a));
    this.venue = new SimVenue(this.clock, config.sim);
    this.driver = new SimDriver(this.clock, speedFactor(config.sim.speed));
    this.portfolio = new Portfolio(config.sim.startingCash);
    this.risk = new RiskEngine(config.risk, now, (c) => this.bus.publish('tradingState', c));
    this.oms = new OrderManager({
      venue: this.venue,
      risk: this.risk,
      ids: new ClientOrderIds(sessionIdFor(start)),
      now,
      referencePrice: (s) => this.referencePrice(s),
      position: (s) => this.portfolio.qty(s),
      events: {
        order: (o) => this.bus.publish('order', o),
        fill: (f) => this.bus.publish('fill', f),
        denied: (o, d) =>
          this.alerts.raise('warning', 'RISK_DENIED', `${o.side} ${o.qty} ${o.symbol} denied: ${d.reason}`, o.source, `deny:${o.source}:${d.checks.find((c) => !c.passed)?.check}`),
        problem: (code, message) => this.alerts.raise('warning', code, message, 'oms'),
      },
    });
    if (config.strategy.enabled) this.strategies.push(new MaCrossover(config.strategy));
    this.publisher = new UiPublisher(config.uiCoalesceMs, {
      status: () => this.status(),
      account: () => this.portfolio.account(),
      positions: () => this.portfolio.positions(),
      orders: () => this.oms.recent(200),
      alerts: () => this.alerts.recent(100),
      bars: () => drain(this.changedBars),
      quotes: () => drain(this.changedQuotes),
    });
    this.wire();
    this.handlers = this.buildHandlers();
  }

  get stats(): EngineStats {
    return {
      busMessages: this.bus.published,
      ordersSubmitted: this.oms.submitted,
      ordersDenied: this.oms.denied,
      fills: this.oms.fills,
    };
  }

  now(): number {
    return this.clock.now();
  }

  onEvent(listener: Parameters<EngineHandle['onEvent']>[0]): () => void {
    return this.publisher.subscribe(listener);
  }

  async prepare(): Promise<void> {
    if (this.prepared) return;
    this.prepared = true;
    for (const inst of await this.venue.instruments()) this.instrumentsBySymbol.set(inst.symbol, inst);
    await this.venue.connect({
      onQuote: (q) => this.bus.publish('quote', q),
      onTrade: (t) => this.bus.publish('trade', t),
      onBar: (b) => this.bus.publish('bar', b),
      onOrderUpdate: (u) => this.bus.publish('venueOrderUpdate', u),
      onFill: (f) => this.bus.publish('venueFill', f),
      onConnection: (state, reason) =>
        this.alerts.raise(state === 'connected' ? 'info' : 'critical', `VENUE_${state.toUpperCase()}`, `venue ${this.venue.id} ${state}${reason ? `: ${reason}` : ''}`, 'venue'),
    });
    const warm = this.config.strategy.slowPeriod + 2;
    for (const symbol of this.instrumentsBySymbol.keys()) {
      const bars = await this.venue.getBars(symbol, warm);
      const valid = bars.filter((b) => isBarValid(b));
      if (valid.length) this.lastBarTs.set(symbol, valid[valid.length - 1]!.ts);
      for (const s of this.strategies) this.guard(s, () => s.warmup?.(valid));
    }
  }

  async start(): Promise<void> {
    await this.prepare();
    this.running = true;
    this.driver.start();
    this.publisher.markDirty('status');
  }

  async stop(): Promise<void> {
    this.running = false;
    this.driver.stop();
    this.publisher.close();
    await this.venue.disconnect();
  }

  runUntil(ts: number): void {
    if (!this.prepared) throw new Error('runUntil needs prepare() first');
    this.driver.runUntil(ts);
  }

  status(): EngineStatus {
    return {
      tradingState: this.risk.tradingState,
      mode: this.config.mode,
      venue: this.venue.id,
      profile: this.config.profile,
      now: this.clock.now(),
      speed: speedFactor(this.config.sim.speed) === Infinity ? 0 : speedFactor(this.config.sim.speed),
      seed: this.config.sim.seed,
      running: this.running,
      openOrders: this.oms.openCount,
      positions: this.portfolio.openPositionCount(),
      ordersSubmitted: this.oms.submitted,
      ordersDenied: this.oms.denied,
      fills: this.oms.fills,
      lastStateChange: this.risk.lastChange,
    };
  }

  private referencePrice(symbol: string): number | undefined {
    const q = this.quotes.get(symbol);
    return q ? (q.bid + q.ask) / 2 : undefined;
  }

  private wire(): void {
    const bus = this.bus;
    const pub = this.publisher;
    bus.subscribe('quote', (q) => {
      if (!this.instrumentsBySymbol.has(q.symbol)) return;
      if (!isQuoteValid(q)) {
        this.alerts.raise('warning', 'DATA_QUALITY', `bad quote for ${q.symbol} ignored: bid ${q.bid}, ask ${q.ask}`, 'data', `dq:q:${q.symbol}`);
        return;
      }
      const prev = this.quotes.get(q.symbol);
      if (prev && q.ts < prev.ts) {
        this.alerts.raise('info', 'DATA_LATE', `late quote for ${q.symbol} ignored`, 'data', `dq:late:${q.symbol}`);
        return;
      }
      this.quotes.set(q.symbol, q);
      this.changedQuotes.set(q.symbol, q);
      pub.markDirty('quotes');
      if (this.portfolio.mark(q.symbol, (q.bid + q.ask) / 2)) {
        pub.markDirty('positions');
        pub.markDirty('account');
      }
      for (const s of this.strategies) if (s.onQuote) this.guard(s, () => s.onQuote!(q, this.ctx));
    });
    bus.subscribe('bar', (b) => {
      if (!isBarValid(b)) {
        this.alerts.raise('warning', 'DATA_QUALITY', `bad bar for ${b.symbol} at ${new Date(b.ts).toISOString()} ignored`, 'data', `dq:b:${b.symbol}`);
        return;
      }
      const last = this.lastBarTs.get(b.symbol);
      if (last !== undefined && b.ts <= last) {
        this.alerts.raise('info', 'DATA_LATE', `late or duplicate bar for ${b.symbol} at ${new Date(b.ts).toISOString()} ignored`, 'data', `dq:lb:${b.symbol}`);
        return;
      }
      this.lastBarTs.set(b.symbol, b.ts);
      this.changedBars.set(b.symbol, b);
      pub.markDirty('bars');
      for (const s of this.strategies) if (s.onBar) this.guard(s, () => s.onBar!(b, this.ctx));
    });
    bus.subscribe('venueOrderUpdate', (u) => {
      this.oms.onVenueUpdate(u);
      if (u.kind === 'rejected') this.alerts.raise('warning', 'VENUE_REJECT', `order ${u.clientOrderId} rejected: ${u.reason}`, 'venue', `rej:${u.code}`);
    });
    bus.subscribe('venueFill', (f) => this.oms.onVenueFill(f));
    bus.subscribe('fill', (f) => {
      this.portfolio.applyFill(f);
      pub.markDirty('positions');
      pub.markDirty('account');
      for (const s of this.strategies) if (s.onFill) this.guard(s, () => s.onFill!(f, this.ctx));
    });
    bus.subscribe('order', () => {
      pub.markDirty('orders');
      pub.markDirty('status');
    });
    bus.subscribe('tradingState', (c) => {
      this.alerts.raise(c.to === 'ACTIVE' ? 'info' : 'critical', 'TRADING_STATE', `trading ${c.from} -> ${c.to} by ${c.actor}: ${c.reason}`, 'risk');
      pub.markDirty('status');
    });
    bus.subscribe('alert', () => pub.markDirty('alerts'));
  }

  /** Runs strategy code in isolation: an exception becomes an alert; repeated failures disable it. */
  private guard(s: Strategy, fn: () => void): void {
    if ((this.strategyErrors.get(s.id) ?? 0) >= STRATEGY_ERROR_LIMIT) return;
    try {
      fn();
    } catch (e) {
      const n = (this.strategyErrors.get(s.id) ?? 0) + 1;
      this.strategyErrors.set(s.id, n);
      const disabled = n >= STRATEGY_ERROR_LIMIT ? `; disabled after ${n} errors` : '';
      this.alerts.raise('critical', 'STRATEGY_ERROR', `strategy ${s.id} failed: ${(e as Error).message}${disabled}`, s.id);
    }
  }

  private readonly ctx: StrategyContext = {
    now: () => this.clock.now(),
    instrument: (s) => this.instrumentsBySymbol.get(s),
    quote: (s) => this.quotes.get(s),
    position: (s) => this.portfolio.qty(s),
    openOrders: (s) => this.oms.openOrders(s),
    equity: () => this.portfolio.equity(),
    isMarketOpen: (s) => this.venue.isMarketOpen(s, this.clock.now()),
    submit: (o) =>
      this.oms.submit({ ...o, timeInForce: o.timeInForce ?? 'day', source: this.strategies[0]?.id ?? 'strategy' }).order,
    cancel: (id) => void this.oms.cancel(id),
  };

  private buildHandlers(): CommandHandlers {
    return {
      status: () => this.status(),
      snapshot: () => ({
        status: this.status(),
        account: this.portfolio.account(),
        positions: this.portfolio.positions(),
        orders: this.oms.recent(200),
        alerts: this.alerts.recent(100),
      }),
      listInstruments: () => [...this.instrumentsBySymbol.values()],
      getBars: async ({ symbol, limit }) => {
        if (!this.instrumentsBySymbol.has(symbol)) throw new ApiFailure('UNKNOWN_SYMBOL', `unknown symbol '${symbol}'`);
        return this.venue.getBars(symbol, limit);
      },
      halt: ({ reason }) => {
        this.risk.setState('HALTED', 'operator', reason ?? 'manual halt');
        return this.status();
      },
      resume: ({ reason }) => {
        this.risk.setState('ACTIVE', 'operator', reason);
        return this.status();
      },
      kill: async ({ reason }) => this.kill(reason ?? 'manual kill'),
      cancelOrder: ({ clientOrderId }) => this.oms.cancel(clientOrderId),
      submitOrder: (o) => {
        if (!this.instrumentsBySymbol.has(o.symbol)) throw new ApiFailure('UNKNOWN_SYMBOL', `unknown symbol '${o.symbol}'`);
        if (o.type === 'limit' && o.limitPrice === undefined) throw new ApiFailure('BAD_ARGS', `field 'limitPrice': required for a limit order`);
        const { order, decision } = this.oms.submit({ ...o, source: 'manual', reason: 'manual order' });
        return { accepted: decision.approved, clientOrderId: order.clientOrderId, reason: decision.reason };
      },
    };
  }

  /** KILL: halt, cancel every open order, then wait (retrying) until none is left resting. */
  private async kill(reason: string): Promise<{ status: EngineStatus; canceled: number; stillOpen: number }> {
    this.risk.setState('HALTED', 'operator', `KILL: ${reason}`);
    const targets = this.oms.openOrders().map((o) => o.clientOrderId);
    for (const id of targets) this.oms.cancel(id);
    const deadline = Date.now() + KILL_WAIT_MS;
    let lastRetry = Date.now();
    while (this.oms.openCount > 0 && this.running && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
      if (Date.now() - lastRetry > 1_000) {
        lastRetry = Date.now();
        for (const o of this.oms.openOrders()) this.oms.cancel(o.clientOrderId);
      }
    }
    const stillOpen = this.oms.openCount;
    if (stillOpen > 0) {
      this.alerts.raise('critical', 'KILL_INCOMPLETE', `KILL: ${stillOpen} order(s) still open at the venue after ${KILL_WAIT_MS} ms`, 'risk');
    }
    const canceled = targets.filter((id) => this.oms.get(id)?.status === 'canceled').length;
    return { status: this.status(), canceled, stillOpen };
  }
}

function drain<T>(m: Map<string, T>): T[] {
  const out = [...m.values()];
  m.clear();
  return out;
}

/** Builds an engine from a (partial) config; throws ConfigError naming the bad field. */
export async function createEngine(input: ConfigInput = {}): Promise<Engine> {
  return new Engine(loadConfig(input));
}
