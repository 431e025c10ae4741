import { describe, expect, it } from 'vitest';
import { PriceModel } from '../../../../../src/engine/venues/sim/price-model.js';
import { SIM_UNIVERSE } from '../../../../../src/engine/venues/sim/universe.js';

const idx = (s: string): number => {
  const i = SIM_UNIVERSE.findIndex((x) => x.instrument.symbol === s);
  if (i < 0) throw new Error(s);
  return i;
};

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}

function corr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = mean(a);
  const mb = mean(b);
  let c = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++) {
    c += (a[i]! - ma) * (b[i]! - mb);
    va += (a[i]! - ma) ** 2;
    vb += (b[i]! - mb) ** 2;
  }
  return c / Math.sqrt(va * vb);
}

function excessKurtosis(a: ArrayLike<number>): number {
  const m = mean(a);
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < a.length; i++) {
    m2 += (a[i]! - m) ** 2;
    m4 += (a[i]! - m) ** 4;
  }
  m2 /= a.length;
  m4 /= a.length;
  return m4 / (m2 * m2) - 3;
}

/** Lag-1 autocorrelation of |r|, with |r| capped at its 99.9th percentile so rare jumps do not dominate. */
function absAcf(r: Float64Array): number {
  const abs = r.map(Math.abs);
  const cap = Float64Array.from(abs).sort()[Math.floor(abs.length * 0.999)]!;
  const c = abs.map((x) => Math.min(x, cap));
  return corr(c.slice(0, -1), c.slice(1));
}

/** Runs `steps` open-market steps and returns per-instrument log returns plus spread / g samples. */
function run(seed: number, steps: number) {
  const m = new PriceModel(SIM_UNIVERSE, 5, seed);
  const n = m.n;
  const returns = Array.from({ length: n }, () => new Float64Array(steps));
  const spreads = Array.from({ length: n }, () => new Float64Array(steps));
  const gs = Array.from({ length: n }, () => new Float64Array(steps));
  const prev = Float64Array.from(m.mid);
  let bad = 0;
  for (let k = 0; k < steps; k++) {
    m.step(true, false);
    for (let i = 0; i < n; i++) {
      const mid = m.mid[i]!;
      const bid = m.bidTicks[i]!;
      const ask = m.askTicks[i]!;
      if (!(mid > 0) || !(bid >= 1) || !(ask > bid) || !Number.isInteger(bid) || !Number.isInteger(ask)) bad++;
      if (!(m.bidLots[i]! >= 1) || !(m.askLots[i]! >= 1)) bad++;
      returns[i]![k] = Math.log(mid / prev[i]!);
      prev[i] = mid;
      spreads[i]![k] = m.spreadBps(i);
      gs[i]![k] = m.g[i]!;
    }
  }
  return { m, returns, spreads, gs, bad };
}

describe('PriceModel', () => {
  const { m, returns, spreads, gs, bad } = run(11, 30_000);
  const r = (s: string) => returns[idx(s)]!;

  it('never produces a NaN or non-positive price, a crossed quote or an off-tick price', () => {
    expect(bad).toBe(0);
    expect(returns.every((a) => a.every(Number.isFinite))).toBe(true);
  });

  it('correlates related assets through common factors', () => {
    expect(corr(r('SPY'), r('QQQ'))).toBeGreaterThan(0.5);
    expect(corr(r('BTC/USD'), r('ETH/USD'))).toBeGreaterThan(0.4);
    expect(corr(r('XOM'), r('CVX'))).toBeGreaterThan(0.4);
    // bonds are not equity-like, and unrelated assets are far less correlated than related ones
    expect(corr(r('SPY'), r('TLT'))).toBeLessThan(0.1);
    expect(Math.abs(corr(r('KO'), r('BTC/USD')))).toBeLessThan(0.2);
  });

  it('has fat-tailed returns (positive excess kurtosis)', () => {
    for (const s of ['SPY', 'AAPL', 'BTC/USD', 'DOGE/USD']) expect(excessKurtosis(r(s)), s).toBeGreaterThan(0.5);
  });

  it('clusters volatility (|r| is positively autocorrelated)', () => {
    const acfs = returns.map((x) => absAcf(x));
    expect(mean(acfs)).toBeGreaterThan(0.03);
    expect(acfs.filter((a) => a > 0).length).toBeGreaterThan(acfs.length * 0.9);
  });

  it('quotes wider spreads for less liquid names and when volatility is high', () => {
    const avg = (s: string) => mean(spreads[idx(s)]!);
    expect(avg('SPY')).toBeLessThan(avg('KO'));
    expect(avg('KO')).toBeLessThan(avg('DBC'));
    expect(avg('BTC/USD')).toBeLessThan(avg('DOGE/USD'));
    // within one name: spread in the highest-vol decile above the lowest-vol decile
    const i = idx('DBC');
    const order = Array.from(gs[i]!.keys()).sort((a, b) => gs[i]![a]! - gs[i]![b]!);
    const tenth = Math.floor(order.length / 10);
    const low = mean(order.slice(0, tenth).map((k) => spreads[i]![k]!));
    const high = mean(order.slice(-tenth).map((k) => spreads[i]![k]!));
    expect(high).toBeGreaterThan(low * 1.1);
  });

  it('shows larger displayed size for more liquid names', () => {
    const notional = (s: string) => {
      const i = idx(s);
      return ((m.bidLots[i]! / m.lotDen[i]!) * m.bidTicks[i]!) / m.tickDen[i]!;
    };
    // one sample each is noisy (0.4x-1.4x), but the tier gap is 10x or more
    expect(notional('SPY')).toBeGreaterThan(notional('DBC'));
    expect(notional('BTC/USD')).toBeGreaterThan(notional('DOGE/USD'));
  });

  it('prints trades at the bid or the ask', () => {
    const model = new PriceModel(SIM_UNIVERSE, 5, 3);
    let prints = 0;
    let bad = 0;
    for (let k = 0; k < 200; k++) {
      model.step(true, false);
      for (let i = 0; i < model.n; i++) {
        if (model.tradeLots[i] === 0) continue;
        prints++;
        const px = model.tradeTicks[i];
        if ((px !== model.bidTicks[i] && px !== model.askTicks[i]) || !(model.tradeLots[i]! >= 1)) bad++;
      }
    }
    expect(prints).toBeGreaterThan(200);
    expect(bad).toBe(0);
  });

  it('moves stocks only while the market is open; crypto always', () => {
    const model = new PriceModel(SIM_UNIVERSE, 5, 4);
    const spy = idx('SPY');
    const btc = idx('BTC/USD');
    const spy0 = model.mid[spy];
    const btc0 = model.mid[btc];
    for (let k = 0; k < 100; k++) model.step(false, false);
    expect(model.mid[spy]).toBe(spy0);
    expect(model.active[spy]).toBe(0);
    expect(model.mid[btc]).not.toBe(btc0);
    expect(model.active[btc]).toBe(1);
  });

  it('gaps at the open: the first step of a session carries the overnight variance', () => {
    const model = new PriceModel(SIM_UNIVERSE, 5, 5);
    const spy = idx('SPY');
    let gapSq = 0;
    let stepSq = 0;
    for (let k = 0; k < 400; k++) {
      let p = model.mid[spy]!;
      model.step(true, true);
      gapSq += Math.log(model.mid[spy]! / p) ** 2;
      p = model.mid[spy]!;
      model.step(true, false);
      stepSq += Math.log(model.mid[spy]! / p) ** 2;
    }
    expect(gapSq).toBeGreaterThan(stepSq * 100);
  });

  it('is deterministic per seed', () => {
    const a = new PriceModel(SIM_UNIVERSE, 5, 99);
    const b = new PriceModel(SIM_UNIVERSE, 5, 99);
    const c = new PriceModel(SIM_UNIVERSE, 5, 100);
    for (let k = 0; k < 500; k++) {
      const open = k % 50 < 40;
      a.step(open, false);
      b.step(open, false);
      c.step(open, false);
    }
    expect(Array.from(a.mid)).toEqual(Array.from(b.mid));
    expect(Array.from(a.askLots)).toEqual(Array.from(b.askLots));
    expect(Array.from(a.mid)).not.toEqual(Array.from(c.mid));
  });
});
