// The real-time risk monitor: automatic triggers evaluated on every fill and
// price update (not on a timer), so a replay of the same inputs fires them at
// the same moments. Drawdown from peak (alert, then REDUCING and a cut of every
// position), daily loss limit (HALTED), volatility regime (no new entries),
// consecutive losing trades (halt that strategy), stale data on held
// instruments (REDUCING for that instrument), venue disconnect (HALTED), reject
// storm (HALTED), and correlation concentration (alert).
import type { Bar, Fill, Quote } from '../../shared/domain.js';
import type { AlertLog } from '../core/alerts.js';
import { LatestValues } from '../core/latest-values.js';
import type { MonitorConfig } from '../core/config.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import { RoundTrips, type RoundTrip } from '../portfolio/round-trips.js';
import type { RiskEngine } from './risk-engine.js';
import { barsPerYear } from '../core/annualize.js';
import { CorrelationScreen, type ReturnSource } from './correlation-screen.js';

const DAY = 86_400_000;

export interface MonitorActions {
  /** Reduce every position by `fraction` with reduce-only orders. */
  cutExposure(fraction: number, reason: string): void;
  marketOpen(symbol: string): boolean;
}

export interface RiskGauges {
  equity: number;
  peakEquity: number;
  drawdownPct: number;
  dayStartEquity: number;
  dayPnl: number;
  dayLossLimit: number;
  grossExposurePct: number;
  netExposurePct: number;
  volRegime: { symbol: string; value: number | null; threshold: number; blocking: boolean };
  consecutiveLosses: Record<string, number>;
  staleInstruments: string[];
  avgCorrelation: number | null;
  rejectsInWindow: number;
}

/**
 * Rolling 1-minute log returns per symbol (close to close): the last `size` in
 * a ring written twice (at i and i + size), so the last k always lie in one
 * run buf[start, start + k) and are read in place, oldest first. (An array
 * with push and shift reallocated its store every few bars.)
 */
class ReturnWindow implements ReturnSource {
  private readonly data = new Map<string, { last: number; buf: Float64Array; at: number; n: number; pushes: number }>();
  /**
   * The ring holds a few returns more than the window: the one a new return pushes out (the correlation
   * screen's step), and room for a pending correlation's windows to stay in place a few pushes.
   */
  readonly capacity: number;
  constructor(private readonly size: number) {
    this.capacity = size + 9;
  }
  push(symbol: string, close: number): void {
    const d = this.data.get(symbol);
    if (!d) {
      this.data.set(symbol, { last: close, buf: new Float64Array(2 * this.capacity), at: 0, n: 0, pushes: 0 });
      return;
    }
    const x = Math.log(close / d.last);
    d.buf[d.at] = x;
    d.buf[d.at + this.capacity] = x;
    d.at = d.at + 1 === this.capacity ? 0 : d.at + 1;
    if (d.n < this.size) d.n++;
    d.pushes++;
    d.last = close;
  }
  pushes(symbol: string): number {
    return this.data.get(symbol)?.pushes ?? 0;
  }
  /** Returns held for the symbol (at most `size`). */
  count(symbol: string): number {
    return this.data.get(symbol)?.n ?? 0;
  }
  /** The buffer holding the symbol's returns (with count(symbol) > 0). */
  buffer(symbol: string): Float64Array {
    return this.data.get(symbol)!.buf;
  }
  /** Where the symbol's last k returns start in buffer(symbol) (k at most the capacity and the returns pushed; past count: older ones still held). */
  start(symbol: string, k: number): number {
    return this.data.get(symbol)!.at + this.capacity - k;
  }
  /** A copy of the symbol's last min(k, count) returns, oldest first. */
  last(symbol: string, k = this.size): number[] {
    const n = Math.min(k, this.count(symbol));
    const out: number[] = [];
    if (n === 0) return out;
    // a plain copy (Array.from over a subarray made an iterator result per value)
    const buf = this.buffer(symbol);
    const from = this.start(symbol, n);
    for (let i = 0; i < n; i++) out.push(buf[from + i]!);
    return out;
  }
}

function sd(xs: number[]): number {
  if (xs.length < 2) return NaN;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

/** The `w` values of `a` from `off` minus their mean, written to `out` from `at`, and the sum of their squares. */
function centerInto(a: Float64Array, off: number, w: number, out: Float64Array, at: number): number {
  let s = 0;
  for (let i = 0; i < w; i++) s += a[off + i]!;
  const m = s / w;
  let ss = 0;
  for (let i = 0; i < w; i++) {
    const d = (out[at + i] = a[off + i]! - m);
    ss += d ** 2;
  }
  return ss;
}

/** Correlation of two centered windows of `w` values in `d` (at `i` and `j`) with sums of squares `si`, `sj`. */
function corrCentered(d: Float64Array, i: number, si: number, j: number, sj: number, w: number): number {
  let sxy = 0;
  for (let k = 0; k < w; k++) sxy += d[i + k]! * d[j + k]!;
  return si > 0 && sj > 0 ? sxy / Math.sqrt(si * sj) : NaN;
}

/** Correlation of the last min(|a|, |b|, window) values of two series, read in place (no copies: it runs per minute for every pair of holdings). */
function corr(a: readonly number[], b: readonly number[], window = Infinity): number {
  const n = Math.min(a.length, b.length, window);
  if (n < 5) return NaN;
  const xa = a.length - n;
  const yb = b.length - n;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) sx += a[xa + i]!;
  for (let i = 0; i < n; i++) sy += b[yb + i]!;
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = a[xa + i]! - mx;
    const dy = b[yb + i]! - my;
    sxy += dx * dy;
    sxx += dx ** 2;
    syy += dy ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

export class RiskMonitor {
  private peak: number;
  private dayStart: number;
  private day: number;
  private drawdownAlerted = false;
  private drawdownCut = false;
  private dailyHalted = false;
  private readonly losses = new Map<string, number>();
  private readonly trips = new RoundTrips();
  private readonly lastQuoteTs = new LatestValues();
  private readonly staleNow = new Set<string>();
  /** Held symbols without any quote yet (a position restored or adopted at start): when a check first saw them so. */
  private readonly unquotedSince = new Map<string, number>();
  private lastStaleCheck = -Infinity;
  private readonly rejects: number[] = [];
  private stormHalted = false;
  private readonly returns: ReturnWindow;
  private vol: number | null = null;
  private avgCorr: number | null = null;
  private corrAlertedAt = -Infinity;
  private lastCorrMinute = -Infinity;
  /** checkCorrelation's buffers (it runs every minute): each holding's centered window, its sum of squares, whether its window is full. */
  private dev = new Float64Array(0);
  private ss = new Float64Array(0);
  private full = new Uint8Array(0);
  /** Σ of the unit-length centered windows (surelyBelowAlert). */
  private usum = new Float64Array(0);
  /** The holdings whose average correlation checkCorrelation left to work out when read. */
  /** Where its windows are: centered in `dev` (the exact screen ran), still in the returns ring (`ring`), or copied to `raw`. */
  private corrPending: { held: readonly string[]; w: number; windows: 'dev' | 'ring' | 'raw' } | undefined;
  /** The O(holdings²) screen tried first every minute. */
  private readonly screen = new CorrelationScreen();
  /** With windows 'ring': each holding's returns pushed when the screen vouched (its window ends there). */
  private pendingAt: number[] = [];
  private raw = new Float64Array(0);

  constructor(
    private cfg: MonitorConfig,
    private readonly risk: RiskEngine,
    private readonly portfolio: Portfolio,
    private readonly alerts: AlertLog,
    private readonly actions: MonitorActions,
    private readonly now: () => number,
    /** The bars' length: annualizes their returns' volatility (config barSeconds). */
    private readonly barSeconds = 60,
  ) {
    const eq = portfolio.equity();
    this.peak = eq;
    this.dayStart = eq;
    this.day = Math.floor(now() / DAY);
    this.returns = new ReturnWindow(Math.max(cfg.volWindowBars, cfg.correlationWindowBars));
  }

  setConfig(cfg: MonitorConfig): void {
    this.cfg = cfg;
  }

  /** Re-arms the latched triggers (after an operator RESUME). */
  rearm(): void {
    this.drawdownAlerted = false;
    this.drawdownCut = false;
    this.dailyHalted = false;
    this.stormHalted = false;
    this.peak = this.portfolio.equity();
  }

  /** The volatility regime for the risk engine's no-new-entries check. */
  volRegime(): { value: number; threshold: number } | undefined {
    return this.vol === null ? undefined : { value: this.vol, threshold: this.cfg.volRegimeThreshold };
  }

  /** A valid quote (invalid ones never reach here: they raise data-quality alerts instead). */
  onQuote(q: Quote): void {
    this.lastQuoteTs.set(q.symbol, q.ts);
    this.evaluateEquity();
    if (q.ts - this.lastStaleCheck >= 1_000) {
      this.lastStaleCheck = q.ts;
      this.checkStale(q.ts);
    }
  }

  onBar(b: Bar): void {
    // correlation over complete minutes: evaluated before the new minute's first bar is added
    const minute = Math.floor(b.ts / 60_000);
    if (minute !== this.lastCorrMinute) {
      this.lastCorrMinute = minute;
      this.checkCorrelation(b.ts);
    }
    if (this.corrPending?.windows === 'ring') this.keepPendingWindows(b.symbol);
    this.returns.push(b.symbol, b.close);
    if (b.symbol === this.cfg.volRegimeSymbol) {
      const r = this.returns.last(b.symbol, this.cfg.volWindowBars);
      if (r.length >= Math.min(this.cfg.volWindowBars, 10)) {
        const v = sd(r) * Math.sqrt(barsPerYear(this.barSeconds, 'nyse'));
        const was = this.vol !== null && this.vol > this.cfg.volRegimeThreshold;
        this.vol = Number.isFinite(v) ? v : this.vol;
        const is = this.vol !== null && this.vol > this.cfg.volRegimeThreshold;
        if (is && !was) {
          this.alerts.raise('critical', 'VOL_REGIME', `${b.symbol} realized volatility ${(this.vol! * 100).toFixed(1)}% is above ${(this.cfg.volRegimeThreshold * 100).toFixed(1)}%: no new entries`, 'risk-monitor');
        } else if (was && !is) {
          this.alerts.raise('info', 'VOL_REGIME', `${b.symbol} realized volatility back to ${(this.vol! * 100).toFixed(1)}%: entries allowed`, 'risk-monitor');
        }
      }
    }
  }

  /** Losing round trips in a row of one order source (what the consecutive-loss trigger counts). */
  lossStreak(source: string): number {
    return this.losses.get(source) ?? 0;
  }

  /** A fill with the realized P&L it produced (after fees), already applied to the portfolio, and its order's source. */
  onFill(f: Fill, realized: number, source: string): void {
    const before = this.portfolio.qty(f.symbol) - (f.side === 'buy' ? f.qty : -f.qty);
    const trip = this.trips.onFill(f, realized, source, before);
    if (trip) this.onRoundTrip(trip);
    this.evaluateEquity();
  }

  /** A closed round trip (flat to flat, fees included) counts for the strategy that opened it: losses in a row halt it. */
  onRoundTrip(t: RoundTrip): void {
    const n = t.pnl < 0 ? (this.losses.get(t.strategy) ?? 0) + 1 : 0;
    this.losses.set(t.strategy, n);
    if (n >= this.cfg.maxConsecutiveLosses && t.strategy !== 'manual' && t.strategy !== 'risk-monitor') {
      if (this.risk.setState('HALTED', 'risk-monitor', `${n} losing trades in a row`, `strategy:${t.strategy}`)) {
        this.alerts.raise('critical', 'CONSECUTIVE_LOSSES', `strategy ${t.strategy} halted after ${n} losing round trips in a row (the last: ${t.symbol} ${t.pnl.toFixed(2)})`, 'risk-monitor');
      }
    }
  }

  onVenueReject(ts: number): void {
    this.rejects.push(ts);
    const from = ts - this.cfg.rejectStormWindowSeconds * 1000;
    while (this.rejects.length && this.rejects[0]! < from) this.rejects.shift();
    if (!this.stormHalted && this.rejects.length >= this.cfg.rejectStormCount) {
      this.stormHalted = true;
      this.risk.setState('HALTED', 'risk-monitor', `reject storm: ${this.rejects.length} rejects in ${this.cfg.rejectStormWindowSeconds}s`);
    }
  }

  onConnection(state: 'connected' | 'disconnected', venue: string, reason?: string): void {
    if (state === 'disconnected') this.risk.setState('HALTED', 'risk-monitor', `venue ${venue} disconnected${reason ? `: ${reason}` : ''}`);
  }

  gauges(): RiskGauges {
    const eq = this.portfolio.equity();
    const safe = eq > 0 ? eq : NaN;
    return {
      equity: eq,
      peakEquity: this.peak,
      drawdownPct: this.peak > 0 ? Math.max(0, 1 - eq / this.peak) : 0,
      dayStartEquity: this.dayStart,
      dayPnl: eq - this.dayStart,
      dayLossLimit: this.dayStart * this.cfg.dailyLossLimitPct,
      grossExposurePct: this.portfolio.gross() / safe || 0,
      netExposurePct: this.portfolio.net() / safe || 0,
      volRegime: {
        symbol: this.cfg.volRegimeSymbol,
        value: this.vol,
        threshold: this.cfg.volRegimeThreshold,
        blocking: this.vol !== null && this.vol > this.cfg.volRegimeThreshold,
      },
      consecutiveLosses: Object.fromEntries(this.losses),
      staleInstruments: [...this.staleNow],
      avgCorrelation: this.averageCorrelation(),
      rejectsInWindow: this.rejects.length,
    };
  }

  private evaluateEquity(): void {
    const eq = this.portfolio.equity();
    if (!Number.isFinite(eq)) return;
    const t = this.now();
    const day = Math.floor(t / DAY);
    if (day !== this.day) {
      this.day = day;
      this.dayStart = eq;
      this.dailyHalted = false;
    }
    if (eq > this.peak) {
      this.peak = eq;
      this.drawdownAlerted = false;
    }
    const dd = this.peak > 0 ? 1 - eq / this.peak : 0;
    if (dd >= this.cfg.drawdownAlertPct && !this.drawdownAlerted) {
      this.drawdownAlerted = true;
      this.alerts.raise('warning', 'DRAWDOWN', `drawdown ${(dd * 100).toFixed(2)}% from peak equity ${this.peak.toFixed(2)} (alert at ${(this.cfg.drawdownAlertPct * 100).toFixed(1)}%)`, 'risk-monitor');
    }
    if (dd >= this.cfg.drawdownReducePct && !this.drawdownCut) {
      this.drawdownCut = true;
      const why = `drawdown ${(dd * 100).toFixed(2)}% reached ${(this.cfg.drawdownReducePct * 100).toFixed(1)}%`;
      this.risk.setState('REDUCING', 'risk-monitor', why);
      this.actions.cutExposure(this.cfg.drawdownCutFraction, `${why}: cutting exposure by ${(this.cfg.drawdownCutFraction * 100).toFixed(0)}%`);
    }
    const loss = this.dayStart - eq;
    if (!this.dailyHalted && this.dayStart > 0 && loss >= this.dayStart * this.cfg.dailyLossLimitPct) {
      this.dailyHalted = true;
      this.risk.setState('HALTED', 'risk-monitor', `daily loss ${loss.toFixed(2)} reached the limit ${(this.dayStart * this.cfg.dailyLossLimitPct).toFixed(2)} (${(this.cfg.dailyLossLimitPct * 100).toFixed(1)}% of the day's starting equity)`);
    }
  }

  /**
   * The staleness check at `t` without a quote (the stale-data watch's timer on
   * a broker venue): a feed that goes silent altogether is caught too.
   */
  checkStaleAt(t: number): void {
    this.lastStaleCheck = t;
    this.checkStale(t);
  }

  /** True while `symbol` is held and its quotes are stale (its instrument is REDUCING for it). */
  isStale(symbol: string): boolean {
    return this.staleNow.has(symbol);
  }

  private checkStale(t: number): void {
    const limit = this.cfg.staleDataSeconds * 1000;
    const held = this.portfolio.heldSymbols();
    if (this.unquotedSince.size > 0 || this.staleNow.size > 0) this.forgetUnheld();
    for (const symbol of held) {
      let last = this.lastQuoteTs.get(symbol);
      const never = last === undefined;
      if (never) {
        // held but never quoted: its silence counts from the first check that saw it so
        last = this.unquotedSince.get(symbol);
        if (last === undefined) this.unquotedSince.set(symbol, (last = t));
      } else if (this.unquotedSince.size > 0) {
        // quoted now: its never-quoted clock is done (and no longer makes every check look for unheld symbols)
        this.unquotedSince.delete(symbol);
      }
      // the venue's market hours (a pure query) asked only of a quote that is late: a second's check ran it for every holding
      const stale = t - last! > limit && this.actions.marketOpen(symbol);
      if (stale && !this.staleNow.has(symbol)) {
        this.staleNow.add(symbol);
        const secs = ((t - last!) / 1000).toFixed(0);
        const why = never ? `no quote for held ${symbol} in ${secs}s since it was first checked, while its market is open` : `no quote for ${symbol} for ${secs}s while its market is open`;
        this.risk.setState('REDUCING', 'risk-monitor', why, `instrument:${symbol}`);
      } else if (!stale && this.staleNow.has(symbol)) {
        this.staleNow.delete(symbol);
        this.risk.setState('ACTIVE', 'risk-monitor', `quotes for ${symbol} resumed`, `instrument:${symbol}`);
      }
    }
  }

  /**
   * A symbol no longer held leaves the watch: its never-quoted clock is dropped
   * (held again later, its silence counts from that check, not from the first
   * holding's) and a REDUCING it was put in for stale quotes is lifted.
   */
  private forgetUnheld(): void {
    const p = this.portfolio;
    for (const symbol of this.unquotedSince.keys()) if (p.qty(symbol) === 0) this.unquotedSince.delete(symbol);
    for (const symbol of this.staleNow) {
      if (p.qty(symbol) !== 0) continue;
      this.staleNow.delete(symbol);
      this.risk.setState('ACTIVE', 'risk-monitor', `${symbol} is no longer held (its quotes were stale)`, `instrument:${symbol}`);
    }
  }

  private checkCorrelation(t: number): void {
    const held = this.portfolio.heldSymbols();
    this.corrPending = undefined;
    if (held.length < 2) {
      this.avgCorr = null;
      return;
    }
    // a symbol with a full window: its deviations from the mean and their sum of squares once, for all its pairs
    // (the same arithmetic, in the same order, as corr() on the pair)
    const w = this.cfg.correlationWindowBars;
    if (this.dev.length < held.length * w) {
      this.dev = new Float64Array(held.length * w);
      this.raw = new Float64Array(held.length * w);
    }
    if (this.ss.length < held.length) {
      this.ss = new Float64Array(held.length);
      this.full = new Uint8Array(held.length);
    }
    if (this.screenedBelow(held, w)) return;
    const { dev, ss, full } = this;
    for (let i = 0; i < held.length; i++) {
      const sym = held[i]!;
      full[i] = this.returns.count(sym) >= w && w >= 5 ? 1 : 0;
      if (full[i]) ss[i] = centerInto(this.returns.buffer(sym), this.returns.start(sym, w), w, dev, i * w);
    }
    if (this.surelyBelowAlert(held.length, w)) {
      // no alert can follow: the exact average (every pair) is worked out only if the gauges read it before the next minute
      this.corrPending = { held, w, windows: 'dev' };
      return;
    }
    this.avgCorr = this.pairwiseAverage(held, w);
    if (this.avgCorr !== null && this.avgCorr > this.cfg.correlationAlert && t - this.corrAlertedAt > 30 * 60_000) {
      this.corrAlertedAt = t;
      this.alerts.raise('warning', 'CORRELATION', `average pairwise correlation of the ${held.length} holdings is ${this.avgCorr.toFixed(2)}, above ${this.cfg.correlationAlert}`, 'risk-monitor');
    }
  }

  /** The average of every pair's correlation over the windows checkCorrelation prepared (null: no finite pair). */
  private pairwiseAverage(held: readonly string[], w: number): number | null {
    const { dev, ss, full } = this;
    let sum = 0;
    let n = 0;
    for (let i = 0; i < held.length; i++) {
      for (let j = i + 1; j < held.length; j++) {
        const c = full[i] && full[j] ? corrCentered(dev, i * w, ss[i]!, j * w, ss[j]!, w) : corr(this.returns.last(held[i]!), this.returns.last(held[j]!), w);
        if (Number.isFinite(c)) {
          sum += c;
          n++;
        }
      }
    }
    return n ? sum / n : null;
  }

  /**
   * With every window full: the screen's estimate, trusted when it is below
   * the alert level by a margin (1e-6) far above its error, leaves the exact
   * average pending over the windows as they are now (still in the returns
   * ring; copied out before a push would overwrite them); no alert can
   * follow. Otherwise false, and the exact check runs.
   */
  private screenedBelow(held: readonly string[], w: number): boolean {
    if (w < 5) return false;
    for (const sym of held) if (this.returns.count(sym) < w) return false;
    if (!(this.screen.average(held, w, this.returns) < this.cfg.correlationAlert - 1e-6)) return false;
    this.pendingAt.length = held.length;
    for (let i = 0; i < held.length; i++) this.pendingAt[i] = this.returns.pushes(held[i]!);
    this.corrPending = { held, w, windows: 'ring' };
    return true;
  }

  /** Before a return of `symbol` is pushed: the pending windows copied out if the ring is about to lose one of them. */
  private keepPendingWindows(symbol: string): void {
    const p = this.corrPending!;
    const i = p.held.indexOf(symbol);
    if (i < 0 || this.returns.pushes(symbol) - this.pendingAt[i]! + 1 + p.w <= this.returns.capacity) return;
    this.pendingWindows(this.raw, p);
    p.windows = 'raw';
  }

  /** Copies each pending window (as it was when the screen vouched) to `out`, holding by holding. */
  private pendingWindows(out: Float64Array, p: { held: readonly string[]; w: number }): void {
    for (let i = 0; i < p.held.length; i++) {
      const sym = p.held[i]!;
      const buf = this.returns.buffer(sym);
      const from = this.returns.start(sym, p.w + this.returns.pushes(sym) - this.pendingAt[i]!);
      for (let t = 0; t < p.w; t++) out[i * p.w + t] = buf[from + t]!;
    }
  }

  /**
   * True when the average pairwise correlation is certainly below the alert
   * level, found in O(holdings × window) instead of O(holdings² × window): with
   * every window full, the sum over pairs of correlations is (|Σ uᵢ|² − m) / 2
   * for the m unit-length centered windows uᵢ of non-zero variance (a flat
   * window's pairs are NaN and left out, as in pairwiseAverage). Rounding
   * differs from the pairwise sum by far less than the 1e-9 margin kept.
   */
  private surelyBelowAlert(k: number, w: number): boolean {
    const { dev, ss, full } = this;
    if (this.usum.length < w) this.usum = new Float64Array(w);
    const u = this.usum.fill(0, 0, w);
    let m = 0;
    for (let i = 0; i < k; i++) {
      const s = ss[i]!;
      if (!full[i]) return false;
      if (s === 0) continue;
      if (!(s > 1e-150 && s < 1e150)) return false;
      const inv = 1 / Math.sqrt(s);
      for (let j = 0; j < w; j++) u[j] = u[j]! + dev[i * w + j]! * inv;
      m++;
    }
    if (m < 2) return false;
    let q = 0;
    for (let j = 0; j < w; j++) q += u[j]! ** 2;
    return (q - m) / (m * (m - 1)) < this.cfg.correlationAlert - 1e-9;
  }

  /** The last average pairwise correlation, worked out now if checkCorrelation left it pending. */
  private averageCorrelation(): number | null {
    if (this.corrPending) {
      const p = this.corrPending;
      const { held, w } = p;
      // windows the screen vouched for: centered now, from what they held at the check
      if (p.windows === 'ring') this.pendingWindows(this.raw, p);
      if (p.windows !== 'dev') {
        for (let i = 0; i < held.length; i++) {
          this.full[i] = 1;
          this.ss[i] = centerInto(this.raw, i * w, w, this.dev, i * w);
        }
      }
      this.avgCorr = this.pairwiseAverage(held, w);
      this.corrPending = undefined;
    }
    return this.avgCorr;
  }

}
