// Measures the default strategy set on the simulator (not a test): runs the
// engine for a simulated week (or --days N) at --speed max on the default seed
// (or --seed N) and reports, per strategy, orders, fills, closed round trips
// (wins/losses, longest losing streak, net P&L as the risk monitor counts them)
// and when the risk monitor halted it. Usage: npx tsx scripts/signals-week.ts [--days 7] [--seed 42]
import { createEngine } from '../src/engine/engine.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number, got '${process.argv[i + 1]}'`);
  return v;
}

interface Row {
  orders: number;
  fills: number;
  trips: number;
  wins: number;
  losses: number;
  streak: number;
  maxStreak: number;
  pnl: number;
  haltedAt: number[];
}

async function main(): Promise<void> {
  const days = arg('days', 7);
  const seed = arg('seed', 42);
  const t0 = performance.now();
  const e = await createEngine({ sim: { speed: 'max', seed } });
  await e.prepare();
  const start = e.now();
  const rows = new Map<string, Row>();
  const row = (s: string) => {
    let r = rows.get(s);
    if (!r) rows.set(s, (r = { orders: 0, fills: 0, trips: 0, wins: 0, losses: 0, streak: 0, maxStreak: 0, pnl: 0, haltedAt: [] }));
    return r;
  };
  e.bus.subscribe('fill', (f) => {
    row(e.oms.get(f.clientOrderId)?.source ?? 'unknown').fills++;
  });
  // what the risk monitor's consecutive-loss trigger counts: round trips, flat to flat, owned by their opener
  const onRoundTrip = e.monitor.onRoundTrip.bind(e.monitor);
  e.monitor.onRoundTrip = (t) => {
    trip(t.strategy, t.pnl);
    onRoundTrip(t);
  };
  const trip = (s: string, pnl: number) => {
    const r = row(s);
    r.trips++;
    r.pnl += pnl;
    if (pnl < 0) {
      r.losses++;
      r.streak++;
      r.maxStreak = Math.max(r.maxStreak, r.streak);
    } else {
      r.wins++;
      r.streak = 0;
    }
  };
  e.bus.subscribe('tradingState', (c) => {
    if (c.scope.startsWith('strategy:') && c.to === 'HALTED') row(c.scope.slice('strategy:'.length)).haltedAt.push(c.ts);
  });
  const startEquity = e.portfolio.equity();
  while (e.now() < start + days * DAY) {
    e.runUntil(Math.min(start + days * DAY, e.now() + HOUR));
    await new Promise((r) => setImmediate(r));
  }
  for (const o of e.oms.recent(1_000_000)) if (o.status !== 'denied') row(o.source).orders++;
  const h = await e.handlers.venueHealth({});
  const wall = (performance.now() - t0) / 1000;
  console.log(`seed ${seed}, ${days} simulated days at --speed max, ${wall.toFixed(0)} s wall, load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`);
  console.log(`equity ${startEquity.toFixed(0)} -> ${e.portfolio.equity().toFixed(0)}, fills ${e.stats.fills}, account ${e.risk.tradingState}`);
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(`${'strategy'.padEnd(20)}${pad('orders', 8)}${pad('fills', 7)}${pad('trips', 7)}${pad('wins', 6)}${pad('losses', 8)}${pad('maxRun', 8)}${pad('net P&L', 10)}  halted`);
  let halted = 0;
  let haltedDay1 = 0;
  for (const [s, r] of [...rows].sort((a, b) => a[0].localeCompare(b[0]))) {
    const when = r.haltedAt.map((t) => `day ${((t - start) / DAY + 1).toFixed(2)}`).join(', ');
    if (r.haltedAt.length) halted++;
    if (r.haltedAt.some((t) => t - start < DAY)) haltedDay1++;
    console.log(`${s.padEnd(20)}${pad(r.orders, 8)}${pad(r.fills, 7)}${pad(r.trips, 7)}${pad(r.wins, 6)}${pad(r.losses, 8)}${pad(r.maxStreak, 8)}${pad(r.pnl.toFixed(0), 10)}  ${when || '-'}`);
  }
  console.log(`strategies halted: ${halted} (in the first simulated day: ${haltedDay1}); still halted at the end: ${e.risk.scopedStates().filter((x) => x.scope.startsWith('strategy:')).length}`);
  const keys = Object.keys(h.counters).filter((k) => /^(quoteCache|evaluation|ensemble|strategies|costs)\./.test(k));
  console.log(keys.map((k) => `${k}=${h.counters[k]}`).join(' '));
  await e.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
