// The ensemble: on an evaluation of one symbol it takes the live signals of the
// enabled strategies that the regime's trading mode admits, scores each
// strategy, holds the debate, nets the weighted vote into a target position
// under the portfolio constraints, and sends the difference as one passive
// limit order through the engine's order path (risk engine, OMS) with the
// whole decision as its provenance. Against churn: entries need |net| >=
// minNet and an expected edge covering the round trip's estimated cost, a held
// position stays while the vote still leans its way (exitNet), is not traded
// by the vote before its minimum holding period, and is not resized inside the
// no-trade band; its opener owns it until it is flat. Learned weights blend in
// through an optional WeightProvider; every signal and bar goes to an optional SignalSink.
import type { Instrument, Order, OrderSide, Quote } from '../../../shared/domain.js';
import type { EnsembleConfig, Regime, TradingMode } from '../../core/config.js';
import type { Provenance, ProvenanceSignal } from '../../execution/oms.js';
import type { FeatureSet } from '../../features/feature-set.js';
import type { RegimeDetector } from '../../features/regime.js';
import { barsPerYear } from '../../core/annualize.js';
import { barSd, type SignalStrategy } from '../signal-strategy.js';
import type { Signal, WeightProvider } from '../signal.js';
import { roundToTick } from '../strategy.js';
import { benefitCostVerdict } from '../../execution/costs/benefit-filter.js';
import type { CostEstimate } from '../../execution/costs/cost-model.js';
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
  /** The cost model's estimate of one limit order (a limit at or through the touch is a taker), on the quote it reads through `cache`; undefined: cannot say. */
  estimateCost(o: { symbol: string; side: OrderSide; qty: number; limitPrice: number }, cache: QuoteCache): CostEstimate | undefined;
  /** Required multiple of the estimated cost an entry's expected benefit must reach (config costs.benefitCostRatio; 0 = off). */
  benefitCostRatio(): number;
  /** Gross notional of an asset class, and its limit as a fraction of equity (the risk engine's concentration limit). */
  assetClassGross(assetClass: string): number;
  maxConcentrationPct(): number;
  /** The risk engine's order-rate limit: the ensemble sends fewer in one second. */
  maxOrdersPerSecond(): number;
  /** Sends an order; `cost` (the entry's estimate at `quote`) lets the cost model compare it with the fills. */
  submit(o: { symbol: string; side: OrderSide; qty: number; limitPrice: number; source: string; reason: string; provenance: Provenance }, cost?: { quote: Quote; estimate: CostEstimate }): Order;
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
  /** The bars' length (config barSeconds): annualizes a bar's volatility for the volatility target; 60 when absent. */
  barSeconds?: number;
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
  /** Bars seen per symbol, and the bar count at which the symbol's position was first seen held. */
  private readonly bars = new Map<string, number>();
  private readonly heldSince = new Map<string, number>();
  /** Entries the cost-aware filter skipped; reductions the minimum holding period deferred. */
  skippedCost = 0;
  heldMin = 0;
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

  /** Counts a symbol's bar, ages the ensemble's own resting orders on it and cancels those past their time. */
  ageOrders(symbol: string): void {
    this.bars.set(symbol, (this.bars.get(symbol) ?? 0) + 1);
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

  /** `live[i]`: the live signal on the symbol of `runtimes[i]`, if any. */
  evaluate(symbol: string, live: ReadonlyArray<LiveSignal | undefined>, runtimes: StrategyRuntime[], fs: FeatureSet, rd: RegimeDetector): Order | undefined {
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
    const debated: Array<{ strategy: string; score: number; strength: number; regimeFit: number; horizonBars: number }> = [];
    // in runtime order (the ballots below are in the same order)
    const admitted: Array<{ id: string; rt: StrategyRuntime; ls: LiveSignal; w: number; scores: ReturnType<StrategyScorer['scores']>; learned: number | null; infl: number; decay: number }> = [];
    for (let i = 0; i < runtimes.length; i++) {
      const rt = runtimes[i]!;
      const ls = live[i];
      if (!ls || !rt.enabled || !admits(mode, rt.strategy.kind) || d.halted(rt.strategy.id)) continue;
      const id = rt.strategy.id;
      const scores = this.scorer.scores(id, rt.strategy.style, regime);
      const infl = clamp01(this.weights?.influence(id, regime) ?? 0);
      const learned = this.weights ? clamp01(this.weights.weight(id, regime)) : null;
      const w = learned === null ? rt.baseWeight : (1 - infl) * rt.baseWeight + infl * learned;
      const decay = Math.max(0, 1 - ls.age / ls.signal.horizonBars);
      const b = { id, rt, ls, w, scores, learned, infl, decay };
      admitted.push(b);
      debated.push({ strategy: id, score: ls.signal.score, strength: w * ls.signal.confidence * decay, regimeFit: scores.regimeFit, horizonBars: ls.signal.horizonBars });
    }
    const volumeRatio = fs.get('volume_ratio_20');
    const debateCtx = { regime, volumeRatio: volumeRatio === volumeRatio ? volumeRatio : 0, barSd: sd, cost: (quote.ask - quote.bid) / mid, costMultiple: cfg.debate.costMultiple };
    // the multipliers on every evaluation; the arguments' texts only for a decision that carries them (below)
    const { multiplier } = debate(debated, debateCtx, cfg.debate.strength, false);
    for (const b of admitted) {
      const m = multiplier.get(b.id) ?? 1;
      ballots.push({ strategy: b.id, score: b.ls.signal.score, weight: b.w * b.scores.total * b.ls.signal.confidence * b.decay, multiplier: m });
      let others = 0;
      for (const o of admitted) if (o !== b) others += o.ls.signal.score;
      this.scorer.observePair(b.id, b.ls.signal.score, admitted.length > 1 ? others / (admitted.length - 1) : 0);
    }
    const { net, weights } = weightedVote(ballots);
    const provenanceRows = (): ProvenanceSignal[] => {
      const rows: ProvenanceSignal[] = [];
      for (const b of admitted) {
        const id = b.id;
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
      return rows;
    };

    // the target under the portfolio constraints
    const equity = d.equity();
    if (!(equity > 0)) return undefined;
    const pos = d.position(symbol);
    const vol = sd * Math.sqrt(barsPerYear(this.s.barSeconds ?? 60, inst.calendar));
    const volScale = vol > 0 ? Math.min(cfg.maxVolScale, cfg.targetVol / vol) : 1;
    const intradayOnly = admitted.length > 0 && admitted.every((b) => b.rt.strategy.kind === 'intraday');
    const closing = inst.calendar === 'nyse' && d.minutesToClose(symbol) <= cfg.flattenBeforeCloseMin && (intradayOnly || admitted.length === 0);
    const holding = pos !== 0 && Math.sign(net) === Math.sign(pos);
    if (pos === 0) this.heldSince.delete(symbol);
    else if (!this.heldSince.has(symbol)) this.heldSince.set(symbol, this.bars.get(symbol) ?? 0);
    const target = applyConstraints({
      net: closing ? 0 : net,
      // hysteresis: entering needs minNet, staying needs exitNet
      minNet: holding ? Math.min(cfg.exitNet, cfg.minNet) : cfg.minNet,
      rebalanceBand: cfg.rebalanceBand,
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
    // the opener owns the position until it is flat: its orders carry its name, its round trip counts for it
    let source = pos !== 0 ? this.owner.get(symbol) : undefined;
    if (!source) {
      let bestC = 0;
      for (const b of ballots) {
        const c = b.weight * b.multiplier * b.score * Math.sign(target.delta);
        if (c > bestC) {
          bestC = c;
          source = b.strategy;
        }
      }
      source ??= this.owner.get(symbol) ?? 'ensemble';
      if (increases) this.owner.set(symbol, source);
    }
    // a halted strategy's positions are left to the operator (FLATTEN), never traded under its name
    if (d.halted(source)) return undefined;
    if (!increases && !closing) {
      // the minimum holding period: the vote does not reduce a young position
      const kind = runtimes.find((r) => r.strategy.id === source)?.strategy.kind;
      const age = (this.bars.get(symbol) ?? 0) - (this.heldSince.get(symbol) ?? 0);
      if (age < (kind === 'intraday' ? cfg.minHoldBars.intraday : cfg.minHoldBars.position)) {
        this.heldMin++;
        return undefined;
      }
    }
    const price = side === 'buy' ? roundToTick(quote.bid * (1 - this.s.passiveBps / 10_000), inst.tickSize, 'buy') : roundToTick(quote.ask * (1 + this.s.passiveBps / 10_000), inst.tickSize, 'sell');
    const qty = Math.abs(target.delta);
    let cost: { quote: Quote; estimate: CostEstimate } | undefined;
    if (increases) {
      // cost-aware entry: the expected edge over the signals' horizon must cover the round trip (this order as sent, an exit crossing the spread)
      const entry = d.estimateCost({ symbol, side, qty, limitPrice: price }, this.cache);
      const exit = d.estimateCost({ symbol, side: side === 'buy' ? 'sell' : 'buy', qty, limitPrice: side === 'buy' ? quote.bid : quote.ask }, this.cache);
      if (entry && exit) {
        let h = 0;
        let hw = 0;
        for (let i = 0; i < ballots.length; i++) {
          const b = ballots[i]!;
          if (Math.sign(b.score) !== Math.sign(net)) continue;
          h += b.weight * b.multiplier * admitted[i]!.ls.signal.horizonBars;
          hw += b.weight * b.multiplier;
        }
        const edge = cfg.expectedIc * Math.abs(net) * sd * Math.sqrt(hw > 0 ? h / hw : 1);
        const verdict = benefitCostVerdict(edge, qty * mid, entry.total + exit.total, d.benefitCostRatio());
        if (!verdict.pass) {
          this.skippedCost++;
          return undefined;
        }
        target.notes.push(`entry: ${verdict.message} (edge ${(edge * 1e4).toFixed(1)} bp)`);
        cost = { quote, estimate: entry };
      }
    } else {
      // an exit is never filtered, but its estimate goes with it: its fills are compared with it like every other
      const est = d.estimateCost({ symbol, side, qty, limitPrice: price }, this.cache);
      if (est) cost = { quote, estimate: est };
    }
    const features: Record<string, number> = {};
    const snap = fs.snapshot();
    for (const k of Object.keys(snap) as Array<keyof typeof snap>) if (Number.isFinite(snap[k])) features[k] = snap[k];
    for (const [k, v] of Object.entries(rd.inputs)) if (Number.isFinite(v)) features[`regime_${k}`] = v;
    features.bid = quote.bid;
    features.ask = quote.ask;
    // what the decision carries: each signal's row and the debate's arguments, written only now
    const rows = provenanceRows();
    const influence: Record<string, number> = {};
    for (const b of admitted) influence[b.id] = b.infl;
    const provenance: Provenance = {
      strategy: source,
      signals: rows,
      features,
      regime,
      regimeReady: rd.ready,
      mode,
      sizeMultiplier,
      debate: debate(debated, debateCtx, cfg.debate.strength, true).args,
      weights,
      influence,
      net: round(net),
      target: { fraction: round(target.fraction), qty: target.qty, current: pos, volScale: round(volScale), notes: target.notes },
    };
    const top = rows.filter((r) => r.strategy === source)[0];
    const reason = `ensemble net ${net.toFixed(2)} (${rows.length} signal${rows.length === 1 ? '' : 's'}, ${regime}/${mode}) -> target ${target.qty} from ${pos}${top ? `; ${source}: ${top.reasons?.[0] ?? ''}` : ''}`;
    const order = d.submit({ symbol, side, qty, limitPrice: price, source, reason, provenance }, cost);
    if (order.status !== 'denied') {
      this.orderAge.set(order.clientOrderId, 0);
      this.turnoverUsed += qty * mid;
      this.sentThisSecond++;
      this.orders++;
    } else this.cooldown.set(symbol, DENIED_COOLDOWN);
    return order;
  }
}

const DENIED_COOLDOWN = 5;
const clamp01 = (x: number) => (x > 0 ? (x < 1 ? x : 1) : 0);
const round = (x: number) => Math.round(x * 1e6) / 1e6;
