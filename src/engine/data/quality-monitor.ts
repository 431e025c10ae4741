// QualityMonitor: data-quality checks on every bar and tick before the engine
// uses them, a repair policy per issue, per-symbol reports and alerts.
//
// Bars (onBar):
// - bad_price: a NaN, infinite, zero or negative open/high/low/close, or a NaN /
//   negative volume.
// - high_below_low: high < low.
// - ohlc_range: open or close outside [low, high].
// - duplicate / out_of_order: a timestamp equal to / before the last accepted one.
// - gap: bars the market calendar expected between two bars and that never
//   came (NYSE: only inside regular sessions, and session days for daily bars;
//   crypto: 24/7). value = bars missing.
// - outlier: a close-to-close log return whose z-score against the rolling
//   window of earlier returns exceeds the threshold (defaults 100 bars, 6).
//   value = z. Returns across an NYSE session break are not compared (an
//   overnight move is not a 1-minute return). Outliers stay out of the window.
// - spike: a jump (|z| above the spike threshold) that reverts on the next bar
//   (the next return has the opposite sign and gives back at least
//   `spikeRevertFraction` of it). Known one bar late: the verdict for the next
//   bar names the spike bar in `retracted` when the policy is 'drop'.
// - volume_anomaly: volume z-score against the rolling window above the volume
//   threshold. value = z.
// Ticks (onQuote / onTrade): bad_price (bid/ask/price NaN or <= 0, negative
// sizes), crossed_quote (ask < bid), out_of_order (a timestamp before the last).
// Instruments: stale - no data for `staleAfterMs` on a held instrument while its
// market is open, by the venue's hours when given (marketOpen) or the calendar
// (checkStale; the engine's stale-data watch calls it on a broker venue).
// Crypto: crossCheck flags prices of one symbol on two exchanges that differ by
// more than a threshold (0.5% by default).
//
// Policies: 'drop' (the bar / tick is not accepted) or 'flag' (accepted,
// counted, alerted). Structural problems default to 'drop', statistical ones
// to 'flag'. Every issue raises one alert naming symbol, time, issue and value.
import type { Bar, Quote, Trade } from '../../shared/domain.js';
import { defaultCalendarOf, missingBarsBetween, timeframeMs, type MarketCalendar } from './bar-calendar.js';
import { isNyseOpen, nyseSessionFor } from './calendar.js';

export const QUALITY_ISSUES = [
  'bad_price',
  'high_below_low',
  'ohlc_range',
  'duplicate',
  'out_of_order',
  'gap',
  'outlier',
  'spike',
  'volume_anomaly',
  'crossed_quote',
  'stale',
  'cross_venue',
] as const;
export type QualityIssue = (typeof QUALITY_ISSUES)[number];
export type RepairPolicy = 'drop' | 'flag';

export const DEFAULT_POLICIES: Readonly<Record<QualityIssue, RepairPolicy>> = {
  bad_price: 'drop',
  high_below_low: 'drop',
  ohlc_range: 'drop',
  duplicate: 'drop',
  out_of_order: 'drop',
  gap: 'flag',
  outlier: 'flag',
  spike: 'flag',
  volume_anomaly: 'flag',
  crossed_quote: 'drop',
  stale: 'flag',
  cross_venue: 'flag',
};

export interface QualityAlert {
  symbol: string;
  /** Time of the bar / tick concerned (the check time for stale). */
  ts: number;
  issue: QualityIssue;
  /** The offending value: the price, the z-score, the bars missing, the relative difference... */
  value: number;
  action: RepairPolicy;
  message: string;
}

export interface QualityReport {
  symbol: string;
  /** Bars seen (accepted + dropped). */
  bars: number;
  ticks: number;
  /** Bars and ticks not accepted (including spikes retracted after the fact). */
  dropped: number;
  /** Accepted bars / ticks carrying at least one flagged issue. */
  flagged: number;
  byIssue: Record<QualityIssue, number>;
  /** Time of the last accepted bar or tick. */
  lastTs: number | undefined;
  /** Held, its market open, and no data for staleAfterMs. */
  stale: boolean;
}

export interface VerdictIssue {
  issue: QualityIssue;
  value: number;
  action: RepairPolicy;
  /** Time of the bar / tick the issue is about (a spike names the earlier bar). */
  ts: number;
}

export interface BarVerdict {
  accepted: boolean;
  issues: VerdictIssue[];
  /** An earlier accepted bar now found to be a spike under a 'drop' policy: remove it. */
  retracted?: Bar;
}

export interface TickVerdict {
  accepted: boolean;
  issues: VerdictIssue[];
}

export interface QualityMonitorOptions {
  /** Per-issue overrides of DEFAULT_POLICIES. */
  policies?: Partial<Record<QualityIssue, RepairPolicy>>;
  /** Returns in the rolling window. Default 100. */
  window?: number;
  /** |z| of a return above which it is an outlier. Default 6. */
  zThreshold?: number;
  /** |z| of a jump that makes it a spike candidate. Default zThreshold. */
  spikeZ?: number;
  /** Share of the jump the next bar must give back. Default 0.5. */
  spikeRevertFraction?: number;
  /** Volume z above which volume is anomalous. Default 6. */
  volumeZThreshold?: number;
  /** Samples needed before z-scores are used. Default 20. */
  minSamples?: number;
  /** Floor for the returns' standard deviation (flat series). Default 1e-6. */
  minStdDev?: number;
  /** Bar timeframe when onBar is not told. Default '1Min'. */
  timeframe?: string;
  /** Market calendar of a symbol. Default: '24x7' for 'BASE/QUOTE', else 'nyse'. */
  calendarOf?: (symbol: string) => MarketCalendar;
  /** No data for this long on a held instrument (market open) is stale. Default 120_000. */
  staleAfterMs?: number;
  /**
   * Whether a symbol's market is open (the venue's hours, e.g. a broker's own
   * calendar). Default: the calendar (NYSE sessions; '24x7' always). Either way
   * an NYSE symbol's silence counts from its session's open when there is one.
   */
  marketOpen?: (symbol: string, now: number) => boolean;
  /** Arrival time of data, for staleness. Default Date.now. */
  now?: () => number;
  onAlert?: (alert: QualityAlert) => void;
}

const NO_ISSUES: readonly VerdictIssue[] = [];
/** The verdict of every bar without an issue (shared; frozen so no caller can change it). */
const BAR_ACCEPTED: BarVerdict = Object.freeze({ accepted: true, issues: Object.freeze([]) as unknown as VerdictIssue[] });
/** The verdict of every tick without a problem (shared; frozen so no caller can change it). */
const TICK_ACCEPTED: TickVerdict = Object.freeze({ accepted: true, issues: Object.freeze([]) as unknown as VerdictIssue[] });
/** A problem found in a tick: the issue, the offending value, the message. */
type Problem = [QualityIssue, number, string];
const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;
const OPEN_CLOSE = ['open', 'close'] as const;

/** Rolling mean / standard deviation over the last n samples. */
class Rolling {
  private readonly buf: number[] = [];
  private i = 0;
  private sum = 0;
  private sumSq = 0;

  constructor(private readonly n: number) {}

  get count(): number {
    return this.buf.length;
  }

  push(x: number): void {
    if (this.buf.length < this.n) this.buf.push(x);
    else {
      const old = this.buf[this.i]!;
      this.sum -= old;
      this.sumSq -= old * old;
      this.buf[this.i] = x;
      this.i = this.i + 1 === this.n ? 0 : this.i + 1; // not %: an integer division on every bar
    }
    this.sum += x;
    this.sumSq += x * x;
  }

  mean(): number {
    return this.sum / this.buf.length;
  }

  std(): number {
    const k = this.buf.length;
    if (k < 2) return 0;
    const m = this.sum / k;
    return Math.sqrt(Math.max(0, (this.sumSq - k * m * m) / (k - 1)));
  }
}

// Each time and price with a flag saying it is set (what `!== undefined` said of the optional fields these
// were): numbers from the start keep V8 from boxing a new double at each of the five stores per bar.
interface SeriesState {
  lastTs: number;
  lastTsSet: boolean;
  /** Close of the last bar that is the reference for the next return. */
  refClose: number;
  refCloseSet: boolean;
  refTs: number;
  refTsSet: boolean;
  /** Reference before the last accepted bar (for spikes). */
  prevRefClose: number;
  prevRefCloseSet: boolean;
  prevRefTs: number;
  prevRefTsSet: boolean;
  /** The last accepted bar, while it is a spike candidate. */
  candidate: { bar: Bar; ret: number; flagged: boolean } | undefined;
  returns: Rolling;
  volumes: Rolling;
}

interface SymbolState {
  bars: number;
  ticks: number;
  dropped: number;
  flagged: number;
  byIssue: Record<QualityIssue, number>;
  // -Infinity until set: numbers from the start, so V8 keeps them unboxed (optional fields boxed a double on every tick)
  lastTs: number;
  lastSeenAt: number;
  lastTickTs: number;
  staleAlerted: boolean;
}

function newSeries(window: number): SeriesState {
  return {
    lastTs: NaN,
    lastTsSet: false,
    refClose: NaN,
    refCloseSet: false,
    refTs: NaN,
    refTsSet: false,
    prevRefClose: NaN,
    prevRefCloseSet: false,
    prevRefTs: NaN,
    prevRefTsSet: false,
    candidate: undefined,
    returns: new Rolling(window),
    volumes: new Rolling(window),
  };
}

const zeroIssues = (): Record<QualityIssue, number> => Object.fromEntries(QUALITY_ISSUES.map((i) => [i, 0])) as Record<QualityIssue, number>;

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const positive = (x: unknown): boolean => finite(x) && x > 0;

export class QualityMonitor {
  private readonly policies: Record<QualityIssue, RepairPolicy>;
  private readonly window: number;
  private readonly zThreshold: number;
  private readonly spikeZ: number;
  private readonly spikeRevert: number;
  private readonly volumeZ: number;
  private readonly minSamples: number;
  private readonly minStd: number;
  private readonly timeframe: string;
  private readonly calendarOf: (symbol: string) => MarketCalendar;
  private readonly staleAfterMs: number;
  private readonly marketOpen: ((symbol: string, now: number) => boolean) | undefined;
  private readonly now: () => number;
  private readonly onAlert: ((a: QualityAlert) => void) | undefined;
  /** Series state by timeframe, then symbol. */
  private readonly series = new Map<string, Map<string, SeriesState>>();
  private readonly symbols = new Map<string, SymbolState>();
  private readonly held = new Set<string>();

  constructor(options: QualityMonitorOptions = {}) {
    this.policies = { ...DEFAULT_POLICIES, ...options.policies };
    this.window = options.window ?? 100;
    this.zThreshold = options.zThreshold ?? 6;
    this.spikeZ = options.spikeZ ?? this.zThreshold;
    this.spikeRevert = options.spikeRevertFraction ?? 0.5;
    this.volumeZ = options.volumeZThreshold ?? 6;
    this.minSamples = options.minSamples ?? 20;
    this.minStd = options.minStdDev ?? 1e-6;
    this.timeframe = options.timeframe ?? '1Min';
    timeframeMs(this.timeframe);
    this.calendarOf = options.calendarOf ?? defaultCalendarOf;
    this.staleAfterMs = options.staleAfterMs ?? 120_000;
    this.marketOpen = options.marketOpen;
    this.now = options.now ?? Date.now;
    this.onAlert = options.onAlert;
    if (!(this.window >= 2)) throw new RangeError('window must be >= 2');
    if (!(this.minSamples >= 2)) throw new RangeError('minSamples must be >= 2');
  }

  policy(issue: QualityIssue): RepairPolicy {
    return this.policies[issue];
  }

  // ---- bars -------------------------------------------------------------------------

  /** Checks one bar (of `timeframe`, default the monitor's) and records the verdict. */
  onBar(bar: Bar, timeframe = this.timeframe): BarVerdict {
    const sym = this.sym(bar.symbol);
    let byTf = this.series.get(timeframe);
    if (!byTf) this.series.set(timeframe, (byTf = new Map()));
    let st = byTf.get(bar.symbol);
    if (!st) byTf.set(bar.symbol, (st = newSeries(this.window)));
    sym.bars++;
    // made at the first issue: a bar without any gets the shared verdict, nothing allocated
    let verdict: BarVerdict | undefined;

    // Structural checks: any failure here ends the checks.
    const structural = this.structural(bar);
    if (structural) {
      verdict = this.raiseBar(sym, bar, verdict, structural.issue, structural.value, structural.message);
      return this.finishBar(sym, st, bar, verdict);
    }
    if (st.lastTsSet && bar.ts <= st.lastTs) {
      if (bar.ts === st.lastTs) verdict = this.raiseBar(sym, bar, verdict, 'duplicate', bar.ts, `duplicate bar at ${iso(bar.ts)}`);
      else verdict = this.raiseBar(sym, bar, verdict, 'out_of_order', bar.ts, `bar at ${iso(bar.ts)} arrived after the bar at ${iso(st.lastTs)}`);
      return this.finishBar(sym, st, bar, verdict);
    }

    const cal = this.calendarOf(bar.symbol);
    // missingBarsBetween counts nothing within one interval: the common case is decided here without the call
    if (st.lastTsSet && bar.ts - st.lastTs > timeframeMs(timeframe)) {
      const missing = missingBarsBetween(cal, timeframe, st.lastTs, bar.ts);
      if (missing > 0) verdict = this.raiseBar(sym, bar, verdict, 'gap', missing, `${missing} bar(s) missing between ${iso(st.lastTs)} and ${iso(bar.ts)} (${cal} calendar)`);
    }

    // A pending spike candidate: does this bar revert it?
    let ref = st.refClose;
    let refSet = st.refCloseSet;
    let refTs = st.refTs;
    let refTsSet = st.refTsSet;
    if (st.candidate && refSet) {
      const r2 = Math.log(bar.close / ref);
      const r1 = st.candidate.ret;
      if (Math.sign(r2) === -Math.sign(r1) && Math.abs(r1 + r2) <= (1 - this.spikeRevert) * Math.abs(r1)) {
        const c = st.candidate;
        verdict = this.raiseBar(sym, bar, verdict, 'spike', c.bar.close, `spike: close ${c.bar.close} at ${iso(c.bar.ts)} jumped ${(r1 * 100).toFixed(2)}% and reverted on the next bar`, c.bar.ts);
        const action = this.policies.spike;
        if (action === 'drop') {
          verdict.retracted = c.bar;
          sym.dropped++;
          if (c.flagged) sym.flagged--;
        } else if (!c.flagged) sym.flagged++;
        // The spike bar is no reference: returns are measured from the close before it.
        ref = st.refClose = st.prevRefClose;
        refSet = st.refCloseSet = st.prevRefCloseSet;
        refTs = st.refTs = st.prevRefTs;
        refTsSet = st.refTsSet = st.prevRefTsSet;
      }
    }
    st.candidate = undefined;

    // Returns: not across an NYSE session break for intraday bars.
    // numbers with a flag, not `number | undefined` (a double in such a variable is boxed, on every bar)
    let hasRet = false;
    let ret = 0;
    let hasZ = false;
    let z = 0;
    if (refSet && refTsSet && (cal !== 'nyse' || this.comparable(cal, timeframe, refTs, bar.ts))) {
      ret = Math.log(bar.close / ref);
      hasRet = true;
      if (st.returns.count >= this.minSamples) {
        z = (ret - st.returns.mean()) / Math.max(this.minStd, st.returns.std());
        hasZ = true;
        if (Math.abs(z) > this.zThreshold) verdict = this.raiseBar(sym, bar, verdict, 'outlier', z, `return ${(ret * 100).toFixed(3)}% at ${iso(bar.ts)} is ${z.toFixed(1)} standard deviations from the last ${st.returns.count}`);
      }
    }
    if (st.volumes.count >= this.minSamples) {
      const mean = st.volumes.mean();
      const vz = (bar.volume - mean) / Math.max(1e-9, Math.abs(mean) * 1e-3, st.volumes.std());
      if (vz > this.volumeZ) verdict = this.raiseBar(sym, bar, verdict, 'volume_anomaly', vz, `volume ${bar.volume} at ${iso(bar.ts)} is ${vz.toFixed(1)} standard deviations above the last ${st.volumes.count}`);
    }

    const dropped = this.finishBar(sym, st, bar, verdict);
    if (!dropped.accepted) return dropped;
    // Windows learn from accepted bars without statistical issues.
    const own = verdict === undefined || verdict.issues.length === 0 ? NO_ISSUES : verdict.issues.filter((i) => i.ts === bar.ts);
    const isOutlier = own.length > 0 && own.some((i) => i.issue === 'outlier');
    if (hasRet && !isOutlier) st.returns.push(ret);
    if (own.length === 0 || !own.some((i) => i.issue === 'volume_anomaly')) st.volumes.push(bar.volume);
    st.prevRefClose = ref;
    st.prevRefCloseSet = refSet;
    st.prevRefTs = refTs;
    st.prevRefTsSet = refTsSet;
    st.refClose = bar.close;
    st.refCloseSet = bar.close !== undefined;
    st.refTs = bar.ts;
    st.refTsSet = bar.ts !== undefined;
    if (hasRet && hasZ && Math.abs(z) > this.spikeZ) {
      st.candidate = { bar, ret, flagged: own.length > 0 };
    }
    return verdict ?? BAR_ACCEPTED;
  }

  /** One issue of a bar: into its verdict, and alerted. */
  private raiseBar(sym: SymbolState, bar: Bar, verdict: BarVerdict | undefined, issue: QualityIssue, value: number, message: string, ts = bar.ts): BarVerdict {
    const action = this.policies[issue];
    const v = verdict ?? { accepted: true, issues: [] };
    v.issues.push({ issue, value, action, ts });
    this.alert(sym, { symbol: bar.symbol, ts, issue, value, action, message });
    return v;
  }

  /** Runs a whole series through onBar; returns the accepted bars (spikes retracted). */
  filterBars(bars: readonly Bar[], timeframe = this.timeframe): Bar[] {
    const out: Bar[] = [];
    for (const b of bars) {
      const v = this.onBar(b, timeframe);
      if (v.retracted) {
        const i = out.lastIndexOf(v.retracted);
        if (i >= 0) out.splice(i, 1);
      }
      if (v.accepted) out.push(b);
    }
    return out;
  }

  private structural(bar: Bar): { issue: QualityIssue; value: number; message: string } | undefined {
    // a sound bar passes on plain field reads (the loops below read fields by name, which boxes every price)
    const { open, high, low, close, volume, ts } = bar;
    if (
      typeof open === 'number' && typeof high === 'number' && typeof low === 'number' && typeof close === 'number' && typeof volume === 'number' &&
      open > 0 && high > 0 && low > 0 && close > 0 && high < Infinity && volume >= 0 && volume < Infinity && Number.isFinite(ts) &&
      high >= low && open <= high && open >= low && close <= high && close >= low
    ) {
      return undefined;
    }
    for (const f of PRICE_FIELDS) {
      if (!positive(bar[f])) return { issue: 'bad_price', value: bar[f], message: `${f} ${String(bar[f])} at ${iso(bar.ts)} is not a positive price` };
    }
    if (!finite(bar.volume) || bar.volume < 0) return { issue: 'bad_price', value: bar.volume, message: `volume ${String(bar.volume)} at ${iso(bar.ts)} is not a non-negative number` };
    if (!finite(bar.ts)) return { issue: 'bad_price', value: bar.ts, message: `timestamp ${String(bar.ts)} is not a number` };
    if (bar.high < bar.low) return { issue: 'high_below_low', value: bar.high - bar.low, message: `high ${bar.high} below low ${bar.low} at ${iso(bar.ts)}` };
    for (const f of OPEN_CLOSE) {
      if (bar[f] > bar.high || bar[f] < bar.low) return { issue: 'ohlc_range', value: bar[f], message: `${f} ${bar[f]} outside [low ${bar.low}, high ${bar.high}] at ${iso(bar.ts)}` };
    }
    return undefined;
  }

  /** Two bars whose returns compare: not across an NYSE session break (intraday). */
  private comparable(cal: MarketCalendar, timeframe: string, a: number, b: number): boolean {
    if (cal !== 'nyse' || timeframeMs(timeframe) >= 86_400_000) return true;
    const sa = nyseSessionFor(a);
    const sb = nyseSessionFor(b);
    return sa !== null && sb !== null && sa.open === sb.open && a >= sa.open && b < sb.close;
  }

  private finishBar(sym: SymbolState, st: SeriesState, bar: Bar, verdict: BarVerdict | undefined): BarVerdict {
    // A spike issue is about the previous bar, already counted there.
    if (verdict !== undefined && verdict.issues.some((i) => i.ts === bar.ts && i.action === 'drop')) {
      verdict.accepted = false;
      sym.dropped++;
      return verdict;
    }
    const own = verdict === undefined || verdict.issues.length === 0 ? NO_ISSUES : verdict.issues.filter((i) => i.ts === bar.ts);
    if (own.length) sym.flagged++;
    st.lastTs = bar.ts;
    st.lastTsSet = bar.ts !== undefined;
    sym.lastTs = Math.max(sym.lastTs, bar.ts);
    this.seen(sym);
    return verdict ?? BAR_ACCEPTED;
  }

  // ---- ticks ------------------------------------------------------------------------

  onQuote(q: Quote): TickVerdict {
    let problem: Problem | undefined;
    if (!positive(q.bid)) problem = ['bad_price', q.bid, `bid ${String(q.bid)} at ${iso(q.ts)} is not a positive price`];
    else if (!positive(q.ask)) problem = ['bad_price', q.ask, `ask ${String(q.ask)} at ${iso(q.ts)} is not a positive price`];
    else if (!(finite(q.bidSize) && q.bidSize >= 0 && finite(q.askSize) && q.askSize >= 0)) {
      problem = ['bad_price', finite(q.bidSize) && q.bidSize >= 0 ? q.askSize : q.bidSize, `quote sizes ${String(q.bidSize)} x ${String(q.askSize)} at ${iso(q.ts)} are not non-negative numbers`];
    } else if (q.ask < q.bid) problem = ['crossed_quote', q.ask - q.bid, `crossed quote at ${iso(q.ts)}: ask ${q.ask} below bid ${q.bid}`];
    return this.tick(q.symbol, q.ts, problem);
  }

  onTrade(t: Trade): TickVerdict {
    let problem: Problem | undefined;
    if (!positive(t.price)) problem = ['bad_price', t.price, `trade price ${String(t.price)} at ${iso(t.ts)} is not a positive price`];
    else if (!(finite(t.size) && t.size >= 0)) problem = ['bad_price', t.size, `trade size ${String(t.size)} at ${iso(t.ts)} is not a non-negative number`];
    return this.tick(t.symbol, t.ts, problem);
  }

  /** A tick with at most one problem found in its fields (none: checked for order). */
  private tick(symbol: string, ts: number, problem: Problem | undefined): TickVerdict {
    const sym = this.sym(symbol);
    sym.ticks++;
    if (!problem && ts < sym.lastTickTs) {
      problem = ['out_of_order', ts, `tick at ${iso(ts)} arrived after one at ${iso(sym.lastTickTs)}`];
    }
    if (!problem) {
      // the common case: one shared verdict (frozen), nothing allocated per tick
      this.tickSeen(sym, ts);
      return TICK_ACCEPTED;
    }
    const [issue, value, message] = problem;
    const action = this.policies[issue];
    const verdict: TickVerdict = { accepted: true, issues: [{ issue, value, action, ts }] };
    this.alert(sym, { symbol, ts, issue, value, action, message });
    if (action === 'drop') {
      verdict.accepted = false;
      sym.dropped++;
      return verdict;
    }
    sym.flagged++;
    this.tickSeen(sym, ts);
    return verdict;
  }

  private tickSeen(sym: SymbolState, ts: number): void {
    sym.lastTickTs = Math.max(sym.lastTickTs, ts);
    sym.lastTs = Math.max(sym.lastTs, ts);
    this.seen(sym);
  }

  // ---- instruments ---------------------------------------------------------------

  /** The instruments held (positions, open orders): staleness is checked on these. */
  setHeld(symbols: Iterable<string>): void {
    this.held.clear();
    for (const s of symbols) this.held.add(s);
  }

  /**
   * Held instruments with no data for staleAfterMs while their market is open
   * (for NYSE symbols, counted from the day's session open at the earliest once it has come). Raises one
   * 'stale' alert per episode; data arriving ends it.
   */
  checkStale(now = this.now()): string[] {
    const out: string[] = [];
    for (const s of this.held) {
      const sym = this.sym(s);
      const silentMs = this.silentMs(s, sym, now);
      if (silentMs === undefined || silentMs <= this.staleAfterMs) continue;
      out.push(s);
      if (!sym.staleAlerted) {
        sym.staleAlerted = true;
        this.alert(sym, {
          symbol: s,
          ts: now,
          issue: 'stale',
          value: silentMs / 1000,
          action: this.policies.stale,
          message: `no data for ${Math.round(silentMs / 1000)} s on held instrument ${s} (limit ${Math.round(this.staleAfterMs / 1000)} s)`,
        });
      }
    }
    return out;
  }

  private silentMs(symbol: string, sym: SymbolState, now: number): number | undefined {
    const nyse = this.calendarOf(symbol) === 'nyse';
    if (this.marketOpen ? !this.marketOpen(symbol, now) : nyse && !isNyseOpen(now)) return undefined;
    // the day's NYSE open starts the silence once it has come; before it (the venue's own early hours) the
    // silence counts from the last data: a later open would make the silence negative, never stale
    const session = nyse ? nyseSessionFor(now) : undefined;
    const open = session && session.open <= now ? session.open : -Infinity;
    const since = Math.max(sym.lastSeenAt, open);
    return since === -Infinity ? undefined : now - since;
  }

  // ---- cross-venue ------------------------------------------------------------------

  /**
   * Compares one symbol's price on two exchanges: the difference relative to
   * their mean above `threshold` (default 0.5%) raises 'cross_venue'.
   */
  crossCheck(symbol: string, priceA: number, priceB: number, exchangeA: string, exchangeB: string, threshold = 0.005): { divergent: boolean; diff: number } {
    const sym = this.sym(symbol);
    const ts = this.now();
    if (!positive(priceA) || !positive(priceB)) {
      const bad = positive(priceA) ? priceB : priceA;
      this.alert(sym, { symbol, ts, issue: 'bad_price', value: bad, action: 'flag', message: `cross-check ${exchangeA} vs ${exchangeB}: price ${String(bad)} is not a positive price` });
      return { divergent: true, diff: NaN };
    }
    const diff = Math.abs(priceA - priceB) / ((priceA + priceB) / 2);
    const divergent = diff > threshold;
    if (divergent) {
      this.alert(sym, {
        symbol,
        ts,
        issue: 'cross_venue',
        value: diff,
        action: this.policies.cross_venue,
        message: `${symbol}: ${exchangeA} ${priceA} vs ${exchangeB} ${priceB} differ by ${(diff * 100).toFixed(3)}% (> ${(threshold * 100).toFixed(3)}%)`,
      });
    }
    return { divergent, diff };
  }

  // ---- reports ------------------------------------------------------------------

  report(symbol: string, now = this.now()): QualityReport {
    const sym = this.sym(symbol);
    const silent = this.held.has(symbol) ? this.silentMs(symbol, sym, now) : undefined;
    return {
      symbol,
      bars: sym.bars,
      ticks: sym.ticks,
      dropped: sym.dropped,
      flagged: sym.flagged,
      byIssue: { ...sym.byIssue },
      lastTs: sym.lastTs === -Infinity ? undefined : sym.lastTs,
      stale: silent !== undefined && silent > this.staleAfterMs,
    };
  }

  reports(now = this.now()): QualityReport[] {
    const all = new Set([...this.symbols.keys(), ...this.held]);
    return [...all].sort().map((s) => this.report(s, now));
  }

  // ---- internals ----------------------------------------------------------------

  private sym(symbol: string): SymbolState {
    let s = this.symbols.get(symbol);
    if (!s) this.symbols.set(symbol, (s = { bars: 0, ticks: 0, dropped: 0, flagged: 0, byIssue: zeroIssues(), lastTs: -Infinity, lastSeenAt: -Infinity, lastTickTs: -Infinity, staleAlerted: false }));
    return s;
  }

  private seen(sym: SymbolState): void {
    sym.lastSeenAt = this.now();
    sym.staleAlerted = false;
  }

  private alert(sym: SymbolState, a: QualityAlert): void {
    sym.byIssue[a.issue]++;
    if (!this.onAlert) return;
    try {
      this.onAlert(a);
    } catch {
      // a failing alert sink must not stop data checks
    }
  }
}

function iso(ts: number): string {
  return Number.isFinite(ts) ? new Date(ts).toISOString() : String(ts);
}
