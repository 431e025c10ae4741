// The UI benchmarks, run in Chromium (Playwright) against the bench pages of
// bench/ui (built by ui-build.ts), each beside a bare-page peer in the same run:
//   ui.chart_200k_render_ms  200k one-minute candles (+ volume, default overlays)
//                            to the first full paint of our chart code; peer:
//                            plain ECharts with a default candlestick option.
//   ui.event_latency_ms_p99  engine quote sent over a WebSocket at 1,000/s to
//                            the frame that shows it, through our ws-client,
//                            frame batcher and store; peer: bare WebSocket →
//                            textContent. Page and sender share this machine's clock.
//   ui.pan_fps               frames per second while the 200k chart is panned
//                            one dataZoom step per animation frame for ~3 s.
// Without Chromium (or with TRADEDESK_BENCH_UI=0, which the CLI's full bench
// test sets since bench-ui.test.ts covers these) every UI figure is reported
// skipped, with the reason.
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { WebSocket } from 'ws';
import type { BenchOptions, BenchResult } from './index.js';
import { buildBenchPages, findChromium, serveBenchPages, type BenchSite } from './ui-build.js';

export const UI_BENCH_NAMES = ['ui.chart_200k_render_ms', 'ui.event_latency_ms_p99', 'ui.pan_fps'] as const;
type UiName = (typeof UI_BENCH_NAMES)[number];

export interface UiSizes {
  candles: number;
  events: number;
  panMs: number;
}
export const FULL_SIZES: UiSizes = { candles: 200_000, events: 3_000, panMs: 3_000 };
export const QUICK_SIZES: UiSizes = { candles: 2_000, events: 300, panMs: 500 };

interface Session {
  browser: Browser;
  site: BenchSite;
}

let built: Promise<string> | null = null;
/** The bench pages, built once per process and removed when it exits. */
function pagesDir(log: (l: string) => void): Promise<string> {
  built ??= (async () => {
    log('ui: building the bench pages (vite)…');
    const dir = await buildBenchPages();
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  })();
  return built;
}

async function withSession<T>(log: (l: string) => void, fn: (s: Session) => Promise<T>): Promise<T | { skipped: string }> {
  if (process.env.TRADEDESK_BENCH_UI === '0') return { skipped: 'TRADEDESK_BENCH_UI=0' };
  const chromium = findChromium();
  if ('missing' in chromium) return { skipped: chromium.missing };
  const dir = await pagesDir(log);
  const site = await serveBenchPages(dir);
  const { chromium: pw } = await import('playwright-core');
  let browser: Browser | null = null;
  try {
    browser = await pw.launch({ executablePath: chromium.path, args: ['--no-sandbox', '--disable-gpu'] });
    return await fn({ browser, site });
  } finally {
    await browser?.close();
    await site.close();
  }
}

async function openPage(s: Session, page: string, query = ''): Promise<Page> {
  const p = await s.browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(`${s.site.origin}/${page}.html${query}`);
  await p.waitForFunction(() => '__bench' in window);
  if (errors.length) throw new Error(`bench page ${page}: ${errors.join('; ')}`);
  return p;
}

/** Render time then pan fps of one chart page (a fresh tab each). */
async function chartRun(s: Session, page: string, sizes: UiSizes): Promise<{ renderMs: number; fps: number }> {
  const p = await openPage(s, page);
  try {
    const renderMs = await p.evaluate((n) => (window as unknown as { __bench: { render(n: number): Promise<number> } }).__bench.render(n), sizes.candles);
    const fps = await p.evaluate((ms) => (window as unknown as { __bench: { pan(ms: number): Promise<number> } }).__bench.pan(ms), sizes.panMs);
    return { renderMs, fps };
  } finally {
    await p.close();
  }
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

interface EventFigures {
  p50: number;
  p99: number;
  max: number;
  shown: number;
}

type EventWindow = { __bench: { result(): { latencies: number[]; lastShown: number; connected: boolean }; reset(): void } };
/** Events sent first and not counted: the page's first messages pay for JIT and schema compilation. */
const WARM_UP_EVENTS = 200;

/** Sends quotes numbered from `from` at 1,000/s until `to` (exclusive), then waits until the page shows the last. */
async function sendQuotes(ws: WebSocket, p: Page, from: number, to: number): Promise<void> {
  const wall = (): number => performance.timeOrigin + performance.now();
  const t0 = performance.now();
  let seq = from;
  await new Promise<void>((done) => {
    const tick = (): void => {
      const due = Math.min(to, from + Math.floor(performance.now() - t0) + 1);
      for (; seq < due; seq++) ws.send(JSON.stringify({ event: 'quotes', data: [{ symbol: 'BENCH', ts: wall(), bid: seq, ask: seq + 1, bidSize: 1, askSize: 1 }] }));
      if (seq >= to) done();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await p.waitForFunction((last) => (window as unknown as EventWindow).__bench.result().lastShown >= last, to - 1, { timeout: 60_000 });
}

/** Sends `count` quotes at 1,000/s (after a warm-up) to one events page and collects its latencies. */
async function eventRun(s: Session, page: string, count: number): Promise<EventFigures> {
  const connected = new Promise<WebSocket>((r) => s.site.wss.once('connection', r));
  const p = await openPage(s, page, `?ws=${encodeURIComponent(`${s.site.origin.replace('http', 'ws')}/ws`)}`);
  try {
    const ws = await connected;
    await p.waitForFunction(() => (window as unknown as EventWindow).__bench.result().connected);
    await sendQuotes(ws, p, 0, WARM_UP_EVENTS);
    await p.evaluate(() => (window as unknown as EventWindow).__bench.reset());
    await sendQuotes(ws, p, WARM_UP_EVENTS, WARM_UP_EVENTS + count);
    const r = await p.evaluate(() => (window as unknown as EventWindow).__bench.result());
    const lat = r.latencies.slice().sort((a, b) => a - b);
    return { p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), max: lat.at(-1) ?? NaN, shown: lat.length };
  } finally {
    await p.close();
  }
}

function skippedResults(names: readonly UiName[], reason: string): BenchResult[] {
  return names.map((name) => ({ name, value: NaN, unit: name === 'ui.pan_fps' ? 'fps' : 'ms', skipped: reason }));
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** ui.chart_200k_render_ms and ui.pan_fps (one render, then the pan, per page). */
export async function uiChartBenchmarks(opts: BenchOptions, sizes = opts.quick ? QUICK_SIZES : FULL_SIZES): Promise<BenchResult[]> {
  const r = await withSession(opts.log, async (s) => {
    const ours = await chartRun(s, 'chart-ours', sizes);
    const peer = await chartRun(s, 'chart-peer', sizes);
    return { ours, peer };
  });
  if ('skipped' in r) return skippedResults(['ui.chart_200k_render_ms', 'ui.pan_fps'], r.skipped);
  const { ours, peer } = r;
  return [
    { name: 'ui.chart_200k_render_ms', value: round(ours.renderMs), unit: 'ms', peer: 'plain ECharts, default candlestick option', peer_value: round(peer.renderMs), ratio: ours.renderMs / peer.renderMs, detail: { candles: sizes.candles, goal_ms: 1000 } },
    { name: 'ui.pan_fps', value: round(ours.fps), unit: 'fps', peer: 'plain ECharts panned the same way', peer_value: round(peer.fps), ratio: ours.fps / peer.fps, detail: { candles: sizes.candles, pan_ms: sizes.panMs, goal_fps: 30 } },
  ];
}

/** ui.event_latency_ms_p99. */
export async function uiEventLatency(opts: BenchOptions, sizes = opts.quick ? QUICK_SIZES : FULL_SIZES): Promise<BenchResult[]> {
  const r = await withSession(opts.log, async (s) => ({ ours: await eventRun(s, 'events-ours', sizes.events), peer: await eventRun(s, 'events-peer', sizes.events) }));
  if ('skipped' in r) return skippedResults(['ui.event_latency_ms_p99'], r.skipped);
  const { ours, peer } = r;
  return [
    {
      name: 'ui.event_latency_ms_p99',
      value: round(ours.p99),
      unit: 'ms',
      peer: 'bare WebSocket → textContent page',
      peer_value: round(peer.p99),
      ratio: ours.p99 / peer.p99,
      detail: { events: sizes.events, events_per_s: 1000, p50_ms: round(ours.p50), max_ms: round(ours.max), peer_p50_ms: round(peer.p50), goal_ms: 50 },
    },
  ];
}

let chartRunOnce: Promise<BenchResult[]> | null = null;
/** The chart figures of this process: render and pan share one run when both are chosen. */
function chartFigures(opts: BenchOptions): Promise<BenchResult[]> {
  chartRunOnce ??= uiChartBenchmarks(opts);
  return chartRunOnce;
}

export const uiRender = async (opts: BenchOptions): Promise<BenchResult[]> => (await chartFigures(opts)).filter((r) => r.name === 'ui.chart_200k_render_ms');
export const uiPan = async (opts: BenchOptions): Promise<BenchResult[]> => (await chartFigures(opts)).filter((r) => r.name === 'ui.pan_fps');
