// The ensemble: on an evaluation of one symbol it takes the live signals of the
// enabled strategies that the regime's trading mode admits, scores each
// strategy, holds the debate, nets the weighted vote into a target position
// under the portfolio constraints, and sends the difference as one passive
// limit order through the engine's order path (risk engine, OMS) with the
// whole decision as its provenance. Learned weights blend in through an
// optional WeightProvider; every signal and bar goes to an optional SignalSink.
import type { Instrument, Order, OrderSide, Quote } from '../../../shared/domain.js';
import type { EnsembleConfig, Regime, TradingMode } from '../../core/config.js';
import type { Provenance, ProvenanceSignal } from '../../execution/oms.js';
import type { FeatureSet } from '../../features/feature-set.js';
import type { RegimeDetector } from '../../features/regime.js';
import { barSd, type SignalStrategy } from '../signal-strategy.js';
import type { Signal, WeightProvider } from '../signal.js';
import { roundToTick } from '../strategy.js';
import { debate } from './debate.js';
import { QuoteCache } from './quote-cache.js';
import type { StrategyScorer } from './scorer.js';
import { applyConstraints, weightedVote, type Ballot } from './vote.js';

/** A strategy's latest signal on a symbol, kept (decaying) until its horizon passes. */
export interface LiveSignal {
  signal: Signal;
  /** Bars of the symbol since the signal. */
  age: number;
}

export interface EnsembleDeps {
  now(): number;
  instrument(symbol: string): Instrument | undefined;
  quote(symbol: string): Quote | undefined;
  position(symbol: string): number;
  openOrders(symbol: string): Order[];
  equity(): number;
  sectorGross(sector: string): number;
  marketOpen(symbol: string): boolean;
  minutesToClose(symbol: string): number;
  /** The strategy may not trade now (halted by the operator or the risk monitor). */
  halted(strategy: string): boolean;
  /** Losing round trips in a row of an order source, and how many halt it (the risk monitor's trigger). */
  lossStreak(source: string): number;
  maxConsecutiveLosses(): number;
  /** Gross notional of an asset class, and its limit as a fraction of equity (the risk engine's concentration limit). */
  assetClassGross(assetClass: string): number;
  maxConcentrationPct(): number;
  /** The risk engine's order-rate limit: the ensemble sends fewer in one second. */
  maxOrdersPerSecond(): number;
  submit(o: { symbol: string; side: OrderSide; qty: number; limitPrice: number; source: string; reason: string; provenance: Provenance }): Order;
  cancel(clientOrderId: string): void;
}

export interface StrategyRuntime {
  strategy: SignalStrategy;
  enabled: boolean;
  baseWeight: number;
}

export interface EnsembleSettings {
  ensemble: EnsembleConfig;
  passiveBps: number;
  orderTtlBars: number;
  modes: Record<Regime, TradingMode>;
}

const admits = (mode: TradingMode, kind: SignalStrategy['kind']) => kind !== 'benchmark' && (mode === 'hybrid' || mode === kind);

export class Ensemble {
  readonly cache: QuoteCache;
  weights: WeightProvider | undefined;
  private readonly owner = new Map<string, string>();
  private readonly orderAge = new Map<string, number>();
  private rebalanceTs = NaN;
  private second = NaN;
  private sentThisSecond = 0;
  /** Per symbol: evaluations to skip after a denied order. */
  private readonly cooldown = new Map<string, number>();
  /** Strategies one loss from the risk monitor's halt open no position until this time (pauseHours). */
  private readonly benched = new Map<string, number>();
  benchedCount = 0;
  private turnoverUsed = 0;
  orders = 0;
  evaluations = 0;

  constructor(
    private readonly s: EnsembleSettings,
    private readonly deps: EnsembleDeps,
    private readonly scorer: StrategyScorer,
  ) {
    this.cache = new QuoteCache(s.ensemble.quoteCacheTtlMs, s.ensemble.staleQuoteMs, (sym) => deps.quote(sym));
  }

  /** A new bar time starts a new rebalance: the turnover budget is renewed. */
  newRebalance(ts: number): void {
    if (ts !== this.rebalanceTs) {
      this.rebalanceTs = ts;
      this.turnoverUsed = 0;
    }
  }

  /** Ages the ensemble's own resting orders on a symbol's bar and cancels those past their time. */
  ageOrders(symbol: string): void {
    for (const o of this.deps.openOrders(symbol)) {
      // an execution algorithm's parent (o.algo) works to its own schedule and is not aged here
      if (o.source === 'manual' || o.source === 'flatten' || o.source === 'risk-monitor' || o.algo !== undefined || !this.orderAge.has(o.clientOrderId)) continue;
      const age = this.orderAge.get(o.clientOrderId)! + 1;
      this.orderAge.set(o.clientOrderId, age);
      if (age >= this.s.orderTtlBars && o.status !== 'pending_cancel') {
        this.deps.cancel(o.clientOrderId);
        this.orderAge.delete(o.clientOrderId);
      }
    }
  }

  evaluate(symbol: string, live: Map<string, LiveSignal>, runtimes: StrategyRuntime[], fs: FeatureSet, rd: RegimeDetector): Order | undefined {
    const d = this.deps;
    const cfg = this.s.ensemble;
    const inst = d.instrument(symbol);
    if (!inst || !d.marketOpen(symbol)) return undefined;
    this.evaluations++;
    const cool = this.cooldown.get(symbol) ?? 0;
    if (cool > 0) {
      this.cooldown.set(symbol, cool - 1);
      return undefined;
    }
    if (d.openOrders(symbol).some((o) => this.orderAge.has(o.clientOrderId))) return undefined;
    const second = Math.floor(d.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.sentThisSecond = 0;
    }
    if (this.sentThisSecond >= Math.max(1, d.maxOrdersPerSecond() - 1)) return undefined;
    const regime = rd.regime;
    const mode = this.s.modes[regime];
    const sizeMultiplier = rd.sizeMultiplier;
    const quote = this.cache.get(symbol, d.now());
    if (!quote || !(quote.bid > 0) || !(quote.ask > quote.bid)) return undefined;
    const mid = (quote.bid + quote.ask) / 2;
    const sd = barSd(fs);

    // the ballots: live signals of enabled, admitted, not halted strategies
    const ballots: Ballot[] = [];
    const rows: ProvenanceSignal[] = [];
    const influence: Record<string, number> = {};
    const debated: Array<{ strategy: string; score: number; strength: number; regimeFit: number; horizonBars: number }> = [];
    const byId = new Map<string, { rt: StrategyRuntime; ls: LiveSignal; w: number; scores: ReturnType<StrategyScorer['scores']>; learned: number | null; infl: number; decay: number }>();
    for (const rt of runtimes) {
      const ls = live.get(rt.strategy.id);
      if (!ls || !rt.enabled || !admits(mode, rt.strategy.kind) || d.halted(rt.strategy.id)) continue;
      const id = rt.strategy.id;
      const scores = this.scorer.scores(id, rt.strategy.style, regime);
      const infl = clamp01(this.weights?.influence(id, regime) ?? 0);
      const learned = this.weights ? clamp01(this.weights.weight(id, regime)) : null;
      const w = learned === null ? rt.baseWeight : (1 - infl) * rt.baseWeight + infl * learned;
      const decay = Math.max(0, 1 - ls.age / ls.signal.horizonBars);
      influence[id] = infl;
      byId.set(id, { rt, ls, w, scores, learned, infl, decay });
      debated.push({ strategy: id, score: ls.signal.score, strength: w * ls.signal.confidence * decay, regimeFit: scores.regimeFit, horizonBars: ls.signal.horizonBars });
    }
    const volumeRatio = fs.get('volume_ratio_20');
    const { args, multiplier } = debate(debated, { regime, volumeRatio: volumeRatio === volumeRatio ? volumeRatio : 0, barSd: sd, cost: (quote.ask - quote.bid) / mid, costMultiple: cfg.debate.costMultiple }, cfg.debate.strength);
    for (const [id, b] of byId) {
      const m = multiplier.get(id) ?? 1;
      ballots.push({ strategy: id, score: b.ls.signal.score, weight: b.w * b.scores.total * b.ls.signal.confidence * b.decay, multiplier: m });
      let others = 0;
      for (const [oid, o] of byId) if (oid !== id) others += o.ls.signal.score;
      this.scorer.observePair(id, b.ls.signal.score, byId.size > 1 ? others / (byId.size - 1) : 0);
    }
    const { net, weights } = weightedVote(ballots);
    for (const [id, b] of byId) {
      rows.push({
        strategy: id,
        score: b.ls.signal.score,
        weight: round(weights[id] ?? 0),
        confidence: b.ls.signal.confidence,
        horizonBars: b.ls.signal.horizonBars,
        ageBars: b.ls.age,
        reasons: b.ls.signal.reasons,
        baseWeight: b.rt.baseWeight,
        learnedWeight: b.learned,
        influence: b.infl,
        debateMultiplier: multiplier.get(id) ?? 1,
        scores: { alpha: round(b.scores.alpha), regimeFit: b.scores.regimeFit, diversification: round(b.scores.diversification), drawdown: round(b.scores.drawdown), total: round(b.scores.total), judged: b.scores.judged },
      });
    }

    // the target under the portfolio constraints
    const equity = d.equity();
    if (!(equity > 0)) return undefined;
    const pos = d.position(symbol);
    const vol = sd * Math.sqrt(inst.calendar === 'nyse' ? 252 * 390 : 365 * 1440);
    const volScale = vol > 0 ? Math.min(cfg.maxVolScale, cfg.targetVol / vol) : 1;
    const intradayOnly = byId.size > 0 && [...byId.values()].every((b) => b.rt.strategy.kind === 'intraday');
    const closing = inst.calendar === 'nyse' && d.minutesToClose(symbol) <= cfg.flattenBeforeCloseMin && (intradayOnly || byId.size === 0);
    const target = applyConstraints({
      net: closing ? 0 : net,
      minNet: cfg.minNet,
      positionPct: cfg.positionPct,
      sizeMultiplier,
      volScale,
      maxPositionPct: cfg.maxPositionPct,
      maxSectorPct: cfg.maxSectorPct,
      minTradePct: cfg.minTradePct,
      shortable: inst.shortable,
      equity,
      price: mid,
      lotSize: inst.lotSize,
      currentQty: pos,
      sectorOthers: Math.max(0, d.sectorGross(inst.sector) - Math.abs(pos) * mid),
      classOthers: Math.max(0, d.assetClassGross(inst.assetClass) - Math.abs(pos) * mid),
      maxClassPct: d.maxConcentrationPct(),
      turnoverLeft: cfg.maxTurnoverPct * equity - this.turnoverUsed,
    });
    if (closing && pos !== 0) target.notes.push(`session closes in ${d.minutesToClose(symbol).toFixed(0)} min: intraday positions closed`);
    if (target.delta === 0) return undefined;
    if (inst.minNotional > 0 && Math.abs(target.delta) * mid < inst.minNotional) return undefined;

    const side: OrderSide = target.delta > 0 ? 'buy' : 'sell';
    const increases = Math.abs(pos + target.delta) > Math.abs(pos);
    let source = this.owner.get(symbol);
    if (increases || !source) {
      let best = '';
      let bestC = 0;
      for (const b of ballots) {
        if (increases && !(pos !== 0 && this.owner.get(symbol) === b.strategy) && !this.mayOpen(b.strategy, symbol)) continue;
        const c = b.weight * b.multiplier * b.score * Math.sign(target.delta);
        if (c > bestC) {
          bestC = c;
          best = b.strategy;
        }
      }
      if (increases && !best) return undefined; // only benched strategies want to open: no order
      source = best || source || 'ensemble';
      if (increases) this.owner.set(symbol, source);
    }
    // a halted strategy's positions are left to the operator (FLATTEN), never traded under its name
    if (d.halted(source)) return undefined;
    const price = side === 'buy' ? roundToTick(quote.bid * (1 - this.s.passiveBps / 10_000), inst.tickSize, 'buy') : roundToTick(quote.ask * (1 + this.s.passiveBps / 10_000), inst.tickSize, 'sell');
    const features: Record<string, number> = {};
    const snap = fs.snapshot();
    for (const k of Object.keys(snap) as Array<keyof typeof snap>) if (Number.isFinite(snap[k])) features[k] = snap[k];
    for (const [k, v] of Object.entries(rd.inputs)) if (Number.isFinite(v)) features[`regime_${k}`] = v;
    features.bid = quote.bid;
    features.ask = quote.ask;
    const provenance: Provenance = {
      strategy: source,
      signals: rows,
      features,
      regime,
      regimeReady: rd.ready,
      mode,
      sizeMultiplier,
      debate: args,
      weights,
      influence,
      net: round(net),
      target: { fraction: round(target.fraction), qty: target.qty, current: pos, volScale: round(volScale), notes: target.notes },
    };
    const top = rows.filter((r) => r.strategy === source)[0];
    const reason = `ensemble net ${net.toFixed(2)} (${rows.length} signal${rows.length === 1 ? '' : 's'}, ${regime}/${mode}) -> target ${target.qty} from ${pos}${top ? `; ${source}: ${top.reasons?.[0] ?? ''}` : ''}`;
    const qty = Math.abs(target.delta);
    const order = d.submit({ symbol, side, qty, limitPrice: price, source, reason, provenance });
    if (order.status !== 'denied') {
      this.orderAge.set(order.clientOrderId, 0);
      this.turnoverUsed += qty * mid;
      this.sentThisSecond++;
      this.orders++;
    } else this.cooldown.set(symbol, DENIED_COOLDOWN);
    return order;
  }

  /**
   * A loss budget per strategy: a strategy with `streak` losing round trips in
   * a row may hold at most maxConsecutiveLosses - 1 - streak positions it
   * opened, so even if all of them lose the risk monitor's halt is not reached
   * by positions opened at once. At one loss from the halt it opens nothing
   * for `pauseHours`, then one position at a time (its next round trip
   * decides: a loss halts it, a win resets the streak). Its signals still vote.
   */
  private mayOpen(id: string, symbol: string): boolean {
    const streak = this.deps.lossStreak(id);
    const max = this.deps.maxConsecutiveLosses();
    let budget = max - 1 - streak;
    if (budget <= 0) {
      const now = this.deps.now();
      let until = this.benched.get(id);
      if (until === undefined) {
        until = now + this.s.ensemble.pauseHours * 3_600_000;
        this.benched.set(id, until);
        this.benchedCount++;
      }
      budget = now < until ? 0 : 1;
    } else this.benched.delete(id);
    let held = 0;
    for (const [sym, owner] of this.owner) if (owner === id && sym !== symbol && (this.deps.position(sym) !== 0 || this.deps.openOrders(sym).length > 0)) held++;
    return held < budget;
  }
}

const DENIED_COOLDOWN = 5;
const clamp01 = (x: number) => (x > 0 ? (x < 1 ? x : 1) : 0);
const round = (x: number) => Math.round(x * 1e6) / 1e6;
