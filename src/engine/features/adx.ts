// Wilder's directional movement: +DM/-DM and TR from the second bar, each
// smoothed by a Wilder average over n (default 14); +DI/-DI = 100 * DM / TR;
// DX = 100 * |+DI - -DI| / (+DI + -DI) (0 when both are 0); ADX = Wilder average
// of DX over n. DI first on bar n+1, ADX on bar 2n.
import type { BarIndicator, Ohlc } from './indicator.js';
import { TrueRange } from './atr.js';
import { WilderAverage } from './wilder.js';

export class Adx implements BarIndicator {
  private readonly tr = new TrueRange();
  private readonly trAvg: WilderAverage;
  private readonly plusAvg: WilderAverage;
  private readonly minusAvg: WilderAverage;
  private readonly dxAvg: WilderAverage;
  private prevHigh = NaN;
  private prevLow = NaN;
  plusDi = NaN;
  minusDi = NaN;
  value = NaN;

  constructor(readonly period = 14) {
    this.trAvg = new WilderAverage(period);
    this.plusAvg = new WilderAverage(period);
    this.minusAvg = new WilderAverage(period);
    this.dxAvg = new WilderAverage(period);
  }

  update(bar: Ohlc): void {
    this.tr.update(bar);
    const tr = this.tr.value;
    const up = bar.high - this.prevHigh;
    const down = this.prevLow - bar.low;
    this.prevHigh = bar.high;
    this.prevLow = bar.low;
    if (tr !== tr) return;
    this.trAvg.update(tr);
    this.plusAvg.update(up > down && up > 0 ? up : 0);
    this.minusAvg.update(down > up && down > 0 ? down : 0);
    if (!this.trAvg.ready) return;
    const atr = this.trAvg.value;
    const p = this.plusAvg.value;
    const m = this.minusAvg.value;
    this.plusDi = atr > 0 ? (100 * p) / atr : 0;
    this.minusDi = atr > 0 ? (100 * m) / atr : 0;
    const sum = this.plusDi + this.minusDi;
    this.dxAvg.update(sum > 0 ? (100 * Math.abs(this.plusDi - this.minusDi)) / sum : 0);
    this.value = this.dxAvg.value;
  }

  get ready(): boolean {
    return this.dxAvg.ready;
  }
}
