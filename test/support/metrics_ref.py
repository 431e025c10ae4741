#!/usr/bin/env python3
"""Independent reference for `tradedesk metrics` (standard library only).

Usage: python3 test/support/metrics_ref.py FILE.csv
Prints one JSON object with the keys total_return, cagr, volatility, sharpe,
sortino, max_drawdown, var_95, var_99, es_95, es_99, days.

Definitions (same contract as src/engine/risk/analytics/performance.ts, written
separately): CSV with a header naming `timestamp` and `equity`; blank lines and
lines starting with '#' skipped; timestamps are ISO dates/datetimes (no zone =
UTC) or epoch numbers (ms when |v| >= 1e11, else seconds); points are resampled
to the last equity per UTC calendar day; r = daily simple returns, n = len(r),
sample standard deviation (statistics.stdev), no risk-free rate, 252 days/year;
VaR/ES quantiles are statistics.quantiles(n=100, method='inclusive'), which is
R type 7 / numpy 'linear'.
"""
import csv
import datetime as dt
import json
import math
import statistics
import sys

ANN = 252


def parse_ts(text):
    s = text.strip()
    try:
        v = float(s)
        if s.lstrip('-').replace('.', '', 1).isdigit():
            return v / 1000.0 if abs(v) >= 1e11 else v  # seconds since epoch
    except ValueError:
        pass
    s = s.replace(' ', 'T', 1)
    if len(s) == 10:
        d = dt.date.fromisoformat(s)
        return dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc).timestamp()
    t = dt.datetime.fromisoformat(s.replace('z', 'Z'))
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t.timestamp()


def read_points(path):
    with open(path, newline='', encoding='utf-8-sig') as f:
        rows = [r for r in csv.reader(f) if r and ''.join(r).strip() and not r[0].strip().startswith('#')]
    header = [h.strip().lower() for h in rows[0]]
    ti, ei = header.index('timestamp'), header.index('equity')
    return [(parse_ts(r[ti]), float(r[ei])) for r in rows[1:]]


def last_per_utc_day(points):
    by_day = {}
    for ts, eq in sorted(points):
        day = dt.datetime.fromtimestamp(ts, tz=dt.timezone.utc).date()
        by_day[day] = eq  # later points of the same day overwrite earlier ones
    return [by_day[d] for d in sorted(by_day)]


def tail(rets, q):
    # statistics.quantiles returns (x[j]*(n-d) + x[j+1]*d)/n, which can miss x[j]
    # by one ulp when the position is exactly x[j]; count such a return as "at" q.
    sel = [r for r in rets if r <= q or math.isclose(r, q, rel_tol=1e-12, abs_tol=0.0)]
    return -statistics.fmean(sel)


def metrics(equity):
    rets = [b / a - 1.0 for a, b in zip(equity, equity[1:])]
    n = len(rets)
    mu = statistics.mean(rets)
    sd = statistics.stdev(rets)
    downside = math.sqrt(sum(min(r, 0.0) ** 2 for r in rets) / n)
    peak, mdd = equity[0], 0.0
    for e in equity:
        peak = max(peak, e)
        mdd = max(mdd, 1.0 - e / peak)
    qs = statistics.quantiles(rets, n=100, method='inclusive')
    q5, q1 = qs[4], qs[0]
    growth = equity[-1] / equity[0]
    return {
        'total_return': growth - 1.0,
        'cagr': growth ** (ANN / n) - 1.0,
        'volatility': sd * math.sqrt(ANN),
        'sharpe': mu / sd * math.sqrt(ANN),
        'sortino': (mu / downside * math.sqrt(ANN)) if downside > 0 else None,
        'max_drawdown': mdd,
        'var_95': -q5,
        'var_99': -q1,
        'es_95': tail(rets, q5),
        'es_99': tail(rets, q1),
        'days': n,
    }


def main(argv):
    if len(argv) != 2:
        sys.stderr.write('usage: metrics_ref.py FILE.csv\n')
        return 2
    print(json.dumps(metrics(last_per_utc_day(read_points(argv[1])))))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
