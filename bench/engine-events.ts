// engine.events_per_s: bus messages per wall-clock second while the real engine
// (simulator, strategy, risk, OMS, portfolio) runs simulated time as fast as it
// can. Peer: a bare loop publishing the same number of messages through the
// engine's MessageBus with one no-op subscriber, i.e. the bus alone with no
// work behind it. ratio = engine / bare bus (the share of raw bus speed kept).
// Full runs report the median of 5 fresh engines; quick runs do one.
import { performance } from 'node:perf_hooks';
import { MessageBus } from '../src/engine/core/bus.js';
import { createEngine } from '../src/engine/engine.js';
import type { BenchOptions, BenchResult } from './index.js';

function bareBusRate(count: number): number {
  const bus = new MessageBus<{ tick: { seq: number; ts: number } }>();
  let sink = 0;
  bus.subscribe('tick', (m) => {
    sink += m.seq & 1;
  });
  const t0 = performance.now();
  for (let i = 0; i < count; i++) bus.publish('tick', { seq: i, ts: i });
  const secs = (performance.now() - t0) / 1000;
  if (sink < 0) throw new Error('unreachable');
  return count / secs;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One fresh engine run: bus messages and wall seconds for `minutes` of simulated time. */
async function engineRun(minutes: number): Promise<{ messages: number; secs: number }> {
  const engine = await createEngine({ sim: { speed: 'max' } });
  await engine.prepare();
  const start = engine.now();
  const before = engine.stats.busMessages;
  const t0 = performance.now();
  engine.runUntil(start + minutes * 60_000);
  const secs = (performance.now() - t0) / 1000;
  const messages = engine.stats.busMessages - before;
  await engine.stop();
  if (messages <= 0) throw new Error('engine.events_per_s: the engine published no bus messages');
  return { messages, secs };
}

export async function engineEventsPerSecond(opts: BenchOptions): Promise<BenchResult[]> {
  const minutes = opts.quick ? 30 : 390; // a full trading session unless quick
  const repeats = opts.quick ? 1 : 5; // median of fresh engines (same seed, same work)
  opts.log(`engine.events_per_s: ${repeats} x ${minutes} simulated minutes at max speed`);
  const rates: number[] = [];
  const peers: number[] = [];
  let messages = 0;
  for (let i = 0; i < repeats; i++) {
    const run = await engineRun(minutes);
    messages = run.messages;
    rates.push(run.messages / run.secs);
    if (i === 0) bareBusRate(Math.min(run.messages, 100_000)); // warm the JIT, as the engine's prepare() does
    peers.push(bareBusRate(run.messages));
  }
  const value = median(rates);
  const peer = median(peers);
  opts.log(`engine.events_per_s: ${messages} messages per run`);
  return [
    {
      name: 'engine.events_per_s',
      value,
      unit: 'msg/s',
      peer: 'bare MessageBus publish loop, 1 no-op subscriber, same message count',
      peer_value: peer,
      ratio: value / peer,
    },
  ];
}
