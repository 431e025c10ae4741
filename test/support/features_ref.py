#!/usr/bin/env python3
"""Independent reference for the streaming features (standard library only).

Usage: python3 test/support/features_ref.py BARS.csv
Prints one JSON object {"rows": N, "columns": {name: [value or null, ...]}}
with one value per input row (null during warm-up).

Written from the definitions, not from the TypeScript: every value is computed
from its window directly (no running sums), with math.fsum for sums and
statistics.pstdev / statistics.stdev for standard deviations.

Input: a CSV whose header names timestamp, open, high, low, close, volume (one
symbol, rows in time order). Timestamps are ISO dates (UTC midnight), ISO
datetimes (no zone = UTC) or epoch numbers (ms when |v| >= 1e11, else seconds).

Definitions:
- sma_n: mean of the last n closes.
- ema_n: seeded at bar n with the mean of the first n closes, then
  e += (x - e) * 2 / (n + 1) (TA-Lib's form of the update).
- rsi_14: changes d = c_t - c_{t-1}; average gain / loss seeded with the mean of
  the first 14 gains / losses, then Wilder's avg = (avg * 13 + x) / 14;
  RSI = 100 * g / (g + l), 50 when g + l = 0.
- macd = ema_12 - ema_26 from bar 26; macd_signal = EMA 9 of the macd series
  (seeded with the mean of its first 9 values); macd_hist = macd - macd_signal.
- bb_*: middle = sma_20, upper/lower = middle +- 2 * pstdev(last 20 closes);
  zscore_20 = (close - middle) / pstdev (0 if pstdev = 0).
- tr: max(h - l, |h - c_prev|, |l - c_prev|) from bar 2; atr_14 = Wilder average
  of tr seeded with the mean of the first 14.
- adx_14: +DM = up if up > down and up > 0 else 0 (up = h - h_prev,
  down = l_prev - l), -DM likewise; TR, +DM, -DM Wilder-averaged (seeded with the
  mean of the first 14); DI = 100 * DM / TR; DX = 100 * |+DI - -DI| / (+DI + -DI)
  (0 when the sum is 0); ADX = Wilder average of DX seeded with the mean of its
  first 14.
- stoch_k_14 = 100 * (c - min(last 14 lows)) / (max(last 14 highs) - min(...))
  (50 when flat); stoch_d_3 = mean of the last 3 %K.
- ret_k = c_t / c_{t-k} - 1; ret_Mm = c_t / c_j - 1 with j the latest earlier bar
  of the same UTC day with ts_j <= ts_t - M minutes.
- vol_n = stdev(last n log returns ln(c_t / c_{t-1})) * sqrt(252).
- vwap: sum(((h + l + c) / 3) * v) / sum(v) over the UTC day so far (null when
  the day has no volume yet); vwap_dev = c / vwap - 1.
- volume_ratio_20 = v_t / mean(v over the previous 20 bars) (null if that mean is 0).
- or_high / or_low: max high / min low of the day's bars opening within 30
  minutes of the day's first bar, from the first bar opening at or after that.
- volume_z_20 = (v - mean) / pstdev over the last 20 volumes (0 if flat).
- corr_63: needs a benchmark series; always null here.
"""
import csv
import datetime as dt
import json
import math
import statistics
import sys

SQRT252 = math.sqrt(252)
DAY_MS = 86_400_000


def parse_ts_ms(text):
    s = text.strip()
    try:
        v = float(s)
        return v if abs(v) >= 1e11 else v * 1000.0
    except ValueError:
        pass
    s = s.replace(' ', 'T', 1)
    if len(s) == 10:
        d = dt.date.fromisoformat(s)
        t = dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc)
    else:
        t = dt.datetime.fromisoformat(s.replace('z', 'Z').replace('Z', '+00:00'))
        if t.tzinfo is None:
            t = t.replace(tzinfo=dt.timezone.utc)
    return round(t.timestamp() * 1000)


def read_bars(path):
    with open(path, newline='', encoding='utf-8-sig') as f:
        rows = [r for r in csv.reader(f) if r and ''.join(r).strip() and not r[0].strip().startswith('#')]
    header = [h.strip().lower() for h in rows[0]]
    ix = {k: header.index(k) for k in ('timestamp', 'open', 'high', 'low', 'close', 'volume')}
    cols = {k: [] for k in ix}
    for r in rows[1:]:
        cols['timestamp'].append(parse_ts_ms(r[ix['timestamp']]))
        for k in ('open', 'high', 'low', 'close', 'volume'):
            cols[k].append(float(r[ix[k]]))
    return cols


def sma(xs, n):
    return [math.fsum(xs[i + 1 - n:i + 1]) / n if i >= n - 1 else None for i in range(len(xs))]


def ema_from(xs, n, start):
    """EMA of xs[start:], seeded with the mean of xs[start:start+n]; None before."""
    out = [None] * len(xs)
    k = 2 / (n + 1)
    if len(xs) - start < n:
        return out
    e = math.fsum(xs[start:start + n]) / n
    out[start + n - 1] = e
    for i in range(start + n, len(xs)):
        e = (xs[i] - e) * k + e
        out[i] = e
    return out


def wilder_from(xs, n, start):
    """Wilder average of xs[start:], seeded with the mean of the first n; None before."""
    out = [None] * len(xs)
    if len(xs) - start < n:
        return out
    a = math.fsum(xs[start:start + n]) / n
    out[start + n - 1] = a
    for i in range(start + n, len(xs)):
        a = (a * (n - 1) + xs[i]) / n
        out[i] = a
    return out


def features(b):
    c, h, l, v, ts = b['close'], b['high'], b['low'], b['volume'], b['timestamp']
    n = len(c)
    out = {}
    for p in (20, 50, 200):
        out[f'sma_{p}'] = sma(c, p)
    for p in (20, 50, 200):
        out[f'ema_{p}'] = ema_from(c, p, 0)

    gains = [0.0] + [max(c[i] - c[i - 1], 0.0) for i in range(1, n)]
    losses = [0.0] + [max(c[i - 1] - c[i], 0.0) for i in range(1, n)]
    ag, al = wilder_from(gains, 14, 1), wilder_from(losses, 14, 1)
    out['rsi_14'] = [None if g is None else (50.0 if g + q == 0 else 100 * g / (g + q)) for g, q in zip(ag, al)]

    e12, e26 = ema_from(c, 12, 0), ema_from(c, 26, 0)
    macd = [None if b26 is None else a12 - b26 for a12, b26 in zip(e12, e26)]
    sig = ema_from([0.0 if m is None else m for m in macd], 9, 25) if n >= 26 else [None] * n
    out['macd'] = macd
    out['macd_signal'] = sig
    out['macd_hist'] = [None if s is None else m - s for m, s in zip(macd, sig)]

    mid = sma(c, 20)
    sd = [statistics.pstdev(c[i - 19:i + 1]) if i >= 19 else None for i in range(n)]
    out['bb_upper'] = [None if m is None else m + 2 * s for m, s in zip(mid, sd)]
    out['bb_middle'] = mid
    out['bb_lower'] = [None if m is None else m - 2 * s for m, s in zip(mid, sd)]

    tr = [0.0] + [max(h[i] - l[i], abs(h[i] - c[i - 1]), abs(l[i] - c[i - 1])) for i in range(1, n)]
    out['atr_14'] = wilder_from(tr, 14, 1)

    pdm, mdm = [0.0], [0.0]
    for i in range(1, n):
        up, down = h[i] - h[i - 1], l[i - 1] - l[i]
        pdm.append(up if up > down and up > 0 else 0.0)
        mdm.append(down if down > up and down > 0 else 0.0)
    str_, spdm, smdm = wilder_from(tr, 14, 1), wilder_from(pdm, 14, 1), wilder_from(mdm, 14, 1)
    pdi, mdi, dx = [None] * n, [None] * n, [None] * n
    for i in range(n):
        if str_[i] is None:
            continue
        pdi[i] = 100 * spdm[i] / str_[i] if str_[i] > 0 else 0.0
        mdi[i] = 100 * smdm[i] / str_[i] if str_[i] > 0 else 0.0
        s = pdi[i] + mdi[i]
        dx[i] = 100 * abs(pdi[i] - mdi[i]) / s if s > 0 else 0.0
    out['adx_14'] = wilder_from([0.0 if d is None else d for d in dx], 14, 14) if n >= 15 else [None] * n
    out['plus_di_14'] = pdi
    out['minus_di_14'] = mdi

    k = [None] * n
    for i in range(13, n):
        hh, ll = max(h[i - 13:i + 1]), min(l[i - 13:i + 1])
        k[i] = 100 * (c[i] - ll) / (hh - ll) if hh > ll else 50.0
    out['stoch_k_14'] = k
    out['stoch_d_3'] = [math.fsum(k[i - 2:i + 1]) / 3 if i >= 15 else None for i in range(n)]

    for lag in (1, 5, 21, 63, 126, 252):
        out[f'ret_{lag}'] = [c[i] / c[i - lag] - 1 if i >= lag else None for i in range(n)]
    day = [math.floor(t / DAY_MS) for t in ts]
    for mins in (15, 30, 60):
        col = [None] * n
        for i in range(n):
            for j in range(i - 1, -1, -1):
                if day[j] != day[i]:
                    break
                if ts[j] <= ts[i] - mins * 60_000:
                    col[i] = c[i] / c[j] - 1
                    break
        out[f'ret_{mins}m'] = col

    lr = [None] + [math.log(c[i] / c[i - 1]) for i in range(1, n)]
    for p in (21, 63):
        out[f'vol_{p}'] = [statistics.stdev(lr[i - p + 1:i + 1]) * SQRT252 if i >= p else None for i in range(n)]

    vwap, dev = [None] * n, [None] * n
    for i in range(n):
        first = i
        while first > 0 and day[first - 1] == day[i]:
            first -= 1
        vol = math.fsum(v[first:i + 1])
        if vol > 0:
            vwap[i] = math.fsum(((h[j] + l[j] + c[j]) / 3) * v[j] for j in range(first, i + 1)) / vol
            dev[i] = c[i] / vwap[i] - 1
    out['vwap'] = vwap
    out['vwap_dev'] = dev

    vr = [None] * n
    for i in range(20, n):
        m = math.fsum(v[i - 20:i]) / 20
        vr[i] = v[i] / m if m > 0 else None
    out['volume_ratio_20'] = vr

    orh, orl = [None] * n, [None] * n
    for i in range(n):
        first = i
        while first > 0 and day[first - 1] == day[i]:
            first -= 1
        end = ts[first] + 30 * 60_000
        in_window = [j for j in range(first, i + 1) if ts[j] < end]
        if ts[i] >= end:
            orh[i] = max(h[j] for j in in_window)
            orl[i] = min(l[j] for j in in_window)
    out['or_high'] = orh
    out['or_low'] = orl

    out['zscore_20'] = [None if s is None else ((c[i] - mid[i]) / s if s > 0 else 0.0) for i, s in enumerate(sd)]
    vz = [None] * n
    for i in range(19, n):
        w = v[i - 19:i + 1]
        s = statistics.pstdev(w)
        vz[i] = (v[i] - math.fsum(w) / 20) / s if s > 0 else 0.0
    out['volume_z_20'] = vz
    out['corr_63'] = [None] * n
    return out


def main():
    if len(sys.argv) != 2:
        sys.stderr.write('usage: features_ref.py BARS.csv\n')
        sys.exit(2)
    bars = read_bars(sys.argv[1])
    print(json.dumps({'rows': len(bars['close']), 'columns': features(bars)}))


if __name__ == '__main__':
    main()
